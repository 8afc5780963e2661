package io.c360.quality;

import static org.apache.spark.sql.functions.col;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.metrics.DoubleMetric;
import com.amazon.deequ.metrics.Metric;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome.Level;
import io.c360.quality.QualityStore.Measurement;
import io.c360.quality.QualityStore.PreviousSize;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * One table under verification in one run: Deequ's measurements of it (one shared scan for every
 * measured check, plus the row count, which is always kept for the next run's anomaly check) and
 * what the other checks need: referenced tables, the previous run's size, exact counts for messages.
 */
final class TableRun {
    static final String SIZE_METRIC = "Size";
    static final String WHOLE_TABLE = "*";
    private static final int EXAMPLES = 3;
    private static final Analyzer<?, Metric<?>> ROW_COUNT = rowCount();

    private final TableName table;
    private final Dataset<Row> data;
    private final long rows;
    private final Map<String, ConstraintResult> constraints;
    private final Function<TableName, Optional<Dataset<Row>>> tables;
    private final Supplier<Optional<PreviousSize>> previousSize;
    private final List<Measurement> measurements;

    private TableRun(
            TableName table,
            Dataset<Row> data,
            long rows,
            Map<String, ConstraintResult> constraints,
            Function<TableName, Optional<Dataset<Row>>> tables,
            Supplier<Optional<PreviousSize>> previousSize,
            List<Measurement> measurements) {
        this.table = table;
        this.data = data;
        this.rows = rows;
        this.constraints = constraints;
        this.tables = tables;
        this.previousSize = previousSize;
        this.measurements = measurements;
    }

    /**
     * Runs Deequ over {@code data} for {@code checks}.
     *
     * @param tables the tables references may point at, by name
     * @param previousSize this table's row count in the run before, looked up when an anomaly check asks
     */
    static TableRun measure(
            TableName table,
            Dataset<Row> data,
            List<QualityCheck.Measured> checks,
            Function<TableName, Optional<Dataset<Row>>> tables,
            Supplier<Optional<PreviousSize>> previousSize) {
        Map<String, Check> deequChecks = new LinkedHashMap<>();
        for (QualityCheck.Measured check : checks) {
            deequChecks.put(
                    check.name(),
                    check.constrain(new Check(deequLevel(check.level()), check.name(), Check.apply$default$3())));
        }
        VerificationResult result = new VerificationSuite()
                .onData(data)
                .addChecks(seq(deequChecks.values()))
                .addRequiredAnalyzer(ROW_COUNT)
                .run();
        Map<String, ConstraintResult> constraints = new LinkedHashMap<>();
        deequChecks.forEach((name, check) -> constraints.put(
                name, result.checkResults().apply(check).constraintResults().head()));
        List<Measurement> measurements = new ArrayList<>();
        for (Metric<?> metric : JavaConverters.asJavaCollection(result.metrics().values())) {
            for (DoubleMetric m : JavaConverters.asJavaCollection(metric.flatten())) {
                if (m.value().isSuccess()) {
                    measurements.add(new Measurement(table, m.name(), m.instance(), value(m)));
                }
            }
        }
        long rows =
                Math.round((Double) result.metrics().apply(ROW_COUNT).value().get());
        return new TableRun(table, data, rows, constraints, tables, previousSize, measurements);
    }

    Dataset<Row> data() {
        return data;
    }

    long rows() {
        return rows;
    }

    ConstraintResult constraint(String checkName) {
        return constraints.get(checkName);
    }

    /** A table a reference points at: one being verified in this call, else the lake's. */
    Optional<Dataset<Row>> table(TableName name) {
        return tables.apply(name);
    }

    Optional<PreviousSize> previousSize() {
        return previousSize.get();
    }

    /** Records a metric computed outside Deequ (kept in {@code ops.quality_metrics} with Deequ's). */
    void measure(String metric, String instance, double value) {
        measurements.add(new Measurement(table, metric, instance, value));
    }

    List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    long count(Column condition) {
        return data.filter(condition).count();
    }

    /** Rows whose {@code column} is not null and fails {@code offending}. */
    record Offenders(long rows, String examples) {}

    Optional<Offenders> offending(String column, Column offending) {
        Dataset<Row> rows =
                data.select(col(column)).where(col(column).isNotNull().and(offending));
        long n = rows.count();
        return n == 0 ? Optional.empty() : Optional.of(new Offenders(n, examples(rows)));
    }

    /** Values (or value combinations) of {@code columns} that occur in more than one row. */
    record Duplicates(long values, String examples) {}

    Optional<Duplicates> duplicates(List<String> columns) {
        Column[] keys = columns.stream().map(c -> col(c)).toArray(Column[]::new);
        Column allPresent = columns.stream()
                .map(c -> col(c).isNotNull())
                .reduce(Column::and)
                .orElseThrow();
        Dataset<Row> repeated =
                data.where(allPresent).groupBy(keys).count().where(col("count").gt(1));
        long values = repeated.count();
        if (values == 0) {
            return Optional.empty();
        }
        String examples = repeated.orderBy(col("count").desc()).limit(EXAMPLES).collectAsList().stream()
                .map(r -> literal(r, columns.size()) + " in " + counted(r.getLong(columns.size()), "row"))
                .collect(Collectors.joining(", "));
        return Optional.of(new Duplicates(values, examples));
    }

    /** A few distinct rows of {@code rows}, as literals: {@code 'C1', 'C2'}. */
    static String examples(Dataset<Row> rows) {
        return rows.distinct().limit(EXAMPLES).collectAsList().stream()
                .map(r -> literal(r, r.size()))
                .collect(Collectors.joining(", "));
    }

    private static String literal(Row row, int width) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            Object v = row.get(i);
            values.add(v instanceof String s ? "'" + s + "'" : String.valueOf(v));
        }
        return width == 1 ? values.get(0) : "(" + String.join(", ", values) + ")";
    }

    static Optional<DoubleMetric> metric(ConstraintResult result) {
        Option<Metric<?>> metric = result.metric();
        if (metric.isEmpty()
                || !(metric.get() instanceof DoubleMetric m)
                || !m.value().isSuccess()) {
            return Optional.empty();
        }
        return Optional.of(m);
    }

    static double value(DoubleMetric metric) {
        return (Double) metric.value().get();
    }

    /** "1 row", "3 rows". */
    static String counted(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
    }

    /** A ratio with at least one decimal and at most four: 1.0, 0.98, 0.9833. */
    static String ratio(double value) {
        BigDecimal d =
                BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
        return (d.scale() < 1 ? d.setScale(1) : d).toPlainString();
    }

    /** A number as written in a definition: 0, 1, 0.5, 50. */
    static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static <T> Seq<T> seq(Collection<T> items) {
        return JavaConverters.collectionAsScalaIterable(items).toSeq();
    }

    private static scala.Enumeration.Value deequLevel(Level level) {
        return level == Level.error ? CheckLevel.Error() : CheckLevel.Warning();
    }

    // Deequ's Analyzer[S, +M] is covariant in its metric type; Java generics cannot express that.
    @SuppressWarnings("unchecked")
    private static Analyzer<?, Metric<?>> rowCount() {
        return (Analyzer<?, Metric<?>>) (Analyzer<?, ?>) new Size(Option.empty());
    }
}
