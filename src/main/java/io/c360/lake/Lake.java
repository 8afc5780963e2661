package io.c360.lake;

import io.c360.C360Exception;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * All table I/O of the lake: where {@code layer.name} lives ({@code <root>/<layer>/<name>}, a Delta
 * folder), reads, writes and catalog registration. The root is a local folder or an {@code s3a://} URI.
 */
public final class Lake {
  private final SparkSession spark;
  private final String root;
  private final Set<TableName> registered = new HashSet<>();

  public Lake(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  public String location(TableName table) {
    return root + "/" + table.layer() + "/" + table.name();
  }

  public boolean exists(TableName table) {
    return DeltaTable.isDeltaTable(spark, location(table));
  }

  public Dataset<Row> read(TableName table) {
    if (!exists(table)) {
      throw new C360Exception("table " + table + " does not exist yet at " + location(table) + "; run the stage that writes it first");
    }
    return spark.read().format("delta").load(location(table));
  }

  /** Appends rows; the first append creates the table. */
  public void append(TableName table, Dataset<Row> rows) {
    append(table, rows, false);
  }

  /** Appends rows; with {@code mergeSchema} new columns (a contract that grew) are added to the table. */
  public void append(TableName table, Dataset<Row> rows, boolean mergeSchema) {
    rows.write().format("delta").mode("append").option("mergeSchema", String.valueOf(mergeSchema)).save(location(table));
    register(table);
  }

  /** Replaces the table's content in one Delta commit (older versions stay readable by time travel). */
  public void overwrite(TableName table, Dataset<Row> rows) {
    rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(location(table));
    register(table);
  }

  /** Where a table's next content is prepared and checked before publication. */
  public String stagingLocation(TableName table) {
    return root + "/_staging/" + table.layer() + "/" + table.name();
  }

  /** Writes rows to the table's staging location (replacing what was there) and returns them read back from it. */
  public Dataset<Row> stage(TableName table, Dataset<Row> rows) {
    rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(stagingLocation(table));
    return spark.read().format("delta").load(stagingLocation(table));
  }

  /**
   * Makes {@code rows} the table's content in one commit, merging on {@code key}: changed rows are
   * updated, new rows inserted and rows gone deleted, so the table's Change Data Feed (switched on
   * here) shows only real changes. A table whose schema (or column comments) changed is overwritten
   * instead. {@code description} becomes the table comment.
   */
  public void publish(TableName table, Dataset<Row> rows, List<String> key, String description) {
    boolean exists = exists(table);
    if (exists && DeltaTable.forPath(spark, location(table)).toDF().schema().equals(rows.schema())) {
      List<String> others = Arrays.stream(rows.columns()).filter(c -> !key.contains(c)).toList();
      String on = key.stream().map(k -> "t.`" + k + "` <=> s.`" + k + "`").collect(Collectors.joining(" AND "));
      String changed = others.stream().map(c -> "NOT (t.`" + c + "` <=> s.`" + c + "`)").collect(Collectors.joining(" OR "));
      var merge = DeltaTable.forPath(spark, location(table)).as("t").merge(rows.as("s"), on);
      (others.isEmpty() ? merge : merge.whenMatched(changed).updateAll())
          .whenNotMatched().insertAll()
          .whenNotMatchedBySource().delete()
          .execute();
    } else {
      overwrite(table, rows);
    }
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + location(table) + "`").select("description", "properties").head();
    scala.collection.Map<String, String> properties = detail.getMap(1);
    if (!description.equals(detail.getString(0)) || !"true".equals(properties.getOrElse("delta.enableChangeDataFeed", () -> "false"))) {
      spark.sql("ALTER TABLE delta.`" + location(table) + "` SET TBLPROPERTIES ('delta.enableChangeDataFeed' = 'true', 'comment' = '"
          + description.replace("\\", "\\\\").replace("'", "\\'") + "')");
    }
    register(table);
  }

  /**
   * The table's current Delta version: the newest commit file in its {@code _delta_log} (a listing,
   * no Spark job; the run log asks this of every table twice per run).
   */
  public long version(TableName table) {
    Path log = new Path(location(table) + "/_delta_log");
    try {
      long newest = -1;
      for (FileStatus f : log.getFileSystem(spark.sparkContext().hadoopConfiguration()).listStatus(log)) {
        String name = f.getPath().getName();
        if (name.matches("\\d{20}\\.json")) {
          newest = Math.max(newest, Long.parseLong(name.substring(0, 20)));
        }
      }
      if (newest < 0) {
        throw new C360Exception("table " + table + " has no commit in " + log);
      }
      return newest;
    } catch (IOException e) {
      throw new C360Exception("cannot list " + log + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes {@code layer.name} resolvable in SQL for this session, pointing at this lake (a name
   * registered earlier for another lake is re-pointed; dropping an external table keeps its files).
   */
  public void register(TableName table) {
    if (!registered.add(table)) {
      return;
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS " + table.layer());
    spark.sql("DROP TABLE IF EXISTS " + table);
    spark.sql("CREATE TABLE " + table + " USING delta LOCATION '" + location(table).replace("'", "\\'") + "'");
  }

  /** Registers every Delta table found under the lake root; returns them. */
  public List<TableName> registerAll() {
    List<TableName> found = new ArrayList<>();
    for (String layer : TableName.LAYERS) {
      Path layerDir = new Path(root + "/" + layer);
      try {
        FileSystem fs = layerDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(layerDir)) {
          continue;
        }
        for (FileStatus child : fs.listStatus(layerDir)) {
          if (child.isDirectory() && fs.exists(new Path(child.getPath(), "_delta_log"))) {
            String name = child.getPath().getName();
            if (name.matches("_?[a-z][a-z0-9_]*")) {
              TableName table = new TableName(layer, name);
              register(table);
              found.add(table);
            }
          }
        }
      } catch (IOException e) {
        throw new C360Exception("cannot list lake folder " + layerDir + ": " + e.getMessage(), e);
      }
    }
    return found;
  }
}
