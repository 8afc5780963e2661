package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A postal segment with {@code per: household}, on a lake of a few hand-made rows: one row per household,
 * through the member the rule chooses among those who may be written to, never one without postal consent
 * or on do-not-contact.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class HouseholdActivationTest {
    private final SparkSession spark;

    HouseholdActivationTest(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * H1: C2 ordered last but withdrew postal consent, C3 ordered before C1, both consented; H2: C4 ordered but
     * is on do-not-contact, C5 consented and never ordered; H3: C6 has no postal consent; H4: C7 consented but
     * has no address, C8 consented with one.
     */
    private Lake lake(Path dir) {
        Lake lake = new Lake(spark, dir.resolve("lake").toString());
        lake.overwrite(TableName.gold("customer"), spark.sql("""
                        SELECT * FROM VALUES
                          ('C1', 'Ann', 'Lee', '1', 'oak st', NULL, 'Springfield', 'IL', '62701', TIMESTAMP '2026-01-01 00:00:00'),
                          ('C2', 'Bob', 'Lee', '1', 'oak st', NULL, 'Springfield', 'IL', '62701', TIMESTAMP '2026-01-01 00:00:00'),
                          ('C3', 'Cat', 'Lee', '1', 'oak st', NULL, 'Springfield', 'IL', '62701', TIMESTAMP '2026-01-01 00:00:00'),
                          ('C4', 'Dan', 'Ito', '9', 'elm rd', '2', 'Salem', 'OR', '97301', TIMESTAMP '2026-01-01 00:00:00'),
                          ('C5', 'Eve', 'Ito', '9', 'elm rd', '2', 'Salem', 'OR', '97301', TIMESTAMP '2026-01-01 00:00:00'),
                          ('C6', 'Fay', 'Roe', '5', 'ash ln', NULL, 'Dover', 'DE', '19901', TIMESTAMP '2026-01-01 00:00:00'),
                          ('C7', 'Gus', 'Kim', NULL, NULL, NULL, NULL, NULL, NULL, TIMESTAMP '2026-05-01 00:00:00'),
                          ('C8', 'Hal', 'Kim', '3', 'fir ct', NULL, 'Akron', 'OH', '44301', TIMESTAMP '2026-01-01 00:00:00')
                        AS c(customer_id, given_name, surname, house_number, street, unit, city, state, postcode, last_seen)
                        """));
        lake.overwrite(TableName.gold("consent"), spark.sql("""
                        SELECT * FROM VALUES
                          ('C1', 'marketing', 'post', 'granted', false),
                          ('C2', 'marketing', 'post', 'withdrawn', false),
                          ('C2', 'marketing', 'email', 'granted', false),
                          ('C3', 'marketing', 'post', 'granted', false),
                          ('C4', 'marketing', 'post', 'withdrawn', true),
                          ('C4', 'do_not_contact', 'all', 'granted', true),
                          ('C5', 'marketing', 'post', 'granted', false),
                          ('C6', 'marketing', 'email', 'granted', false),
                          ('C7', 'marketing', 'post', 'granted', false),
                          ('C8', 'marketing', 'post', 'granted', false)
                        AS c(customer_id, purpose, channel, status, do_not_contact)
                        """));
        return lake;
    }

    /** customer_360 joined with customer and household_member, as the gold run gives segments. */
    private Dataset<Row> base(Lake lake) {
        Dataset<Row> figures = spark.sql("""
                SELECT * FROM VALUES
                  ('C1', 'H1', TIMESTAMP '2026-03-01 00:00:00'),
                  ('C2', 'H1', TIMESTAMP '2026-10-01 00:00:00'),
                  ('C3', 'H1', TIMESTAMP '2026-06-01 00:00:00'),
                  ('C4', 'H2', TIMESTAMP '2026-09-01 00:00:00'),
                  ('C5', 'H2', CAST(NULL AS TIMESTAMP)),
                  ('C6', 'H3', TIMESTAMP '2026-09-01 00:00:00'),
                  ('C7', 'H4', TIMESTAMP '2026-09-01 00:00:00'),
                  ('C8', 'H4', CAST(NULL AS TIMESTAMP))
                AS f(customer_id, household_id, last_order_at)
                """);
        return figures.join(lake.read(TableName.gold("customer")), "customer_id");
    }

    private List<String> postalExport(Lake lake, GoldDefinitions.Segment segment) {
        Dataset<Row> members = Segments.membership(
                List.of(segment), base(lake), lake.read(TableName.gold("consent")), "segments.yaml");
        lake.overwrite(TableCatalog.SEGMENT_MEMBERSHIP, members);
        return Activation.audience(lake, segment, "post")
                .selectExpr("concat_ws(' ', customer_id, given_name, street)")
                .as(Encoders.STRING())
                .collectAsList();
    }

    private static GoldDefinitions.Segment postal(String choose) {
        return new GoldDefinitions.Segment(
                "catalogue",
                "one catalogue per home",
                "marketing",
                Optional.of("post"),
                "true",
                GoldDefinitions.Per.household,
                choose);
    }

    @Test
    void onePostalRowPerHouseholdThroughTheMostRecentBuyerWhoConsented(@TempDir Path dir) {
        Lake lake = lake(dir);
        assertEquals(
                List.of("C3 Cat oak st", "C5 Eve elm rd", "C8 Hal fir ct"),
                postalExport(lake, postal(GoldDefinitions.Segment.MOST_RECENT_BUYER)),
                "H1 through C3 (C2 ordered later but withdrew postal consent), H2 through C5 (C4 is on"
                        + " do-not-contact), none for H3 (no postal consent), H4 through C8 (C7 has no address)");
    }

    @Test
    void theDeclaredRuleChoosesTheMember(@TempDir Path dir) {
        Lake lake = lake(dir);
        assertEquals(
                List.of("C1 Ann oak st", "C5 Eve elm rd", "C8 Hal fir ct"),
                postalExport(lake, postal("given_name")),
                "alphabetical by given name: Ann in H1; still never C4 nor anyone of H3");
    }

    @Test
    void perCustomerKeepsEveryConsentedMember(@TempDir Path dir) {
        Lake lake = lake(dir);
        var everyone = new GoldDefinitions.Segment("catalogue", "d", "marketing", Optional.of("post"), "true");
        assertEquals(
                List.of("C1 Ann oak st", "C3 Cat oak st", "C5 Eve elm rd", "C8 Hal fir ct"),
                postalExport(lake, everyone),
                "every consented member with an address");
    }

    @Test
    void aBadRuleNamesTheSegment(@TempDir Path dir) {
        Lake lake = lake(dir);
        C360Exception e = assertThrows(C360Exception.class, () -> postalExport(lake, postal("no_such_column DESC")));
        assertTrue(e.getMessage().startsWith("segments.yaml: segment catalogue: choose:"), e.getMessage());
    }

    @Test
    void aSegmentFileSaysPerHousehold() {
        var file = io.c360.config.ConfigReader.parse("segments.yaml", """
                segments:
                  - {name: catalogue, description: d, purpose: marketing, channel: post, where: 'true', per: household}
                  - {name: chosen, description: d, purpose: marketing, channel: post, where: 'true', per: household,
                     choose: revenue DESC}
                """, SegmentsProbe.class);
        assertEquals(GoldDefinitions.Per.household, file.segments().get(0).per());
        assertEquals(
                GoldDefinitions.Segment.MOST_RECENT_BUYER,
                file.segments().get(0).choose());
        assertEquals("revenue DESC", file.segments().get(1).choose());
        assertThrows(
                C360Exception.class,
                () -> io.c360.config.ConfigReader.parse(
                        "segments.yaml",
                        "segments: [{name: s, description: d, purpose: marketing, channel: post, where: 'true',"
                                + " choose: revenue DESC}]",
                        SegmentsProbe.class),
                "choose without per: household");
    }

    /** The segments list of a segments file, bound as GoldDefinitions binds it. */
    record SegmentsProbe(List<GoldDefinitions.Segment> segments) {}
}
