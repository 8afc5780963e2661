package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Publication of rows computed in the run (not read back from storage). */
@ExtendWith(SparkExtension.class)
class LakePublishTest {
  private final SparkSession spark;

  LakePublishTest(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Rows built in memory carry NOT NULL flags a Delta table does not keep: the second publication must
   * still see the same schema and merge, so the Change Data Feed records no change.
   */
  @Test
  void republishingTheSameMaterializedRowsMergesAndChangesNothing(@TempDir Path dir) {
    Lake lake = new Lake(spark, dir.toString());
    TableName table = TableName.gold("people");
    StructType schema = new StructType()
        .add("customer_id", DataTypes.StringType, false, new MetadataBuilder().putString("comment", "Unified customer id").build())
        .add("name", DataTypes.StringType, true, new MetadataBuilder().putString("comment", "Display name").build());
    Dataset<Row> rows = spark.createDataFrame(List.of(RowFactory.create("C1", "Ada"), RowFactory.create("C2", "Grace")), schema)
        .localCheckpoint(true);
    lake.publish(table, rows, List.of("customer_id"), "people");
    long first = lake.version(table);

    lake.publish(table, rows, List.of("customer_id"), "people");

    long second = lake.version(table);
    Row last = spark.sql("DESCRIBE HISTORY delta.`" + lake.location(table) + "` LIMIT 1").select("operation").head();
    assertEquals("MERGE", last.getString(0), "the second publication merges instead of overwriting");
    assertEquals(first + 1, second, "in one commit");
    assertEquals(0, spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", second)
        .load(lake.location(table)).count(), "no change recorded");
  }
}
