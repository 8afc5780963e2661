package io.c360.bronze;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Checks raw records against their contract, as one pure transform: each declared column becomes
 * its typed value and every broken rule becomes an entry of {@code _violations}
 * (rule, column, message). A row with no violation is valid; the others go to quarantine.
 */
public final class ContractRules {
    public static final String VIOLATIONS = "_violations";
    private static final String INTEGER_TEXT = "^\\s*[+-]?\\d+\\s*$";
    private static final String NUMBER_TEXT = "^\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*$";

    private ContractRules() {}

    /** Typed columns, lineage and {@code _violations} for raw records (see {@link RawRecords}). */
    public static Dataset<Row> apply(Dataset<Row> raw, SourceContract contract) {
        List<Column> checks = new ArrayList<>();
        List<Column> typed = new ArrayList<>();
        for (SourceContract.Column c : contract.columns()) {
            Column text = col(c.name());
            Column nested = coalesce(array_contains(col(RawRecords.NESTED), c.name()), lit(false));
            Column value = when(
                    nested.unary_$bang(),
                    when(
                                    coalesce(array_contains(col(RawRecords.TYPED), c.name()), lit(false)),
                                    text.cast(c.type().sparkType()))
                            .otherwise(typedValue(text, c)));
            typed.add(value.as(c.name()));
            if (c.required()) {
                checks.add(when(text.isNull(), violation("required", c.name(), lit("missing required value"))));
            }
            checks.add(when(
                    nested,
                    violation(
                            "type",
                            c.name(),
                            lit("expected a single " + c.type() + " value but was an object or array"))));
            if (c.type().kind() != ColumnType.Kind.STRING) {
                String expected = "expected " + c.type()
                        + c.format().map(f -> " in format '" + f + "'").orElse("");
                checks.add(when(
                        text.isNotNull().and(value.isNull()).and(nested.unary_$bang()),
                        violation("type", c.name(), concat(lit(expected + " but was '"), shown(text), lit("'")))));
            }
            c.pattern()
                    .ifPresent(p -> checks.add(when(
                            text.isNotNull().and(text.rlike(p).unary_$bang()),
                            violation(
                                    "pattern",
                                    c.name(),
                                    concat(lit("expected to match " + p + " but was '"), shown(text), lit("'"))))));
            if (!c.values().isEmpty()) {
                checks.add(when(
                        text.isNotNull().and(text.isin(c.values().toArray()).unary_$bang()),
                        violation(
                                "values",
                                c.name(),
                                concat(
                                        lit("expected one of " + String.join(", ", c.values()) + " but was '"),
                                        shown(text),
                                        lit("'")))));
            }
            c.min()
                    .ifPresent(m -> checks.add(when(
                            value.lt(m),
                            violation(
                                    "range",
                                    c.name(),
                                    concat(lit("expected at least " + fmt(m) + " but was "), text)))));
            c.max()
                    .ifPresent(m -> checks.add(when(
                            value.gt(m),
                            violation(
                                    "range",
                                    c.name(),
                                    concat(lit("expected at most " + fmt(m) + " but was "), text)))));
            c.maxLength()
                    .ifPresent(n -> checks.add(when(
                            org.apache.spark.sql.functions.length(text).gt(n),
                            violation("max_length", c.name(), lit("expected at most " + n + " characters")))));
        }
        Column malformed = col(RawRecords.MALFORMED);
        Column columnViolations = filter(array(checks.toArray(Column[]::new)), Column::isNotNull);
        Column violations = when(malformed.isNotNull(), array(violation("malformed", null, malformed)))
                .otherwise(columnViolations);

        List<Column> out = new ArrayList<>(typed);
        for (String lineage : List.of(
                Lineage.RESCUED,
                RawRecords.RECORD,
                Lineage.SOURCE_FILE,
                Lineage.SOURCE_ROW,
                RawRecords.DELIVERED_KEYS)) {
            out.add(col(lineage));
        }
        out.add(violations.as(VIOLATIONS));
        return raw.select(out.toArray(Column[]::new));
    }

    private static Column typedValue(Column text, SourceContract.Column c) {
        return switch (c.type().kind()) {
            case STRING -> text;
            case INTEGER, LONG ->
                when(
                        text.rlike(INTEGER_TEXT),
                        org.apache.spark.sql.functions.trim(text).cast(c.type().sparkType()));
            case DOUBLE, DECIMAL ->
                when(
                        text.rlike(NUMBER_TEXT),
                        org.apache.spark.sql.functions.trim(text).cast(c.type().sparkType()));
            case BOOLEAN -> {
                Column t = lower(org.apache.spark.sql.functions.trim(text));
                yield when(t.isin("true", "yes", "y", "1"), lit(true))
                        .when(t.isin("false", "no", "n", "0"), lit(false));
            }
            case DATE -> c.format().map(f -> to_date(text, f)).orElse(text.cast(DataTypes.DateType));
            case TIMESTAMP -> c.format().map(f -> to_timestamp(text, f)).orElse(text.cast(DataTypes.TimestampType));
        };
    }

    private static Column violation(String rule, String column, Column message) {
        return struct(
                lit(rule).as("rule"), lit(column).cast(DataTypes.StringType).as("column"), message.as("message"));
    }

    /** The offending value in a message, cut short: messages are for people, the record keeps the rest. */
    private static Column shown(Column text) {
        return substring(text, 1, 80);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
