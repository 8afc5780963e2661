package io.c360.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.access.Masking;
import io.c360.config.AccessSettings;
import io.c360.lake.TableCatalog;
import io.c360.silver.Explanation;
import io.c360.steward.Stewardship;
import io.c360.test.SparkExtension;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the workbench shows each default role of a pair of records: stewards see names and e-mails in
 * clear but a national id as its keyed hash, analysts see every identity attribute masked, privacy
 * officers see everything; the evidence's compared values are masked the same way.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ShownTest {
    private final Shown shown;
    private final Masking masking;

    ShownTest(SparkSession spark) {
        masking = new Masking(
                AccessSettings.DEFAULTS, TableCatalog.engine(), "test key".getBytes(StandardCharsets.UTF_8));
        shown = new Shown(spark, masking);
    }

    @Test
    void eachRoleSeesTheKindsItMayAndMasksOfTheRest() {
        Stewardship.PairView pair = new Stewardship.PairView(
                record("crm:1", "ann", "ann@example.org", "123-45-6789"),
                record("web:2", "anne", "ann@example.org", null),
                false,
                Optional.of(new Explanation.Result(
                        "crm:1",
                        "web:2",
                        -5,
                        List.of(
                                step("email", "ann@example.org", "ann@example.org"),
                                step("national_id", "123-45-6789", "-"),
                                step("name", "ann", "anne"),
                                step("device", "d1", "d2")),
                        9,
                        0.9,
                        List.of(),
                        List.of(),
                        "review",
                        List.of())),
                Optional.empty());

        Stewardship.PairView steward = shown.pair(pair, "steward");
        assertEquals("ann", steward.left().attributes().get("given_name"));
        assertEquals("ann@example.org", steward.left().attributes().get("email"));
        String hashedId = steward.left().attributes().get("national_id");
        assertTrue(hashedId.matches("[0-9a-f]{32}"), hashedId);
        assertEquals("Milan", steward.left().attributes().get("city"), "a column the catalog does not tag");
        List<Explanation.Step> steps = steward.evidence().orElseThrow().steps();
        assertEquals("ann@example.org", steps.get(0).left());
        assertEquals(hashedId, steps.get(1).left(), "the same mask in the evidence as in the record");
        assertNull(steps.get(3).left(), "values of a comparison of no known kind, to a role that does not see all");

        Stewardship.PairView analyst = shown.pair(pair, "analyst");
        assertEquals("a***", analyst.left().attributes().get("given_name"));
        assertEquals(
                analyst.left().attributes().get("email"),
                analyst.right().attributes().get("email"),
                "equal e-mails stay equal masked");
        assertTrue(analyst.left().attributes().get("email").matches("[0-9a-f]{32}"));
        assertEquals("a***", analyst.evidence().orElseThrow().steps().get(2).right());

        assertEquals(pair, shown.pair(pair, "privacy"), "privacy sees everything as it is");

        List<Stewardship.CustomerHit> hits = shown.hits(
                List.of(new Stewardship.CustomerHit(
                        "C1", "ann smith", Optional.of("ann@example.org"), Optional.of("Milan"), 2, List.of(), "name")),
                "analyst");
        assertEquals("a***", hits.get(0).name());
        assertEquals(
                analyst.left().attributes().get("email"), hits.get(0).email().orElseThrow());
        assertEquals("M***", hits.get(0).city().orElseThrow(), "a hit's city is masked as an address");
    }

    private static Stewardship.RecordView record(String key, String name, String email, String nationalId) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("given_name", name);
        attributes.put("email", email);
        if (nationalId != null) {
            attributes.put("national_id", nationalId);
        }
        attributes.put("city", "Milan");
        return new Stewardship.RecordView(
                key, key.split(":")[0], "system", key.split(":")[1], Optional.empty(), Optional.empty(), attributes);
    }

    private static Explanation.Step step(String comparison, String left, String right) {
        return new Explanation.Step(comparison, "exact", 0.9, 0.1, 3, 0, left, right);
    }
}
