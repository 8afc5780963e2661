package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
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
