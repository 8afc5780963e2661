package io.c360.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.c360.C360Exception;
import io.c360.lake.Checkpoints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Candidate pairs: records that agree on every key of at least one blocking rule. Block sizes are
 * counted per rule before any pair is made; a key shared by more records than the rule's cap (a junk
 * value, a very common name) is skipped and reported, never silently dropped.
 */
public final class Blocking {
    public static final String LEFT = "l_id";
    public static final String RIGHT = "r_id";
    public static final String RULES = "blocking_rules";
    private static final String NUMBER = "number";
    private static final String BLOCK = "block";
    /** In the key index: the identity a key is of. */
    public static final String SIGNATURE = "signature";

    private Blocking() {}

    /**
     * Pairs ({@code l_id < r_id}, with the rules that produced them; materialized), the rules and the
     * per-rule report.
     */
    public record Result(Dataset<Row> pairs, List<MatchingConfig.BlockingRule> rules, List<RuleReport> report) {}

    /** What one rule did: pairs it generated, and keys/records skipped for exceeding the cap. */
    public record RuleReport(
            String rule, long pairs, long skippedKeys, long skippedRecords, String largestSkippedKey) {}

    /**
     * @param nodes one row per distinct identity, id column {@code id}, with the attributes key expressions read
     */
    public static Result pairs(Dataset<Row> nodes, List<MatchingConfig.BlockingRule> rules) {
        if (rules.size() >= Long.SIZE) {
            throw new C360Exception(
                    "matching.yaml: at most " + (Long.SIZE - 1) + " blocking rules are supported, got " + rules.size());
        }
        // Every rule's key and a number per identity, computed once and materialized (so the numbers
        // stay put): rule pairs, several times as many as the candidates, are made and de-duplicated
        // between 8-byte numbers instead of 64-character signatures.
        List<Column> columns =
                new ArrayList<>(List.of(col("id"), monotonically_increasing_id().as(NUMBER)));
        for (int i = 0; i < rules.size(); i++) {
            columns.add(key(rules.get(i)).as(keyColumn(i)));
        }
        Dataset<Row> keys = nodes.select(columns.toArray(Column[]::new)).localCheckpoint(true);
        // All rules at once, one row per identity and rule key: (rule, key) is the block.
        Column[] ruleKeys = new Column[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            ruleKeys[i] = struct(lit(i).as("rule"), col(keyColumn(i)).as("key"));
        }
        Dataset<Row> keyed = keys.select(col(NUMBER), explode(array(ruleKeys)).as("k"))
                .select(col(NUMBER), col("k.rule").as("rule"), col("k.key").as("key"))
                .filter(col("key").isNotNull());
        List<RuleReport> report = report(rules, keyed.select(col("rule"), col("key")));

        // Blocks are counted and paired by a 64-bit hash of (rule, key): Spark sorts one long by radix, while
        // a string key ties on its prefix and falls back to comparing whole rows (at a million records that
        // sort was most of this step). Two blocks whose hashes collide are taken for one: their extra pairs are
        // scored like any other, or both are skipped if together above the cap. With a few million blocks at a
        // million records, the birthday bound of 64-bit hashes makes any collision very unlikely.
        Dataset<Row> allowed = keyed.withColumn(BLOCK, xxhash64(col("rule"), col("key")))
                .withColumn("n", count(lit(1)).over(Window.partitionBy(BLOCK)))
                .filter(col("n").leq(maxBlockSize(rules)));
        Dataset<Row> a = allowed.select(col("rule"), col(BLOCK), col(NUMBER).as("l"));
        Dataset<Row> b = allowed.select(col(BLOCK).as("block_r"), col(NUMBER).as("r"));
        Dataset<Row> numbered = a.join(
                        b, a.col(BLOCK).equalTo(b.col("block_r")).and(a.col("l").lt(b.col("r"))))
                .groupBy("l", "r")
                .agg(bit_or(expr("shiftleft(CAST(1 AS BIGINT), rule)")).as("rule_bits"));
        Dataset<Row> left = keys.select(col(NUMBER).as("l"), col("id").as("l_signature"));
        Dataset<Row> right = keys.select(col(NUMBER).as("r"), col("id").as("r_signature"));
        Column[] ruleNames = new Column[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            ruleNames[i] = when(
                    col("rule_bits").bitwiseAND(lit(1L << i)).notEqual(0),
                    lit(rules.get(i).name()));
        }
        Dataset<Row> pairs = numbered.join(left, "l")
                .join(right, "r")
                .select(
                        least(col("l_signature"), col("r_signature")).as(LEFT),
                        greatest(col("l_signature"), col("r_signature")).as(RIGHT),
                        array_compact(array(ruleNames)).as(RULES))
                .localCheckpoint(true);
        Checkpoints.release(keys);
        return new Result(pairs, rules, report);
    }

    /**
     * The key index of {@code nodes} ({@code signature, rule, key}: one row per identity and rule that
     * gives it a key; the rule by name), as {@code silver.blocking_keys} keeps it.
     */
    public static Dataset<Row> keys(Dataset<Row> nodes, List<MatchingConfig.BlockingRule> rules) {
        Column[] ruleKeys = new Column[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            ruleKeys[i] = struct(
                    lit(rules.get(i).name()).as("rule"), key(rules.get(i)).as("key"));
        }
        return nodes.select(col("id").as(SIGNATURE), explode(array(ruleKeys)).as("k"))
                .select(col(SIGNATURE), col("k.rule").as("rule"), col("k.key").as("key"))
                .filter(col("key").isNotNull());
    }

    /**
     * The candidate pairs of the {@code seeds} ({@code id}) with every identity of the key {@code index}
     * ({@code signature, rule, key}, as it is after this run) that shares a block with one, the block sizes
     * counted from the index: pairs with a seed on at least one side ({@code l_id < r_id}, with their
     * rules; materialized), and the per-rule report of the blocks the seeds are in. A block over its
     * rule's cap is skipped and reported, as in {@link #pairs}.
     *
     * @param seedKeys the seeds' rows of the index
     */
    public static Result pairsOf(Dataset<Row> seedKeys, Dataset<Row> index, List<MatchingConfig.BlockingRule> rules) {
        Dataset<Row> seedBlocks = blocked(seedKeys, rules);
        Dataset<Row> members = blocked(index, rules)
                .join(seedBlocks.select(BLOCK).distinct(), BLOCK, "left_semi")
                .withColumn("n", count(lit(1)).over(Window.partitionBy(BLOCK)))
                .localCheckpoint(true);
        List<RuleReport> report = report(rules, members.select(col(NUMBER).as("rule"), col("key")));
        Dataset<Row> allowed = members.filter(col("n").leq(maxBlockSize(rules, col(NUMBER))));
        Dataset<Row> a = seedBlocks.select(
                col(BLOCK), col(NUMBER).as("rule"), col(SIGNATURE).as("seed"));
        Dataset<Row> b = allowed.select(col(BLOCK).as("block_r"), col(SIGNATURE).as("other"));
        Column[] ruleNames = new Column[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            ruleNames[i] = when(
                    col("rule_bits").bitwiseAND(lit(1L << i)).notEqual(0),
                    lit(rules.get(i).name()));
        }
        Dataset<Row> pairs = a.join(
                        b,
                        a.col(BLOCK).equalTo(b.col("block_r")).and(a.col("seed").notEqual(b.col("other"))))
                .select(
                        least(col("seed"), col("other")).as(LEFT),
                        greatest(col("seed"), col("other")).as(RIGHT),
                        col("rule"))
                .groupBy(LEFT, RIGHT)
                .agg(bit_or(expr("shiftleft(CAST(1 AS BIGINT), rule)")).as("rule_bits"))
                .select(col(LEFT), col(RIGHT), array_compact(array(ruleNames)).as(RULES))
                .localCheckpoint(true);
        Checkpoints.release(members);
        return new Result(pairs, rules, report);
    }

    /**
     * Identities ({@code id}) that keep their keys but share a block whose size crossed its rule's cap
     * when the index lost the rows of {@code gone} ({@code signature}) and gained {@code added} (rows of
     * the index): their pairs with each other came or went though neither changed. Materialized.
     */
    public static Dataset<Row> crossedCap(
            Dataset<Row> index, Dataset<Row> gone, Dataset<Row> added, List<MatchingConfig.BlockingRule> rules) {
        Dataset<Row> addedRows = blocked(added, rules);
        Dataset<Row> changedBlocks = blocked(index.join(gone, SIGNATURE, "left_semi"), rules)
                .select(BLOCK)
                .union(addedRows.select(BLOCK))
                .distinct();
        // The index's rows in blocks that changed: few, read twice.
        Dataset<Row> local =
                blocked(index, rules).join(changedBlocks, BLOCK, "left_semi").localCheckpoint(true);
        Dataset<Row> staying = local.join(gone, SIGNATURE, "left_anti");
        Dataset<Row> before = local.groupBy(BLOCK, NUMBER).agg(count(lit(1)).as("before"));
        Dataset<Row> now = staying.select(BLOCK, NUMBER)
                .union(addedRows.select(BLOCK, NUMBER))
                .groupBy(BLOCK, NUMBER)
                .agg(count(lit(1)).as("now"));
        Column cap = maxBlockSize(rules, col(NUMBER));
        Dataset<Row> crossed = before.join(now, new String[] {BLOCK, NUMBER}, "full_outer")
                .filter(coalesce(col("before"), lit(0L))
                        .leq(cap)
                        .notEqual(coalesce(col("now"), lit(0L)).leq(cap)))
                .select(BLOCK);
        Dataset<Row> ids = staying.join(crossed, BLOCK, "left_semi")
                .select(col(SIGNATURE).as("id"))
                .distinct()
                .localCheckpoint(true);
        Checkpoints.release(local);
        return ids;
    }

    /**
     * Rows of a key index with the rule's number ({@code number}) and the block ({@code block}: the same
     * 64-bit hash of rule number and key as {@link #pairs} blocks by, so that both find the same blocks).
     */
    private static Dataset<Row> blocked(Dataset<Row> index, List<MatchingConfig.BlockingRule> rules) {
        Column names = array(rules.stream().map(r -> lit(r.name())).toArray(Column[]::new));
        Column number = array_position(names, col("rule")).minus(1).cast(DataTypes.IntegerType);
        return index.select(col(SIGNATURE), col("key"), number.as(NUMBER))
                .withColumn(BLOCK, xxhash64(col(NUMBER), col("key")));
    }

    /** A rule's key: its key expressions joined, null when any of them is null or empty (it blocks nothing). */
    private static Column key(MatchingConfig.BlockingRule rule) {
        return key(rule.keys());
    }

    /** Key expressions joined into one key, null when any of them is null or empty. */
    static Column key(List<String> expressions) {
        Column[] keys = expressions.stream()
                .map(k -> expr(k).cast(DataTypes.StringType))
                .toArray(Column[]::new);
        Column anyNull = lit(false);
        for (Column k : keys) {
            anyNull = anyNull.or(k.isNull()).or(k.equalTo(""));
        }
        return when(anyNull, lit(null)).otherwise(concat_ws("\u0001", keys));
    }

    private static String keyColumn(int rule) {
        return "key_" + rule;
    }

    /** The cap of the row's {@code rule}. */
    private static Column maxBlockSize(List<MatchingConfig.BlockingRule> rules) {
        return maxBlockSize(rules, col("rule"));
    }

    /** The cap of the rule numbered {@code rule}. */
    private static Column maxBlockSize(List<MatchingConfig.BlockingRule> rules, Column rule) {
        return element_at(array(rules.stream().map(r -> lit(r.maxBlockSize())).toArray(Column[]::new)), rule.plus(1));
    }

    /** What each rule would do, counted from its block sizes before any pair is made (one small job for all rules). */
    private static List<RuleReport> report(List<MatchingConfig.BlockingRule> rules, Dataset<Row> keyed) {
        Column oversized = col("n").gt(maxBlockSize(rules));
        Map<Integer, Row> byRule = new HashMap<>();
        keyed.groupBy("rule", "key")
                .agg(count(lit(1)).as("n"))
                .groupBy("rule")
                .agg(
                        sum(when(oversized, 0L)
                                        .otherwise(col("n").multiply(col("n").minus(1))
                                                .divide(2)))
                                .cast("long")
                                .as("pairs"),
                        count(when(oversized, true)).as("skipped_keys"),
                        sum(when(oversized, col("n")).otherwise(0L))
                                .cast("long")
                                .as("skipped_records"),
                        max_by(
                                        when(oversized, concat_ws(" x", col("key"), col("n").cast("string"))),
                                        when(oversized, col("n")))
                                .as("largest"))
                .collectAsList()
                .forEach(row -> byRule.put(row.getInt(0), row));
        List<RuleReport> report = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Row row = byRule.get(i);
            String largest =
                    row == null || row.isNullAt(4) ? null : row.getString(4).replace('\u0001', '|');
            report.add(
                    row == null
                            ? new RuleReport(rules.get(i).name(), 0, 0, 0, null)
                            : new RuleReport(
                                    rules.get(i).name(), row.getLong(1), row.getLong(2), row.getLong(3), largest));
        }
        return report;
    }

    /** The report as a small table (for {@code silver.blocking_report}). */
    public static Dataset<Row> reportTable(SparkSession spark, List<RuleReport> report, String runId) {
        StructType schema = new StructType()
                .add("run_id", DataTypes.StringType)
                .add("rule", DataTypes.StringType)
                .add("pairs", DataTypes.LongType)
                .add("skipped_keys", DataTypes.LongType)
                .add("skipped_records", DataTypes.LongType)
                .add("largest_skipped_key", DataTypes.StringType);
        List<Row> rows = report.stream()
                .map(r -> RowFactory.create(
                        runId, r.rule(), r.pairs(), r.skippedKeys(), r.skippedRecords(), r.largestSkippedKey()))
                .toList();
        return spark.createDataFrame(rows, schema);
    }
}
