package io.c360.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.c360.lake.Lake;
import io.c360.lake.TableName;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The quality history in the lake: {@code ops.quality_metrics} (every metric measured, per table and
 * run) and {@code ops.quality_results} (every check outcome). Both are append-only Delta tables.
 */
final class QualityStore {
    private static final StructType METRICS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("table", DataTypes.StringType, false)
            .add("metric", DataTypes.StringType, false)
            .add("instance", DataTypes.StringType, false)
            .add("value", DataTypes.DoubleType, false)
            .add("measured_at", DataTypes.TimestampType, false);
    private static final StructType RESULTS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("table", DataTypes.StringType, false)
            .add("check", DataTypes.StringType, false)
            .add("level", DataTypes.StringType, false)
            .add("passed", DataTypes.BooleanType, false)
            .add("message", DataTypes.StringType, false)
            .add("checked_at", DataTypes.TimestampType, false);

    /** One metric value: Deequ's entity instance is the column (or {@code *} for the whole table). */
    record Measurement(TableName table, String metric, String instance, double value) {}

    /** The row count a table had in an earlier run. */
    record PreviousSize(String runId, long rows) {}

    private final Lake lake;

    QualityStore(Lake lake) {
        this.lake = lake;
    }

    /**
     * The row count each table had when last measured by a run other than {@code runId}, by table
     * name: one read of {@code ops.quality_metrics} for a whole gate.
     */
    Map<String, PreviousSize> previousSizes(String runId) {
        if (!lake.exists(QualityGate.METRICS)) {
            return Map.of();
        }
        Map<String, PreviousSize> sizes = new HashMap<>();
        lake.read(QualityGate.METRICS)
                .where(col("metric")
                        .equalTo(TableRun.SIZE_METRIC)
                        .and(col("instance").equalTo(TableRun.WHOLE_TABLE))
                        .and(col("run_id").notEqual(runId)))
                .withColumn(
                        "nth",
                        row_number()
                                .over(Window.partitionBy("table")
                                        .orderBy(col("measured_at").desc())))
                .where(col("nth").equalTo(1))
                .select("table", "run_id", "value")
                .collectAsList()
                .forEach(r -> sizes.put(r.getString(0), new PreviousSize(r.getString(1), Math.round(r.getDouble(2)))));
        return sizes;
    }

    /** The outcomes run {@code runId} recorded for the checks of these tables, in no particular order. */
    List<CheckOutcome> outcomes(String runId, List<String> tables) {
        if (!lake.exists(QualityGate.RESULTS) || tables.isEmpty()) {
            return List.of();
        }
        return lake
                .read(QualityGate.RESULTS)
                .where(col("run_id").equalTo(runId).and(col("table").isin(tables.toArray())))
                .select("table", "check", "level", "passed", "message")
                .collectAsList()
                .stream()
                .map(r -> new CheckOutcome(
                        r.getString(0),
                        r.getString(1),
                        CheckOutcome.Level.valueOf(r.getString(2)),
                        r.getBoolean(3),
                        r.getString(4)))
                .toList();
    }

    void save(String runId, Instant at, List<Measurement> measurements, List<CheckOutcome> outcomes) {
        Timestamp time = Timestamp.from(at);
        if (!measurements.isEmpty()) {
            List<Row> rows = measurements.stream()
                    .map(m -> RowFactory.create(runId, m.table().toString(), m.metric(), m.instance(), m.value(), time))
                    .toList();
            lake.append(QualityGate.METRICS, lake.spark().createDataFrame(rows, METRICS_SCHEMA));
        }
        if (!outcomes.isEmpty()) {
            List<Row> rows = outcomes.stream()
                    .map(o -> RowFactory.create(
                            runId, o.table(), o.check(), o.level().name(), o.passed(), o.message(), time))
                    .toList();
            lake.append(QualityGate.RESULTS, lake.spark().createDataFrame(rows, RESULTS_SCHEMA));
        }
    }
}
