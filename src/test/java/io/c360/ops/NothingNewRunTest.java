package io.c360.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome;
import io.c360.silver.SilverJob;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run on a lake where nothing landed, no steward decided and no definition changed since the last
 * run writes no table and checks nothing again; a steward decision makes the next run resolve again.
 * The sample lake's own run is the first run here.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class NothingNewRunTest {

    @Test
    void aRunWithNothingNewCommitsNothingButItsRunLogRow(SparkSession spark, @TempDir Path dir) throws IOException {
        // The lake copied, the landing folder the sample run read: its files are the ones the ingest log names.
        SampleLake.Site shared = SampleLake.shared();
        SampleLake.copyTree(shared.home().resolve("lake"), dir.resolve("lake"));
        SampleLake.Site site = SampleLake.site(spark, dir, shared.landing());
        Lake lake = site.lake();
        lake.registerAll();
        Pipeline.Outcome first = SampleLake.sharedRun();
        Map<String, Long> before = versions(lake);
        long runLogVersion = lake.version(RunLog.TABLE);
        long qualityResultsVersion = lake.version(TableName.ops("quality_results"));

        Pipeline.Outcome again = new Pipeline(lake, site.config(), Progress.silent(), site.gold())
                .run(List.of(Pipeline.Stage.values()), SampleLake.AS_OF, false);

        assertTrue(again.succeeded(), () -> "run failed: " + again.run().failure());
        assertEquals(before, versions(lake), "no bronze, silver or gold table got a commit");
        assertEquals(runLogVersion + 1, lake.version(RunLog.TABLE), "the run log gets the run's row, by design");
        assertEquals(
                qualityResultsVersion,
                lake.version(TableName.ops("quality_results")),
                "no gate computed outcomes again");
        assertEquals(Map.of(), again.run().outputVersions(), "the run log records no table written");
        for (PipelineRun.StageTiming stage : again.run().stages()) {
            assertEquals(
                    Optional.of(first.run().runId()),
                    stage.unchangedSince(),
                    stage.stage() + " says its results stand from the first run");
        }
        assertTrue(again.bronze().orElseThrow().sources().stream().allMatch(s -> s.newFiles() == 0));
        assertEquals(SilverJob.Mode.unchanged, again.silver().orElseThrow().mode());
        assertEquals(
                first.silver().orElseThrow().counts(),
                again.silver().orElseThrow().counts(),
                "silver reports the figures of the tables that stand");
        assertEquals(
                first.silver().orElseThrow().figures(),
                again.silver().orElseThrow().figures(),
                "and the figures its report charts, recorded when it wrote the tables");
        assertEquals(
                again.silver().orElseThrow().counts().customers(),
                again.silver().orElseThrow().figures().customersByRecords().stream()
                        .mapToLong(Long::longValue)
                        .sum(),
                "every customer is in the records-per-customer chart");
        assertEquals(first.run().freshness(), again.run().freshness(), "freshness from silver's recorded figures");
        assertTrue(
                again.run().freshness().stream().anyMatch(f -> f.newestRecord().isPresent()),
                again.run().freshness().toString());
        assertTrue(again.gold().orElseThrow().unchanged());
        assertEquals(
                new HashSet<>(first.run().quality()),
                new HashSet<>(again.run().quality()),
                "every gate's outcomes stand as the first run found them");
        String report = Files.readString(Path.of(again.report()));
        assertTrue(
                report.contains("<svg id=\"cluster-size-distribution\"")
                        && report.contains("<svg id=\"segment-sizes\""),
                "the report charts the figures that stand");
        Row logged = spark.sql("SELECT stages FROM ops.pipeline_runs WHERE run_id = '"
                        + again.run().runId() + "'")
                .head();
        assertEquals(
                first.run().runId(), logged.<Row>getList(0).get(1).getAs("unchanged_since"), "the run log says so too");

        lake.append(
                TableCatalog.STEWARD_DECISIONS,
                spark.createDataFrame(
                        List.of(RowFactory.create(
                                aRecordKey(lake, 0),
                                aRecordKey(lake, 1),
                                "non_match",
                                "ann",
                                Timestamp.from(Instant.now()),
                                null,
                                null,
                                null)),
                        TableCatalog.STEWARD_DECISIONS_SCHEMA));
        Pipeline.Outcome decided = new Pipeline(lake, site.config(), Progress.silent(), site.gold())
                .run(List.of(Pipeline.Stage.silver), SampleLake.AS_OF, false);

        assertTrue(decided.succeeded(), () -> "run failed: " + decided.run().failure());
        assertEquals(SilverJob.Mode.incremental, decided.silver().orElseThrow().mode(), "a decision is resolved");
        assertEquals(Optional.empty(), decided.run().stages().get(0).unchangedSince());
        assertNotEquals(
                before.get(TableCatalog.SCORED_PAIRS.toString()),
                lake.version(TableCatalog.SCORED_PAIRS),
                "silver wrote again");
        assertTrue(
                decided.run().quality().stream().map(CheckOutcome::table).anyMatch(t -> t.startsWith("silver.")),
                "and checked what it wrote");
    }

    private static String aRecordKey(Lake lake, int nth) {
        return lake.read(TableCatalog.IDENTITY_RECORDS)
                .select("record_key")
                .orderBy("record_key")
                .limit(nth + 1)
                .collectAsList()
                .get(nth)
                .getString(0);
    }

    /** The Delta version of every bronze, silver and gold table. */
    private static Map<String, Long> versions(Lake lake) {
        Map<String, Long> versions = new TreeMap<>();
        lake.layerTables().stream()
                .filter(t -> !t.layer().equals("ops"))
                .forEach(t -> versions.put(t.toString(), lake.version(t)));
        return versions;
    }
}
