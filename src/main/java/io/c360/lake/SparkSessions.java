package io.c360.lake;

import io.c360.config.C360Config;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The one place a SparkSession is configured: Delta is always on, the rest comes from the run configuration. */
public final class SparkSessions {
    private SparkSessions() {}

    /**
     * A session for a run configuration. What spark-submit sets ({@code --master}, {@code --name},
     * {@code --conf}, {@code spark-defaults.conf}) wins over the file's {@code spark:} section, which
     * only fills in what the launcher left unset.
     */
    public static SparkSession forConfig(C360Config config) {
        SparkConf conf = new SparkConf();
        conf.setIfMissing("spark.master", config.spark().master());
        conf.setIfMissing("spark.app.name", config.spark().appName());
        config.spark().settings().forEach(conf::setIfMissing);
        return create(conf);
    }

    /** A small local session (tests, tools): few partitions, no UI. */
    public static SparkSession local(String master, Map<String, String> settings) {
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setAppName("c360-local")
                .set("spark.ui.enabled", "false")
                .set("spark.sql.shuffle.partitions", "2")
                .set("spark.default.parallelism", "2")
                .set("spark.databricks.delta.snapshotPartitions", "2");
        settings.forEach(conf::set);
        return create(conf);
    }

    private static SparkSession create(SparkConf conf) {
        conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .setIfMissing("spark.sql.session.timeZone", "UTC")
                // Parse dates and timestamps with the java.time rules only; the legacy check would throw on some
                // inputs.
                .setIfMissing("spark.sql.legacy.timeParserPolicy", "CORRECTED")
                .setIfMissing("spark.databricks.delta.schema.autoMerge.enabled", "false")
                // The lake holds personal data: files and folders written through Hadoop (Delta tables, the model,
                // reports, the lock) are owner-only on file systems with permissions (local, HDFS); S3 ignores it.
                // A lake shared with a group sets spark.hadoop.fs.permissions.umask-mode to 027.
                .setIfMissing("spark.hadoop.fs.permissions.umask-mode", "077")
                // Delta rebuilds a table's snapshot state on this many partitions before every action on a new
                // version (default 50). c360's tables are rewritten whole and keep few files, so 50 tasks per
                // action was most of gold's work on a small lake.
                .setIfMissing("spark.databricks.delta.snapshotPartitions", "2")
                // c360's caches are short-lived (a table under quality checks, for the few passes its checks
                // make; an evaluation's assignments; the two records `c360 explain` compares). Compressing the
                // cached columns costs more CPU than those passes save (docs/performance.md, "Spark settings").
                .setIfMissing("spark.sql.inMemoryColumnarStorage.compressed", "false");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
