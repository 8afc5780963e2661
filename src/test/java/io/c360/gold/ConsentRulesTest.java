package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** gold/consent.sql and the segment consent guard, on a handful of consent events. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ConsentRulesTest {
    private final SparkSession spark;
    private Dataset<Row> consent;

    ConsentRulesTest(SparkSession spark) {
        this.spark = spark;
    }

    @BeforeEach
    void unifyConsent() throws Exception {
        spark.sql("""
        SELECT * FROM VALUES
          ('E1', 'marketing', 'email', 'granted', TIMESTAMP '2026-01-01 10:00:00', 'web_form', 'consent', 'C1'),
          ('E2', 'marketing', 'email', 'withdrawn', TIMESTAMP '2026-02-01 10:00:00', 'app', 'consent', 'C1'),
          ('E3', 'marketing', 'email', 'granted', TIMESTAMP '2026-03-01 10:00:00', 'web_form', 'consent', 'C2'),
          ('E4', 'marketing', 'email', 'withdrawn', TIMESTAMP '2026-03-01 10:00:00', 'app', 'consent', 'C2'),
          ('E5', 'marketing', 'email', 'granted', TIMESTAMP '2026-01-01 10:00:00', 'web_form', 'consent', 'C3'),
          ('E6', 'marketing', 'all', 'withdrawn', TIMESTAMP '2026-02-01 10:00:00', 'preference_center', 'consent', 'C3'),
          ('E7', 'marketing', 'sms', 'granted', TIMESTAMP '2026-03-01 10:00:00', 'app', 'consent', 'C3'),
          ('E8', 'marketing', 'email', 'granted', TIMESTAMP '2026-01-01 10:00:00', 'web_form', 'consent', 'C4'),
          ('E9', 'do_not_contact', 'all', 'granted', TIMESTAMP '2026-02-01 10:00:00', 'call_center', 'consent', 'C4'),
          ('E10', 'marketing', 'email', 'granted', TIMESTAMP '2026-01-01 10:00:00', 'web_form', 'consent', 'C5'),
          ('E11', 'do_not_contact', 'all', 'granted', TIMESTAMP '2026-02-01 10:00:00', 'call_center', 'consent', 'C5'),
          ('E12', 'do_not_contact', 'all', 'withdrawn', TIMESTAMP '2026-03-01 10:00:00', 'call_center', 'consent', 'C5')
        AS e(consent_event_id, purpose, channel, status, event_time, capture_source, _source_system, customer_id)
        """).createOrReplaceTempView("consent_fixture");
        spark.table("consent_fixture").drop("customer_id").createOrReplaceTempView("latest_consent_events");
        spark.sql("SELECT 'consent_events' AS source, consent_event_id AS record_id, customer_id FROM consent_fixture")
                .createOrReplaceTempView("customer_xref");
        consent = spark.sql(Files.readString(Path.of("gold/consent.sql")));
    }

    /** (customer, purpose, channel) → "status by event". */
    private Map<String, String> decisions() {
        Map<String, String> out = new TreeMap<>();
        for (Row r : consent.collectAsList()) {
            out.put(
                    r.getAs("customer_id") + " " + r.getAs("purpose") + " " + r.getAs("channel"),
                    r.getAs("status") + " by " + r.getAs("decided_by_record")
                            + (r.<Boolean>getAs("do_not_contact") ? " dnc" : ""));
        }
        return out;
    }

    @Test
    void latestEventWins() {
        assertEquals("withdrawn by E2", decisions().get("C1 marketing email"));
    }

    @Test
    void withdrawalWinsATie() {
        assertEquals("withdrawn by E4", decisions().get("C2 marketing email"));
    }

    @Test
    void channelAllAppliesToEveryChannelUntilALaterChoice() {
        Map<String, String> d = decisions();
        assertEquals("withdrawn by E6", d.get("C3 marketing email"));
        assertEquals("withdrawn by E6", d.get("C3 marketing post"));
        assertEquals(
                "granted by E7",
                d.get("C3 marketing sms"),
                "a later SMS grant overrides the earlier withdrawal for all channels");
    }

    @Test
    void doNotContactOverridesAGrantUntilLifted() {
        Map<String, String> d = decisions();
        assertEquals("withdrawn by E9 dnc", d.get("C4 marketing email"));
        assertEquals("granted by E9 dnc", d.get("C4 do_not_contact all"));
        assertEquals(
                "granted by E10",
                d.get("C5 marketing email"),
                "a withdrawn do-not-contact request no longer overrides");
        assertEquals("withdrawn by E12", d.get("C5 do_not_contact all"));
    }

    @Test
    void marketingSegmentHoldsOnlyCustomersWithConsentOnItsChannel() {
        Dataset<Row> everyone = spark.sql(
                "SELECT customer_id FROM VALUES ('C1'), ('C2'), ('C3'), ('C4'), ('C5'), ('C6') AS c(customer_id)");
        var email = new GoldDefinitions.Segment("all_email", "everyone", "marketing", Optional.of("email"), "true");
        var sms = new GoldDefinitions.Segment("all_sms", "everyone", "marketing", Optional.of("sms"), "true");
        var service = new GoldDefinitions.Segment("all_service", "everyone", "service", Optional.of("phone"), "true");
        List<String> members = Segments.membership(List.of(email, sms, service), everyone, consent, "segments.yaml")
                .selectExpr("concat(segment, ' ', customer_id)")
                .orderBy("segment", "customer_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        assertEquals(
                List.of(
                        "all_email C5",
                        "all_service C1",
                        "all_service C2",
                        "all_service C3",
                        "all_service C4",
                        "all_service C5",
                        "all_service C6",
                        "all_sms C3"),
                members);
    }
}
