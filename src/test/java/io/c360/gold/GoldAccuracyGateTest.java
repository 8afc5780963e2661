package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.ops.Pipeline;
import io.c360.quality.CheckOutcome;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code accuracy_audit:} in gold's quality file, gold publishes only after a recent, good enough audit,
 * and a run with nothing new stops standing on the last publication once that audit has expired.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class GoldAccuracyGateTest {

    @Test
    void goldWaitsForARecentAuditOfEnoughPrecision(SparkSession spark, @TempDir Path dir) throws IOException {
        SampleLake.Site site = SampleLake.copy(dir.resolve("site"));
        Lake lake = site.lake();
        Path folder = dir.resolve("gold");
        SampleLake.copyTree(site.gold().folder(), folder);
        Files.writeString(
                folder.resolve("quality.yaml"),
                "accuracy_audit: {min_precision: 0.95, max_age_days: 30}\n"
                        + Files.readString(folder.resolve("quality.yaml")));
        GoldDefinitions gold =
                new GoldDefinitions(folder, site.gold().tables(), site.gold().segments());
        long published = lake.version(TableName.gold("customer"));

        Pipeline.Outcome unaudited = new Pipeline(lake, site.config(), Progress.silent(), gold)
                .run(List.of(Pipeline.Stage.gold), SampleLake.AS_OF, false);

        assertFalse(unaudited.succeeded());
        String failure = unaudited.run().failure().orElseThrow();
        assertTrue(failure.contains("no accuracy audit completed yet"), failure);
        assertEquals(published, lake.version(TableName.gold("customer")), "gold not published");

        lake.append(
                TableCatalog.ACCURACY_AUDITS,
                spark.createDataFrame(
                        List.of(RowFactory.create(
                                "audit-1",
                                "complete",
                                "ann",
                                Timestamp.from(Instant.now()),
                                60,
                                1L,
                                0.5,
                                60,
                                List.of(),
                                0.97,
                                0.9,
                                0.99,
                                50.0,
                                null,
                                null,
                                null,
                                null)),
                        TableCatalog.ACCURACY_AUDITS_SCHEMA));
        Pipeline.Outcome audited = new Pipeline(lake, site.config(), Progress.silent(), gold)
                .run(List.of(Pipeline.Stage.gold), SampleLake.AS_OF, false);

        assertTrue(audited.succeeded(), () -> audited.run().failure().orElse(""));
        assertTrue(
                audited.run().quality().stream().anyMatch(q -> q.check().equals("accuracy_audit") && q.passed()),
                "the audit was checked");
        long auditedVersion = lake.version(TableName.gold("customer"));

        // Nothing new since: the publication stands, and so does the audit, judged again.
        GoldJob.Result standing =
                new GoldJob(lake, site.config(), gold, Progress.silent()).run("run-standing", SampleLake.AS_OF);
        assertTrue(standing.unchanged() && standing.published(), standing::toString);
        assertTrue(
                standing.quality().stream().anyMatch(q -> q.check().equals("accuracy_audit") && q.passed()),
                standing.quality()::toString);

        // Still nothing new a month later, when the audit has expired: the gate fails as it would on new data.
        Clock monthLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(31));
        GoldJob.Result expired = new GoldJob(lake, site.config(), gold, Progress.silent(), monthLater)
                .run("run-expired", SampleLake.AS_OF);
        assertFalse(expired.published(), "an expired audit blocks");
        assertEquals(
                List.of("accuracy_audit"),
                expired.blockingFailures().stream().map(CheckOutcome::check).toList());
        String expiry = expired.blockingFailures().get(0).message();
        assertTrue(expiry.contains("audit-1, completed 31 days ago"), expiry);
        assertEquals(auditedVersion, lake.version(TableName.gold("customer")), "nothing written");
    }
}
