package io.c360.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.silver.SilverFigures;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Source freshness from silver record times against each source's SLA. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class FreshnessTest {
    private static final Instant AS_OF = SampleRuns.AS_OF;
    private final SparkSession spark;

    @TempDir
    Path home;

    FreshnessTest(SparkSession spark) {
        this.spark = spark;
    }

    private C360Config config() {
        return SampleRuns.config(
                home,
                Map.of(
                        "crm_contacts", Optional.of(Duration.ofHours(26)),
                        "billing_accounts", Optional.of(Duration.ofHours(26)),
                        "web_events", Optional.empty(),
                        "consent_events", Optional.of(Duration.ofHours(1))));
    }

    private static Timestamp hoursBeforeAsOf(long hours) {
        return Timestamp.from(AS_OF.minus(Duration.ofHours(hours)));
    }

    @Test
    void marksSourcesOlderThanTheirSlaStale() {
        C360Config config = config();
        Lake lake = new Lake(spark, config.lakeRoot());
        StructType schema =
                new StructType().add("source", DataTypes.StringType).add("record_time", DataTypes.TimestampType);
        lake.append(
                TableCatalog.IDENTITY_RECORDS,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("crm_contacts", hoursBeforeAsOf(40)),
                                RowFactory.create("crm_contacts", hoursBeforeAsOf(30)),
                                RowFactory.create("billing_accounts", hoursBeforeAsOf(50)),
                                RowFactory.create("billing_accounts", hoursBeforeAsOf(2)),
                                RowFactory.create("billing_accounts", null),
                                RowFactory.create("web_events", hoursBeforeAsOf(24 * 90))),
                        schema));

        Map<String, PipelineRun.Freshness> freshness =
                Freshness.measure(config, SilverFigures.measure(lake).newestRecords(), AS_OF).stream()
                        .collect(Collectors.toMap(PipelineRun.Freshness::source, Function.identity()));

        assertEquals(4, freshness.size(), "one entry per configured source");
        assertTrue(freshness.get("crm_contacts").stale(), "30 h old against a 26 h SLA");
        assertEquals(
                Optional.of(AS_OF.minus(Duration.ofHours(30))),
                freshness.get("crm_contacts").newestRecord());
        assertFalse(freshness.get("billing_accounts").stale(), "2 h old against a 26 h SLA");
        assertEquals(
                Optional.of(AS_OF.minus(Duration.ofHours(2))),
                freshness.get("billing_accounts").newestRecord());
        assertFalse(freshness.get("web_events").stale(), "no SLA, never stale");
        assertEquals(Optional.empty(), freshness.get("consent_events").newestRecord());
        assertFalse(freshness.get("consent_events").stale(), "no records, nothing to judge");
    }

    @Test
    void beforeSilverNoSourceHasARecordTime() {
        C360Config config = config();
        Lake lake = new Lake(spark, config.lakeRoot());

        List<PipelineRun.Freshness> freshness =
                Freshness.measure(config, SilverFigures.measure(lake).newestRecords(), AS_OF);

        assertEquals(4, freshness.size());
        assertTrue(freshness.stream().allMatch(f -> f.newestRecord().isEmpty() && !f.stale()), freshness.toString());
        assertEquals(
                Optional.of(Duration.ofHours(1)),
                freshness.stream()
                        .filter(f -> f.source().equals("consent_events"))
                        .findFirst()
                        .orElseThrow()
                        .sla());
    }
}
