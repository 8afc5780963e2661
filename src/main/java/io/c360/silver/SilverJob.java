package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.slice;

import io.c360.Progress;
import io.c360.bronze.Lineage;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.silver.identity.StableIds;
import io.c360.silver.survivorship.Survivorship;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The silver job: bronze sources → identity records → scored pairs (review queue for stewards) →
 * clusters → stable customer ids (with redirects) → golden records. All reads and writes of the
 * stage are here; the steps themselves are pure transforms.
 */
public final class SilverJob {
  public static final TableName IDENTITY_RECORDS = new TableName("silver", "identity_records");
  public static final TableName SCORED_PAIRS = new TableName("silver", "scored_pairs");
  public static final TableName MATCH_REVIEW = new TableName("silver", "match_review");
  public static final TableName STEWARD_DECISIONS = new TableName("silver", "steward_decisions");
  /** What stewards decide (appended by {@code c360 steward-import}); the newest decision on a pair of records wins. */
  public static final StructType STEWARD_DECISIONS_SCHEMA = new StructType()
      .add("record_key_l", DataTypes.StringType)
      .add("record_key_r", DataTypes.StringType)
      .add("decision", DataTypes.StringType)
      .add("steward", DataTypes.StringType)
      .add("decided_at", DataTypes.TimestampType);
  public static final TableName CUSTOMER_ID_MAP = new TableName("silver", "customer_id_map");
  public static final TableName REDIRECTS = new TableName("silver", "customer_id_redirects");
  public static final TableName GOLDEN_RECORDS = new TableName("silver", "golden_records");
  public static final TableName BLOCKING_REPORT = new TableName("silver", "blocking_report");

  private final Lake lake;
  private final C360Config config;
  private final SilverConfig silver;
  private final Progress progress;
  private final boolean retrain;

  public SilverJob(Lake lake, C360Config config, SilverConfig silver, Progress progress, boolean retrain) {
    this.lake = lake;
    this.config = config;
    this.silver = silver;
    this.progress = progress;
    this.retrain = retrain;
  }

  /** What the silver run did. */
  public record Result(String runId, long records, long identities, long candidatePairs, long linkedPairs,
      long reviewPairs, long vetoedPairs, long customers, long redirects, int modelVersion, boolean trained,
      Duration elapsed) {}

  public Result run() {
    return run(Instant.now().toString());
  }

  /** Runs silver as part of pipeline run {@code runId} (it names the run in id redirects). */
  public Result run(String runId) {
    Instant start = Instant.now();
    SparkSession spark = lake.spark();

    Dataset<Row> records = identityRecords(spark).localCheckpoint(true);
    lake.overwrite(IDENTITY_RECORDS, records);
    long recordCount = records.count();
    progress.report("silver.identity_records: " + recordCount + " records from " + silver.identity().sources().size() + " sources");

    ModelStore store = new ModelStore(lake.root(), spark.sparkContext().hadoopConfiguration());
    String fingerprint = ModelStore.fingerprint(silver.matching());
    Optional<ModelStore.Artefact> reuse = retrain ? Optional.empty() : store.latest(fingerprint);
    if (!lake.exists(STEWARD_DECISIONS)) {
      lake.overwrite(STEWARD_DECISIONS, spark.createDataFrame(List.of(), STEWARD_DECISIONS_SCHEMA));
    }
    Dataset<Row> steward = stewardDecisions(records).localCheckpoint(true);
    Optional<Dataset<Row>> labels = silver.matching().model().mFromStewardDecisions() && !steward.isEmpty()
        ? Optional.of(steward.select(col("l").as(Blocking.LEFT), col("r").as(Blocking.RIGHT), col("decision").equalTo("match").as("is_match")))
        : Optional.empty();
    Resolver.Resolution resolution = Resolver.resolve(records, silver, reuse.map(ModelStore.Artefact::parameters), steward, labels);
    Matcher.Result matched = resolution.matched();
    ModelStore.Artefact model = matched.trained() ? store.save(fingerprint, matched.parameters()) : reuse.get();
    progress.report((matched.trained() ? "trained model v" : "reused model v") + model.version()
        + " (prior " + String.format("%.3g", model.parameters().prior()) + ", EM iterations " + model.parameters().emIterations() + ")");
    lake.overwrite(BLOCKING_REPORT, Blocking.reportTable(spark, matched.blocking(), runId));
    Dataset<Row> pairs = resolution.pairs();
    lake.overwrite(SCORED_PAIRS, pairs.drop("l", "r"));
    lake.overwrite(MATCH_REVIEW, reviewQueue(pairs, records));
    Dataset<Row> recordClusters = resolution.recordClusters();
    Dataset<Row> previous = lake.exists(CUSTOMER_ID_MAP)
        ? lake.read(CUSTOMER_ID_MAP).select("record_key", "customer_id")
        : SilverConfig.emptyTable(spark, "record_key", "customer_id");
    StableIds.Result ids = StableIds.assign(recordClusters, previous.localCheckpoint(true), runId);
    Dataset<Row> idMap = ids.idMap().localCheckpoint(true);
    Dataset<Row> redirects = ids.redirects().localCheckpoint(true);
    lake.overwrite(CUSTOMER_ID_MAP, idMap);
    lake.append(REDIRECTS, redirects);

    Dataset<Row> resolved = records.join(idMap, "record_key");
    lake.overwrite(GOLDEN_RECORDS, Survivorship.golden(resolved, silver.survivorship()));

    long customers = idMap.select("customer_id").distinct().count();
    Row counts = pairs.groupBy().agg(
        expr("count(*)"),
        expr("sum(CASE WHEN decision IN ('linked', 'linked_by_rule', 'linked_by_steward') THEN 1 ELSE 0 END)"),
        expr("sum(CASE WHEN decision = 'review' THEN 1 ELSE 0 END)"),
        expr("sum(CASE WHEN decision = 'vetoed' THEN 1 ELSE 0 END)")).head();
    Result result = new Result(runId, recordCount, matched.nodes().count(), counts.getLong(0),
        counts.isNullAt(1) ? 0 : counts.getLong(1), counts.isNullAt(2) ? 0 : counts.getLong(2),
        counts.isNullAt(3) ? 0 : counts.getLong(3), customers, redirects.count(), model.version(), matched.trained(),
        Duration.between(start, Instant.now()));
    progress.report("silver: " + result.customers() + " customers from " + recordCount + " records ("
        + Progress.seconds(result.elapsed()) + ")");
    return result;
  }

  /** Identity records of every mapped source, from the newest bronze row of each record. */
  Dataset<Row> identityRecords(SparkSession spark) {
    Dataset<Row> nicknames = IdentityRecords.nicknameIndex(silver.nicknames(spark));
    Dataset<Row> all = null;
    for (var e : silver.identity().sources().entrySet()) {
      String source = e.getKey();
      TableName bronze = TableName.bronze(source);
      if (!lake.exists(bronze)) {
        progress.report("silver: no " + bronze + " yet; skipped");
        continue;
      }
      String system = config.source(source).map(C360Config.SourceConfig::system).orElse(source);
      Dataset<Row> newest = Lineage.newestVersions(lake.read(bronze), expr(e.getValue().recordId()));
      Dataset<Row> records = IdentityRecords.of(newest, source, system, e.getValue(), silver.identity().standardization(), nicknames);
      all = all == null ? records : all.unionByName(records);
    }
    if (all == null) {
      throw new io.c360.C360Exception("silver needs bronze tables; none of " + silver.identity().sources().keySet()
          + " exists in " + lake.root() + " (run --stage bronze first)");
    }
    return all;
  }

  /**
   * Steward decisions ({@code silver.steward_decisions}: record_key_l, record_key_r, decision
   * match|non_match, steward, decided_at) as pairs of identities; the newest decision on a pair wins.
   */
  Dataset<Row> stewardDecisions(Dataset<Row> records) {
    Dataset<Row> sig = records.select(col("record_key"), col(IdentityRecords.SIGNATURE));
    return lake.read(STEWARD_DECISIONS)
        .join(sig.select(col("record_key").as("record_key_l"), col(IdentityRecords.SIGNATURE).as("sl")), "record_key_l")
        .join(sig.select(col("record_key").as("record_key_r"), col(IdentityRecords.SIGNATURE).as("sr")), "record_key_r")
        .filter(col("sl").notEqual(col("sr")))
        .select(expr("least(sl, sr)").as("l"), expr("greatest(sl, sr)").as("r"), col("decision"),
            row_number().over(Window.partitionBy(expr("least(sl, sr)"), expr("greatest(sl, sr)")).orderBy(desc("decided_at"))).as("nth"))
        .filter(col("nth").equalTo(1)).drop("nth");
  }

  /** Pairs for stewards: both identities' attributes, up to five of their record keys, the probability and weights. */
  static Dataset<Row> reviewQueue(Dataset<Row> pairs, Dataset<Row> records) {
    Dataset<Row> keys = records.groupBy(IdentityRecords.SIGNATURE).agg(slice(collect_list("record_key"), 1, 5).as("keys"));
    List<Column> cols = new ArrayList<>(List.of(col("l_keys.keys").as("records_l"), col("r_keys.keys").as("records_r"),
        col("match_probability"), col("match_weight"), col("l"), col("r")));
    for (String c : pairs.columns()) {
      if (c.startsWith("w_") || c.startsWith("gamma_")) {
        cols.add(col(c));
      }
    }
    return pairs.filter(col("decision").equalTo(Matcher.REVIEW))
        .join(keys.as("l_keys"), col(Blocking.LEFT).equalTo(col("l_keys." + IdentityRecords.SIGNATURE)))
        .join(keys.as("r_keys"), col(Blocking.RIGHT).equalTo(col("r_keys." + IdentityRecords.SIGNATURE)))
        .select(cols.toArray(Column[]::new));
  }
}
