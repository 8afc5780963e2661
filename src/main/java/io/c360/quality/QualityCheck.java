package io.c360.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import com.amazon.deequ.checks.Check;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.util.matching.Regex;

/**
 * One declared check of a table. {@link #name()} is stable and human ({@code unique(record_key)}):
 * outcomes, messages and {@code ops.quality_results} use it. {@link Measured} checks are measured by
 * Deequ in one shared scan of the table; references and size anomalies need another table or an
 * earlier run.
 */
sealed interface QualityCheck {
    Level level();

    String name();

    /** Columns of the checked table this check reads. */
    List<String> columns();

    /** What the check finds in this run. */
    Verdict judge(TableRun run);

    /** Why this check cannot run on a table of this schema (a missing column, a wrong type); empty when it can. */
    default Optional<String> unsuitableFor(StructType schema) {
        List<String> present = Arrays.asList(schema.fieldNames());
        return columns().stream()
                .filter(c -> !present.contains(c))
                .findFirst()
                .map(c -> "column " + c + " not found, expected the table to have it");
    }

    /** Whether a check passed, and what was found (and, on failure, what was expected). */
    record Verdict(boolean passed, String finding) {
        static Verdict pass(String finding) {
            return new Verdict(true, finding);
        }

        static Verdict fail(String finding) {
            return new Verdict(false, finding);
        }
    }

    /**
     * A check Deequ decides. When Deequ does not pass it, Spark counts exactly what is wrong for the
     * message; if nothing is (an empty table, a column of nulls: Deequ has no metric then), it passes.
     */
    sealed interface Measured extends QualityCheck {
        /** Adds this check's one constraint to {@code check}. */
        Check constrain(Check check);

        /** What is wrong and what was expected; empty when nothing is wrong. */
        Optional<String> shortfall(TableRun run);

        @Override
        default Verdict judge(TableRun run) {
            ConstraintResult result = run.constraint(name());
            if (result.status() == ConstraintStatus.Success()) {
                return Verdict.pass(measured(run, result));
            }
            return shortfall(run).map(Verdict::fail).orElseGet(() -> Verdict.pass(measured(run, result)));
        }

        /** Deequ's metric in words, e.g. "completeness 1.0". */
        default String measured(TableRun run, ConstraintResult result) {
            return TableRun.metric(result)
                    .map(m -> words(m.name()) + " " + TableRun.ratio(TableRun.value(m)))
                    .orElse("no values to check");
        }

        private static String words(String camelCase) {
            return camelCase.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
        }
    }

    /** {@code size}: the row count lies within bounds. */
    record RowCount(Level level, OptionalLong min, OptionalLong max) implements Measured {
        @Override
        public String name() {
            return "size(" + bounds() + ")";
        }

        private String bounds() {
            if (min.isPresent() && max.isPresent()) {
                return min.getAsLong() + ".." + max.getAsLong();
            }
            return min.isPresent() ? ">= " + min.getAsLong() : "<= " + max.getAsLong();
        }

        private boolean within(long rows) {
            return (min.isEmpty() || rows >= min.getAsLong()) && (max.isEmpty() || rows <= max.getAsLong());
        }

        @Override
        public List<String> columns() {
            return List.of();
        }

        @Override
        public Check constrain(Check check) {
            return check.hasSize(rows -> within((Long) rows), Option.empty());
        }

        @Override
        public Optional<String> shortfall(TableRun run) {
            return within(run.rows())
                    ? Optional.empty()
                    : Optional.of(TableRun.counted(run.rows(), "row") + ", expected " + bounds());
        }

        @Override
        public String measured(TableRun run, ConstraintResult result) {
            return TableRun.counted(run.rows(), "row");
        }
    }

    /** {@code complete}: no null in the column. */
    record Complete(Level level, String column) implements Measured {
        @Override
        public String name() {
            return "complete(" + column + ")";
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }

        @Override
        public Check constrain(Check check) {
            return check.isComplete(column, Option.empty(), Option.empty());
        }

        @Override
        public Optional<String> shortfall(TableRun run) {
            long nulls = run.count(col(column).isNull());
            if (nulls == 0) {
                return Optional.empty();
            }
            double completeness = (run.rows() - nulls) / (double) run.rows();
            return Optional.of("completeness " + TableRun.ratio(completeness) + " (" + nulls + " of " + run.rows()
                    + " rows null), expected 1.0");
        }
    }

    /**
     * {@code unique}: no value (or combination of values, for several columns) occurs twice. Rows with a
     * null in any of the columns are not compared, as in SQL; {@code complete} is the check for nulls.
     */
    record Unique(Level level, List<String> columns) implements Measured {
        public Unique {
            columns = List.copyOf(columns);
        }

        @Override
        public String name() {
            return "unique(" + String.join(", ", columns) + ")";
        }

        @Override
        public Check constrain(Check check) {
            return check.hasUniqueValueRatio(
                            TableRun.seq(columns), ratio -> (Double) ratio == 1.0, Option.empty(), Option.empty())
                    .where(columns.stream()
                            .map(c -> Lake.quote(c) + " IS NOT NULL")
                            .collect(Collectors.joining(" AND ")));
        }

        @Override
        public Optional<String> shortfall(TableRun run) {
            return run.duplicates(columns)
                    .map(d -> TableRun.counted(d.values(), "duplicate value") + " (e.g. " + d.examples()
                            + "), expected each value at most once");
        }
    }

    /** {@code values}: every non-null value is one of a list. */
    record AllowedValues(Level level, String column, List<String> allowed) implements Measured {
        public AllowedValues {
            allowed = List.copyOf(allowed);
        }

        @Override
        public String name() {
            return "values(" + column + " in [" + String.join(", ", allowed) + "])";
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }

        @Override
        public Check constrain(Check check) {
            return check.isContainedIn(column, allowed.toArray(String[]::new));
        }

        @Override
        public Optional<String> shortfall(TableRun run) {
            return run.offending(column, not(col(column).isin(allowed.toArray())))
                    .map(o -> o.rows() + " of " + run.rows() + " rows with another value (e.g. " + o.examples()
                            + "), expected one of [" + String.join(", ", allowed) + "]");
        }
    }

    /** {@code ranges}: every non-null value lies within bounds (inclusive). */
    record ValueRange(Level level, String column, OptionalDouble min, OptionalDouble max) implements Measured {
        @Override
        public String name() {
            if (min.isPresent() && max.isPresent()) {
                return "ranges(" + column + " in " + TableRun.plain(min.getAsDouble()) + ".."
                        + TableRun.plain(max.getAsDouble()) + ")";
            }
            return "ranges(" + column
                    + (min.isPresent()
                            ? " >= " + TableRun.plain(min.getAsDouble())
                            : " <= " + TableRun.plain(max.getAsDouble()))
                    + ")";
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }

        @Override
        public Optional<String> unsuitableFor(StructType schema) {
            return Measured.super.unsuitableFor(schema).or(() -> {
                StructField field = schema.apply(column);
                return field.dataType() instanceof NumericType
                        ? Optional.empty()
                        : Optional.of("column " + column + " is "
                                + field.dataType().simpleString() + ", expected a numeric column");
            });
        }

        @Override
        public Check constrain(Check check) {
            String quoted = Lake.quote(column);
            String inRange = (min.isPresent() ? quoted + " >= " + TableRun.plain(min.getAsDouble()) : "TRUE") + " AND "
                    + (max.isPresent() ? quoted + " <= " + TableRun.plain(max.getAsDouble()) : "TRUE");
            return check.satisfies(
                    quoted + " IS NULL OR (" + inRange + ")",
                    column,
                    ratio -> (Double) ratio == 1.0,
                    Option.empty(),
                    scala.collection.immutable.List.<String>empty(),
                    Option.empty());
        }

        @Override
        public Optional<String> shortfall(TableRun run) {
            Column below = min.isPresent() ? col(column).lt(min.getAsDouble()) : lit(false);
            Column above = max.isPresent() ? col(column).gt(max.getAsDouble()) : lit(false);
            String expected = (min.isPresent() ? TableRun.plain(min.getAsDouble()) + " <= " : "")
                    + column
                    + (max.isPresent() ? " <= " + TableRun.plain(max.getAsDouble()) : "");
            return run.offending(column, below.or(above))
                    .map(o -> o.rows() + " of " + run.rows() + " rows out of range (e.g. " + o.examples()
                            + "), expected " + expected);
        }
    }

    /** {@code patterns}: every non-null value contains a match of a regular expression (anchor it with ^ and $). */
    record ValuePattern(Level level, String column, String regex) implements Measured {
        @Override
        public String name() {
            return "patterns(" + column + " ~ " + regex + ")";
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }

        @Override
        public Optional<String> unsuitableFor(StructType schema) {
            return Measured.super.unsuitableFor(schema).or(() -> {
                StructField field = schema.apply(column);
                return field.dataType() instanceof StringType
                        ? Optional.empty()
                        : Optional.of("column " + column + " is "
                                + field.dataType().simpleString() + ", expected a string column");
            });
        }

        @Override
        public Check constrain(Check check) {
            // Deequ counts a null as a mismatch; nulls are complete's business, so only non-null values are matched.
            return check.hasPattern(
                            column,
                            new Regex(regex, TableRun.seq(List.of())),
                            ratio -> (Double) ratio == 1.0,
                            Option.empty(),
                            Option.empty(),
                            Option.empty())
                    .where(Lake.quote(column) + " IS NOT NULL");
        }

        @Override
        public Optional<String> shortfall(TableRun run) {
            return run.offending(column, not(col(column).rlike(regex)))
                    .map(o -> o.rows() + " of " + run.rows() + " rows not matching (e.g. " + o.examples()
                            + "), expected values matching " + regex);
        }
    }

    /**
     * {@code references}: every non-null value exists in a column of another table (referential
     * integrity). Counted with a left-anti join: Deequ 2.1's {@code ReferentialIntegrity.subsetCheck}
     * gives only a ratio of distinct missing values to all rows and counts null as a value.
     */
    record Reference(Level level, String column, TableName target, String targetColumn) implements QualityCheck {
        static final String MISSING_METRIC = "MissingReferences";

        @Override
        public String name() {
            return "references(" + column + " -> " + target + "." + targetColumn + ")";
        }

        @Override
        public List<String> columns() {
            return List.of(column);
        }

        @Override
        public Verdict judge(TableRun run) {
            Optional<Dataset<Row>> referenced = run.table(target);
            if (referenced.isEmpty()) {
                return Verdict.fail("table " + target + " does not exist, expected it to hold the referenced values");
            }
            if (!Arrays.asList(referenced.get().columns()).contains(targetColumn)) {
                return Verdict.fail("column " + targetColumn + " not found in " + target
                        + ", expected the referenced values there");
            }
            Dataset<Row> values = run.data()
                    .select(col(column).as("value"))
                    .where(col("value").isNotNull());
            Dataset<Row> known = referenced.get().select(col(targetColumn).as("known"));
            Dataset<Row> missing = values.join(known, col("value").equalTo(col("known")), "left_anti");
            Row counts =
                    missing.agg(count(lit(1)), count_distinct(col("value"))).first();
            long rows = counts.getLong(0);
            run.measure(MISSING_METRIC, column, rows);
            String where = target + "." + targetColumn;
            if (rows == 0) {
                return Verdict.pass("every value found in " + where);
            }
            return Verdict.fail(
                    TableRun.counted(rows, "row") + " (" + TableRun.counted(counts.getLong(1), "distinct value")
                            + ") not found in " + where + " (e.g. " + TableRun.examples(missing) + "), expected none");
        }
    }

    /** {@code anomaly}: the row count changed by at most a percentage since the previous run measured this table. */
    record SizeChange(Level level, double maxChangePercent) implements QualityCheck {
        @Override
        public String name() {
            return "anomaly(size_change_percent <= " + TableRun.plain(maxChangePercent) + ")";
        }

        @Override
        public List<String> columns() {
            return List.of();
        }

        @Override
        public Verdict judge(TableRun run) {
            Optional<QualityStore.PreviousSize> previous = run.previousSize();
            if (previous.isEmpty()) {
                return Verdict.pass(TableRun.counted(run.rows(), "row") + "; no previous run to compare with");
            }
            long before = previous.get().rows();
            double change = before == 0
                    ? (run.rows() == 0 ? 0 : Double.POSITIVE_INFINITY)
                    : 100.0 * (run.rows() - before) / before;
            String found = TableRun.counted(run.rows(), "row") + " vs " + before + " in run "
                    + previous.get().runId() + " (" + (change >= 0 ? "+" : "")
                    + (Double.isInfinite(change) ? "∞" : TableRun.plain(Math.round(change * 10) / 10.0)) + "%)";
            return Math.abs(change) <= maxChangePercent
                    ? Verdict.pass(found)
                    : Verdict.fail(found + ", expected a change of at most " + TableRun.plain(maxChangePercent) + "%");
        }
    }
}
