package io.c360.silver.survivorship;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.c360.C360Exception;
import io.c360.silver.survivorship.SurvivorshipRules.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Golden records: one row per customer, each field taken from the record its rule lets win, with the
 * lineage of every value. A pure transform over records already resolved to customers.
 *
 * <p>Every rule is one {@code min_by(winner, order)} in a single aggregation by customer. Only
 * eligible records get an order (the others get null, which {@code min_by} skips), so a null value
 * never wins over a value. The order is a struct compared field by field, smaller first: the
 * strategy's score, then the tie-break shared by all strategies: latest {@code record_time} (unknown
 * last), then the system's rank in {@code source_priority} (unlisted last), then {@code record_key}
 * ascending. {@code record_key} is unique, so the order is total and the golden record does not
 * depend on the order of the input rows. A group's winner is one record, so its fields never mix.
 */
public final class Survivorship {
    public static final String CUSTOMER_ID = "customer_id";
    public static final String RECORD_KEY = "record_key";
    public static final String SOURCE = "source";
    public static final String SOURCE_SYSTEM = "source_system";
    public static final String RECORD_ID = "record_id";
    public static final String RECORD_TIME = "record_time";
    public static final String RECORD_COUNT = "record_count";
    /** The distinct source systems of a customer's records, sorted. */
    public static final String SOURCE_SYSTEMS = "source_systems";
    /** Field name → {@code struct<source_system, record_id, record_key>} of the record its value came from. */
    public static final String LINEAGE = "lineage";

    private static final String VALUES = "values";
    private static final String WINNER = "_winner_";
    private static final String AGREEMENT = "_agreement_";

    private Survivorship() {}

    /**
     * One row per {@code customer_id}: {@code customer_id}, every field of the rules in their order,
     * {@code record_count}, {@code source_systems} and {@code lineage}. A field no record has a value
     * for is null and has no lineage entry; the fields of a group that has a winner all point at it.
     */
    public static Dataset<Row> golden(Dataset<Row> records, SurvivorshipRules rules) {
        requireColumns(records, rules);
        List<Rule> list = rules.rules();
        List<Column> aggregates = new ArrayList<>();
        aggregates.add(array_sort(collect_set(col(SOURCE_SYSTEM))).as(SOURCE_SYSTEMS));
        for (int i = 0; i < list.size(); i++) {
            Rule rule = list.get(i);
            Column order = struct(score(rule, i), recency(), rank(rules.sourcePriority()), col(RECORD_KEY));
            aggregates.add(min_by(winner(rule), when(eligible(rule), order)).as(WINNER + i));
        }
        return withAgreement(records, list)
                .groupBy(col(CUSTOMER_ID))
                .agg(count(lit(1)).as(RECORD_COUNT), aggregates.toArray(Column[]::new))
                .select(goldenColumns(list));
    }

    private static void requireColumns(Dataset<Row> records, SurvivorshipRules rules) {
        Set<String> present = Set.of(records.columns());
        List<String> missing = Stream.concat(
                        Stream.of(CUSTOMER_ID, RECORD_KEY, SOURCE_SYSTEM, RECORD_ID, RECORD_TIME),
                        rules.fields().stream())
                .filter(c -> !present.contains(c))
                .toList();
        if (!missing.isEmpty()) {
            throw new C360Exception(
                    rules.file() + ": the records to merge lack the column(s) " + String.join(", ", missing));
        }
    }

    /**
     * Adds, for each most_frequent rule, how many eligible records of the customer agree with this
     * record's value(s). Partitioning by customer first lets these windows and the aggregation after
     * them share one shuffle instead of one per window.
     */
    private static Dataset<Row> withAgreement(Dataset<Row> records, List<Rule> rules) {
        if (rules.stream().noneMatch(r -> r.strategy() == Strategy.MOST_FREQUENT)) {
            return records;
        }
        Dataset<Row> out = records.repartition(col(CUSTOMER_ID));
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (rule.strategy() == Strategy.MOST_FREQUENT) {
                Column[] sameValue = Stream.concat(Stream.of(CUSTOMER_ID), rule.fields().stream())
                        .map(c -> col(c))
                        .toArray(Column[]::new);
                out = out.withColumn(
                        AGREEMENT + i, count(when(eligible(rule), lit(1))).over(Window.partitionBy(sameValue)));
            }
        }
        return out;
    }

    /** May this record supply the rule's value(s)? Null (a record without source_system under a sources list) counts as no. */
    private static Column eligible(Rule rule) {
        Column eligible = rule.fields().stream()
                .map(f -> col(f).isNotNull())
                .reduce(Column::or)
                .orElseThrow();
        for (String r : rule.required()) {
            eligible = eligible.and(col(r).isNotNull());
        }
        if (!rule.sources().isEmpty()) {
            eligible = eligible.and(col(SOURCE_SYSTEM).isin(rule.sources().toArray()));
        }
        return eligible;
    }

    /** The strategy's criterion, smaller = better. */
    private static Column score(Rule rule, int index) {
        return switch (rule.strategy()) {
            case SOURCE_PRIORITY -> rank(rule.priority());
            case MOST_RECENT -> recency();
            case MOST_FREQUENT -> negate(col(AGREEMENT + index));
            case MOST_COMPLETE ->
                negate(sum(rule.fields().stream()
                        .map(f -> when(col(f).isNotNull(), 1).otherwise(0))));
            case LONGEST ->
                negate(sum(rule.fields().stream().map(f -> coalesce(length(col(f).cast("string")), lit(0)))));
        };
    }

    private static Column sum(Stream<Column> terms) {
        return terms.reduce(Column::plus).orElseThrow();
    }

    /** Latest first; a record without a time after all that have one. */
    private static Column recency() {
        return coalesce(negate(unix_micros(col(RECORD_TIME).cast("timestamp"))), lit(Long.MAX_VALUE));
    }

    /** The 1-based position of the record's system in {@code systems}; unlisted systems after all listed. */
    private static Column rank(List<String> systems) {
        Column position =
                array_position(array(systems.stream().map(s -> lit(s)).toArray(Column[]::new)), col(SOURCE_SYSTEM));
        return when(position.gt(0), position).otherwise(systems.size() + 1);
    }

    private static Column winner(Rule rule) {
        Column values = struct(rule.fields().stream().map(f -> col(f)).toArray(Column[]::new));
        return struct(
                values.as(VALUES),
                struct(col(SOURCE_SYSTEM), col(RECORD_ID), col(RECORD_KEY)).as(LINEAGE));
    }

    private static Column[] goldenColumns(List<Rule> rules) {
        List<Column> out = new ArrayList<>();
        List<Column> lineage = new ArrayList<>();
        out.add(col(CUSTOMER_ID));
        for (int i = 0; i < rules.size(); i++) {
            Column winner = col(WINNER + i);
            for (String f : rules.get(i).fields()) {
                out.add(winner.getField(VALUES).getField(f).as(f));
                lineage.add(lit(f));
                lineage.add(winner.getField(LINEAGE));
            }
        }
        out.add(col(RECORD_COUNT));
        out.add(col(SOURCE_SYSTEMS));
        out.add(map_filter(map(lineage.toArray(Column[]::new)), (field, source) -> source.isNotNull())
                .as(LINEAGE));
        return out.toArray(Column[]::new);
    }
}
