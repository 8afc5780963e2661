package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** silver/_resolution.json as other versions of c360 write it. */
@Tag("unit")
class ResolutionFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFileOfAnEarlierVersionHasNoBronzeMarks() throws Exception {
        SilverJob.Resolution r = JSON.readValue(
                "{\"run_id\":\"run-1\",\"model_version\":1,\"definitions\":\"abc\","
                        + "\"tables\":{\"silver.identity_records\":0}}",
                SilverJob.Resolution.class);
        assertEquals(Map.of("silver.identity_records", 0L), r.tables());
        assertNull(r.bronze(), "the next run standardizes every record");
        assertNull(r.counts(), "an unchanged run measures its figures");
        assertNull(r.flags());
        assertNull(r.figures());
    }

    @Test
    void countsFlagsAndFiguresRoundTrip() throws Exception {
        SilverJob.Resolution r = new SilverJob.Resolution(
                "run-3",
                1,
                "abc",
                Map.of("silver.steward_decisions", 4L),
                Map.of("crm_contacts", new SilverJob.BronzeMark(2, null)),
                new SilverJob.Counts(10, 9, 30, 5, 2, 1, 7, 0),
                List.of(new ModelFlags.Flag("agreement_against_match", "given_name level 'exact' weighs -1.20")),
                new SilverFigures(
                        List.of(3L, 0L, 27L), List.of(5L, 2L), Map.of("crm_contacts", "2025-02-28T06:00:00Z")));
        String json = JSON.writeValueAsString(r);
        assertTrue(json.contains("\"candidate_pairs\":30"), json);
        assertTrue(json.contains("\"newest_record_times\":{\"crm_contacts\":\"2025-02-28T06:00:00Z\"}"), json);
        assertEquals(r, JSON.readValue(json, SilverJob.Resolution.class));
    }

    @Test
    void fieldsOfALaterVersionAreIgnoredAndMarksRoundTrip() throws Exception {
        SilverJob.Resolution r = JSON.readValue(
                "{\"run_id\":\"run-2\",\"model_version\":2,\"definitions\":\"abc\",\"tables\":{},"
                        + "\"bronze\":{\"crm_contacts\":{\"version\":3,\"ingested_until\":\"2026-12-04T21:59:27.126175Z\"}},\"later\":true}",
                SilverJob.Resolution.class);
        assertEquals(
                new SilverJob.BronzeMark(3, "2026-12-04T21:59:27.126175Z"),
                r.bronze().get("crm_contacts"));
        assertEquals(r, JSON.readValue(JSON.writeValueAsString(r), SilverJob.Resolution.class));
    }
}
