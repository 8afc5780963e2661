package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.SparkExtension;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.LogicalRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class CheckpointsTest {
  private final SparkSession spark;

  CheckpointsTest(SparkSession spark) {
    this.spark = spark;
  }

  private Set<Object> persistedRddIds() {
    return Set.copyOf(scala.collection.JavaConverters.mapAsJavaMap(spark.sparkContext().getPersistentRDDs()).keySet());
  }

  @Test
  void releaseDropsTheCheckpointedRowsAndLaterReadsFailLoudly() {
    Dataset<Row> kept = spark.range(10).toDF("n").localCheckpoint(true);
    int rddId = ((LogicalRDD) kept.queryExecution().logical()).rdd().id();
    Dataset<Row> derived = kept.filter("n > 4");
    assertTrue(persistedRddIds().contains(rddId));
    assertEquals(5, derived.count());

    Checkpoints.release(kept);

    assertFalse(persistedRddIds().contains(rddId));
    // Not silently recomputed: a checkpoint has no lineage to recompute from.
    Exception e = assertThrows(Exception.class, derived::count);
    assertTrue(e.getMessage().contains("Checkpoint block"), e.getMessage());
  }

  @Test
  void aDatasetThatIsNotACheckpointIsLeftAlone() {
    Dataset<Row> cached = spark.range(3).toDF("n").cache();
    cached.count();
    Set<Object> before = persistedRddIds();

    Checkpoints.release(cached);
    Checkpoints.release(spark.range(3).toDF("n"));

    assertEquals(before, persistedRddIds());
    assertEquals(3, cached.count());
    cached.unpersist(true);
  }
}
