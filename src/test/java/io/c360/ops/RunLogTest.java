package io.c360.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.lake.Lake;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ops.pipeline_runs: one row per run, its nested fields reachable in SQL. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class RunLogTest {
    private final SparkSession spark;

    @TempDir
    Path home;

    RunLogTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void appendsRunsThatSqlCanQueryToTheNestedFields() {
        Lake lake = new Lake(spark, home.resolve("lake").toString());
        RunLog.append(lake, SampleRuns.succeeded("run-1"));
        RunLog.append(lake, SampleRuns.failed("run-2"));

        List<Row> runs = spark.sql("""
        SELECT run_id, status, failure, size(stages), stages[1].elapsed_ms, rows_per_table['silver.customer_id_map'],
               match.customers, quality[1].check, quality[1].passed, freshness[0].stale, freshness[0].sla_seconds,
               output_versions['silver.customer_id_map'], match.model_flags[0], match.rules_contradicted
        FROM ops.pipeline_runs ORDER BY started_at""").collectAsList();

        assertEquals(2, runs.size());
        Row first = runs.get(0);
        assertEquals("run-1", first.getString(0));
        assertEquals("succeeded", first.getString(1));
        assertTrue(first.isNullAt(2), "no failure");
        assertEquals(2, first.getInt(3));
        assertEquals(80_000L, first.getLong(4));
        assertEquals(300L, first.getLong(5));
        assertEquals(140L, first.getLong(6));
        assertEquals("email completeness >= 0.9", first.getString(7));
        assertFalse(first.getBoolean(8));
        assertTrue(first.getBoolean(9));
        assertEquals(26 * 3600L, first.getLong(10));
        assertEquals(7L, first.getLong(11));
        assertEquals("agreement_against_match: given_name level 'exact' weighs -1.20", first.getString(12));
        assertEquals(
                List.of("cannot_link different_national_id: 10.2 % of 5,810 pairs disagree, contradicted: not applied"),
                first.getList(13),
                "rule names and shares");

        Row second = runs.get(1);
        assertEquals("failed", second.getString(1));
        assertEquals("silver: identity.yaml: unknown key 'emial'", second.getString(2));
        assertTrue(second.isNullAt(6), "a run without silver has no match figures");

        List<Row> failedStages = spark.sql("""
        SELECT run_id, s.stage FROM ops.pipeline_runs LATERAL VIEW explode(stages) AS s WHERE s.status = 'failed'""").collectAsList();
        assertEquals(
                List.of("run-2:silver"),
                failedStages.stream()
                        .map(r -> r.getString(0) + ":" + r.getString(1))
                        .toList());
    }

    @Test
    void aRunLogWrittenBeforeModelFlagsGainsThem() {
        Lake lake = new Lake(spark, home.resolve("older").toString());
        StructType match = (StructType) RunLog.SCHEMA.apply("match").dataType();
        StructType olderMatch = new StructType(java.util.Arrays.stream(match.fields())
                .filter(f -> !f.name().equals("model_flags"))
                .toArray(org.apache.spark.sql.types.StructField[]::new));
        StructType older = new StructType(java.util.Arrays.stream(RunLog.SCHEMA.fields())
                .map(f -> f.name().equals("match")
                        ? new org.apache.spark.sql.types.StructField("match", olderMatch, true, f.metadata())
                        : f)
                .toArray(org.apache.spark.sql.types.StructField[]::new));
        lake.append(RunLog.TABLE, spark.createDataFrame(List.of(), older));

        RunLog.append(lake, SampleRuns.succeeded("run-1"));

        assertEquals(
                "agreement_against_match: given_name level 'exact' weighs -1.20",
                lake.read(RunLog.TABLE)
                        .selectExpr("match.model_flags[0]")
                        .first()
                        .getString(0));
    }
}
