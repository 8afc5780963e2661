package io.c360.bronze;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.synth.GenerationSummary;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The generator's extracts through the shipped contracts: the generator and bronze agree on every source. */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class GeneratedSourcesIngestTest {
    private final SparkSession spark;

    @TempDir
    Path home;

    GeneratedSourcesIngestTest(SparkSession spark) {
        this.spark = spark;
    }

    /** The shipped configuration's sources and contracts, on a temporary landing folder and lake. */
    private C360Config shippedConfigOn(Path landing, Path lake) {
        C360Config shipped = C360Config.load(Path.of(C360Config.DEFAULT_FILE));
        return shipped.withLocations(lake.toString(), landing.toString());
    }

    private static GeneratorSettings withViolations(GeneratorSettings s, double rate, int malformedLines) {
        return new GeneratorSettings(
                s.persons(),
                s.seed(),
                s.asOf(),
                s.historyYears(),
                s.partSize(),
                s.households(),
                s.systems(),
                s.noise(),
                new GeneratorSettings.Violations(rate, malformedLines));
    }

    @Test
    void noiseAloneNeverBreaksAContractAndEveryRecordLands() {
        GenerationSummary generated = SyntheticSources.generate(
                withViolations(GeneratorSettings.defaults(150, 11), 0, 0), home.resolve("landing"), Progress.silent());
        C360Config cfg = shippedConfigOn(home.resolve("landing"), home.resolve("lake"));
        Lake lake = new Lake(spark, cfg.lakeRoot());

        BronzeIngest.Result result = new BronzeIngest(lake, cfg, Progress.silent()).run();

        assertFalse(result.failed(), () -> String.join("; ", result.failures()));
        for (C360Config.SourceConfig source : cfg.sources()) {
            Dataset<Row> bronze = lake.read(TableName.bronze(source.name()));
            assertEquals(generated.recordsPerSource().get(source.name()), bronze.count(), source.name() + " rows");
            assertEquals(
                    0,
                    bronze.filter(col(Lineage.RESCUED).isNotNull()).count(),
                    source.name() + " delivers only declared columns");
        }
        assertEquals(
                0, lake.read(TableCatalog.QUARANTINE).count(), "noise is for silver to clean, not a contract breach");
    }

    @Test
    void injectedViolationsAreQuarantinedNothingIsLostAndTruthCoversEveryRecord() {
        GenerationSummary generated = SyntheticSources.generate(
                withViolations(GeneratorSettings.defaults(150, 12), 0.05, 6),
                home.resolve("landing"),
                Progress.silent());
        C360Config cfg = shippedConfigOn(home.resolve("landing"), home.resolve("lake"));
        Lake lake = new Lake(spark, cfg.lakeRoot());

        BronzeIngest.Result result = new BronzeIngest(lake, cfg, Progress.silent()).run();

        assertFalse(result.failed());
        Dataset<Row> truth = spark.read()
                .option("header", "true")
                .csv(home.resolve("landing/_truth").toString());
        long malformed = 0;
        for (BronzeIngest.SourceResult s : result.sources()) {
            assertTrue(s.rowsQuarantined() > 0, s.source() + " has injected violations in quarantine");
            assertEquals(
                    generated.recordsPerSource().get(s.source()),
                    s.rowsValid() + s.rowsQuarantined() + s.rowsDuplicate(),
                    s.source() + ": every delivered record is in bronze, in quarantine or a counted duplicate");
            String key = SourceContract.load(
                            cfg.source(s.source()).orElseThrow().contract())
                    .key()
                    .get(0);
            Dataset<Row> ids = lake.read(TableName.bronze(s.source())).select(col(key).as("record_id"));
            Dataset<Row> sourceTruth = truth.filter(col("source").equalTo(s.source()));
            assertEquals(
                    0,
                    ids.join(sourceTruth, ids.col("record_id").equalTo(sourceTruth.col("record_id")), "left_anti")
                            .count(),
                    s.source() + ": every bronze record has a truth row");
            malformed += lake.read(TableCatalog.QUARANTINE)
                    .filter(col("source").equalTo(s.source()).and(col("rule").equalTo("malformed")))
                    .count();
        }
        assertTrue(malformed >= 1 && malformed <= 6, "malformed lines quarantined: " + malformed);
    }
}
