package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Candidate pairs: records that agree on every key of at least one blocking rule. Block sizes are
 * counted per rule before any pair is made; a key shared by more records than the cap (a junk value,
 * a very common name) is skipped and reported, never silently dropped.
 */
public final class Blocking {
  public static final String LEFT = "l_id";
  public static final String RIGHT = "r_id";
  public static final String RULES = "blocking_rules";

  private Blocking() {}

  /** Pairs ({@code l_id < r_id}, with the rules that produced them) and the per-rule report. */
  public record Result(Dataset<Row> pairs, List<RuleReport> report) {}

  /** What one rule did: pairs it generated, and keys/records skipped for exceeding the cap. */
  public record RuleReport(String rule, long pairs, long skippedKeys, long skippedRecords, String largestSkippedKey) {}

  /**
   * @param nodes one row per distinct identity, id column {@code id}, with the attributes key expressions read
   */
  public static Result pairs(Dataset<Row> nodes, List<MatchingConfig.BlockingRule> rules, int maxBlockSize) {
    Dataset<Row> all = null;
    List<RuleReport> report = new ArrayList<>();
    for (MatchingConfig.BlockingRule rule : rules) {
      Column[] keys = rule.keys().stream().map(k -> expr(k).cast(DataTypes.StringType)).toArray(Column[]::new);
      Column anyNull = lit(false);
      for (Column k : keys) {
        anyNull = anyNull.or(k.isNull()).or(k.equalTo(""));
      }
      Dataset<Row> keyed = nodes.select(col("id"), when(anyNull, lit(null)).otherwise(concat_ws("\u0001", keys)).as("key"))
          .filter(col("key").isNotNull());
      Dataset<Row> sizes = keyed.groupBy("key").agg(count(lit(1)).as("n")).cache();
      Row stats = sizes.agg(
              sum(when(col("n").leq(maxBlockSize), col("n").multiply(col("n").minus(1)).divide(2)).otherwise(0)).cast("long"),
              sum(when(col("n").gt(maxBlockSize), 1).otherwise(0)).cast("long"),
              sum(when(col("n").gt(maxBlockSize), col("n")).otherwise(0)).cast("long"))
          .head();
      String largest = stats.isNullAt(1) || stats.getLong(1) == 0 ? null
          : sizes.orderBy(col("n").desc()).select(concat_ws(" x", col("key"), col("n").cast("string"))).head().getString(0);
      report.add(new RuleReport(rule.name(), stats.isNullAt(0) ? 0 : stats.getLong(0),
          stats.isNullAt(1) ? 0 : stats.getLong(1), stats.isNullAt(2) ? 0 : stats.getLong(2),
          largest == null ? null : largest.replace('\u0001', '|')));

      Dataset<Row> allowed = keyed.join(sizes.filter(col("n").leq(maxBlockSize)).select("key"), "key");
      Dataset<Row> a = allowed.select(col("key"), col("id").as(LEFT));
      Dataset<Row> b = allowed.select(col("key").as("key_r"), col("id").as(RIGHT));
      Dataset<Row> rulePairs = a.join(b, a.col("key").equalTo(b.col("key_r")).and(a.col(LEFT).lt(b.col(RIGHT))))
          .select(col(LEFT), col(RIGHT), lit(rule.name()).as("rule"));
      all = all == null ? rulePairs : all.union(rulePairs);
      sizes.unpersist();
    }
    Dataset<Row> pairs = all.groupBy(LEFT, RIGHT).agg(collect_set("rule").as(RULES));
    return new Result(pairs, report);
  }

  /** The report as a small table (for {@code silver.blocking_report}). */
  public static Dataset<Row> reportTable(SparkSession spark, List<RuleReport> report, String runId) {
    StructType schema = new StructType()
        .add("run_id", DataTypes.StringType).add("rule", DataTypes.StringType).add("pairs", DataTypes.LongType)
        .add("skipped_keys", DataTypes.LongType).add("skipped_records", DataTypes.LongType)
        .add("largest_skipped_key", DataTypes.StringType);
    List<Row> rows = report.stream()
        .map(r -> RowFactory.create(runId, r.rule(), r.pairs(), r.skippedKeys(), r.skippedRecords(), r.largestSkippedKey()))
        .toList();
    return spark.createDataFrame(rows, schema);
  }
}
