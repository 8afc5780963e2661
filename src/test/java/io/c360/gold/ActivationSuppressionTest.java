package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which contact points an e-mail export suppresses, on a lake of a few hand-made rows: a withdrawal
 * matching could not place for certain (its record waits in review beside a customer's record) silences
 * that customer when it is newer than the customer's own consent, and only then.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ActivationSuppressionTest {
    private final SparkSession spark;

    ActivationSuppressionTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void aWithdrawalInReviewSilencesTheCustomerItMayBelongToUnlessTheirConsentIsNewer(@TempDir Path dir) {
        Lake lake = new Lake(spark, dir.resolve("lake").toString());
        lake.overwrite(
                new TableName("silver", "identity_records"),
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("crm_contacts:1", "crm_contacts", "1", "s1", "ann@example.org"),
                                RowFactory.create("consent_events:w1", "consent_events", "w1", "s2", "ann@exampel.org"),
                                RowFactory.create("crm_contacts:2", "crm_contacts", "2", "s3", "bob@example.org"),
                                RowFactory.create("consent_events:w2", "consent_events", "w2", "s4", "bob@exampel.org"),
                                RowFactory.create("crm_contacts:3", "crm_contacts", "3", "s5", "cat@example.org")),
                        new StructType()
                                .add("record_key", DataTypes.StringType)
                                .add("source", DataTypes.StringType)
                                .add("record_id", DataTypes.StringType)
                                .add("signature", DataTypes.StringType)
                                .add("email", DataTypes.StringType)));
        lake.overwrite(
                new TableName("silver", "customer_id_map"),
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("crm_contacts:1", "C1"),
                                RowFactory.create("consent_events:w1", "C9"),
                                RowFactory.create("crm_contacts:2", "C2"),
                                RowFactory.create("consent_events:w2", "C8"),
                                RowFactory.create("crm_contacts:3", "C3")),
                        new StructType()
                                .add("record_key", DataTypes.StringType)
                                .add("customer_id", DataTypes.StringType)));
        // w1 and w2 each wait for a steward beside a customer's record; cat's record was judged no match to w1.
        lake.overwrite(
                new TableName("silver", "scored_pairs"),
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("s1", "s2", "review"),
                                RowFactory.create("s3", "s4", "review"),
                                RowFactory.create("s2", "s5", "non_link")),
                        new StructType()
                                .add("l_id", DataTypes.StringType)
                                .add("r_id", DataTypes.StringType)
                                .add("decision", DataTypes.StringType)));
        StructType consent = new StructType()
                .add("customer_id", DataTypes.StringType)
                .add("purpose", DataTypes.StringType)
                .add("channel", DataTypes.StringType)
                .add("status", DataTypes.StringType)
                .add("decided_at", DataTypes.TimestampType);
        lake.overwrite(
                TableName.gold("consent"),
                spark.createDataFrame(
                        List.of(
                                RowFactory.create(
                                        "C1",
                                        "marketing",
                                        "email",
                                        "granted",
                                        Timestamp.valueOf("2026-01-01 00:00:00")),
                                RowFactory.create(
                                        "C2",
                                        "marketing",
                                        "email",
                                        "granted",
                                        Timestamp.valueOf("2026-06-01 00:00:00")),
                                RowFactory.create(
                                        "C3",
                                        "marketing",
                                        "email",
                                        "granted",
                                        Timestamp.valueOf("2026-01-01 00:00:00"))),
                        consent));
        spark.createDataFrame(
                        List.of(
                                RowFactory.create(
                                        "w1",
                                        "marketing",
                                        "email",
                                        "withdrawn",
                                        Timestamp.valueOf("2026-03-01 00:00:00")),
                                RowFactory.create(
                                        "w2",
                                        "marketing",
                                        "email",
                                        "withdrawn",
                                        Timestamp.valueOf("2026-02-01 00:00:00"))),
                        new StructType()
                                .add("consent_event_id", DataTypes.StringType)
                                .add("purpose", DataTypes.StringType)
                                .add("channel", DataTypes.StringType)
                                .add("status", DataTypes.StringType)
                                .add("event_time", DataTypes.TimestampType))
                .createOrReplaceTempView("latest_consent_events");

        Set<String> suppressed = new TreeSet<>();
        for (Row r : Activation.suppressed(lake, "marketing", "email", "email").collectAsList()) {
            suppressed.add(r.getString(0));
        }
        // ann@example.org: C1's consent (January) is older than the withdrawal in review (March);
        // bob@example.org stays: C2 granted in June, after the withdrawal of February; cat was never in review with
        // one.
        assertEquals(Set.of("ann@exampel.org", "bob@exampel.org", "ann@example.org"), suppressed);
    }
}
