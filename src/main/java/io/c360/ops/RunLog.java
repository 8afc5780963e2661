package io.c360.ops;

import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.pipeline_runs}: one row per pipeline run, nested so that one row tells the whole run and
 * an analyst can still query it in SQL ({@code SELECT run_id, status, s.stage, s.elapsed_ms FROM
 * ops.pipeline_runs LATERAL VIEW explode(stages) AS s}).
 */
public final class RunLog {
    public static final TableName TABLE = TableName.ops("pipeline_runs");

    private static final DataType COUNTS = DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false);

    private static final StructType STAGE = new StructType()
            .add("stage", DataTypes.StringType, false)
            .add("elapsed_ms", DataTypes.LongType, false)
            .add("status", DataTypes.StringType, false)
            .add("unchanged_since", DataTypes.StringType, true);

    private static final StructType MATCH = new StructType()
            .add("records", DataTypes.LongType, false)
            .add("identities", DataTypes.LongType, false)
            .add("candidate_pairs", DataTypes.LongType, false)
            .add("linked_pairs", DataTypes.LongType, false)
            .add("review_pairs", DataTypes.LongType, false)
            .add("vetoed_pairs", DataTypes.LongType, false)
            .add("customers", DataTypes.LongType, false)
            .add("redirects", DataTypes.LongType, false)
            .add("model_version", DataTypes.IntegerType, false)
            .add("model_flags", DataTypes.createArrayType(DataTypes.StringType, false), true)
            .add("rules_contradicted", DataTypes.createArrayType(DataTypes.StringType, false), true);

    private static final StructType CHECK = new StructType()
            .add("table", DataTypes.StringType, false)
            .add("check", DataTypes.StringType, false)
            .add("level", DataTypes.StringType, false)
            .add("passed", DataTypes.BooleanType, false)
            .add("message", DataTypes.StringType, true);

    private static final StructType FRESHNESS = new StructType()
            .add("source", DataTypes.StringType, false)
            .add("newest_record", DataTypes.TimestampType, true)
            .add("sla_seconds", DataTypes.LongType, true)
            .add("stale", DataTypes.BooleanType, false);

    static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("started_at", DataTypes.TimestampType, false)
            .add("finished_at", DataTypes.TimestampType, false)
            .add("as_of", DataTypes.TimestampType, false)
            .add("status", DataTypes.StringType, false)
            .add("failure", DataTypes.StringType, true)
            .add("stages", DataTypes.createArrayType(STAGE, false), false)
            .add("rows_per_table", COUNTS, false)
            .add("match", MATCH, true)
            .add("quality", DataTypes.createArrayType(CHECK, false), false)
            .add("input_versions", COUNTS, false)
            .add("output_versions", COUNTS, false)
            .add("freshness", DataTypes.createArrayType(FRESHNESS, false), false);

    private RunLog() {}

    /** Appends the run as one row; the first run creates the table. */
    public static void append(Lake lake, PipelineRun run) {
        // Merged: a run log written by an earlier release gains the fields added since (model_flags,
        // rules_contradicted, unchanged_since).
        lake.append(TABLE, lake.spark().createDataFrame(List.of(toRow(run)), SCHEMA), true);
    }

    static Row toRow(PipelineRun run) {
        return RowFactory.create(
                run.runId(),
                timestamp(run.startedAt()),
                timestamp(run.finishedAt()),
                timestamp(run.asOf()),
                run.status().name(),
                run.failure().orElse(null),
                run.stages().stream()
                        .map(s -> RowFactory.create(
                                s.stage().name(),
                                s.elapsed().toMillis(),
                                s.status().name(),
                                s.unchangedSince().orElse(null)))
                        .toList(),
                run.rowsPerTable(),
                run.match().map(RunLog::matchRow).orElse(null),
                run.quality().stream().map(RunLog::checkRow).toList(),
                run.inputVersions(),
                run.outputVersions(),
                run.freshness().stream()
                        .map(f -> RowFactory.create(
                                f.source(),
                                f.newestRecord().map(RunLog::timestamp).orElse(null),
                                f.sla().map(Duration::toSeconds).orElse(null),
                                f.stale()))
                        .toList());
    }

    private static Row matchRow(PipelineRun.MatchStats m) {
        return RowFactory.create(
                m.records(),
                m.identities(),
                m.candidatePairs(),
                m.linkedPairs(),
                m.reviewPairs(),
                m.vetoedPairs(),
                m.customers(),
                m.redirects(),
                m.modelVersion(),
                m.modelFlags(),
                m.rulesContradicted());
    }

    private static Row checkRow(CheckOutcome c) {
        return RowFactory.create(c.table(), c.check(), c.level().name(), c.passed(), c.message());
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.from(instant);
    }
}
