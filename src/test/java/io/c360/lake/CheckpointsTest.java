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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
@Tag("spark")
class CheckpointsTest {
    private final SparkSession spark;

    CheckpointsTest(SparkSession spark) {
        this.spark = spark;
    }

    private Set<Object> persistedRddIds() {
        return Set.copyOf(scala.collection.JavaConverters.mapAsJavaMap(
                        spark.sparkContext().getPersistentRDDs())
                .keySet());
    }

    @Test
    void releaseDropsTheCheckpointedRowsAndLaterReadsFailLoudly() {
        Dataset<Row> kept = spark.range(10).toDF("n").localCheckpoint(true);
        int rddId = rddId(kept);
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

    @Test
    void aScopeDropsTheCheckpointsMadeInItAndNothingElse() {
        Dataset<Row> before = spark.range(4).toDF("n").localCheckpoint(true);
        Dataset<Row> inside;
        Dataset<Row> cachedInside;
        try (Checkpoints.Scope scope = Checkpoints.scope(spark)) {
            inside = spark.range(5).toDF("n").localCheckpoint(true);
            cachedInside = spark.range(6).toDF("n").cache();
            assertEquals(6, cachedInside.count());
            assertTrue(Checkpoints.checkpoints(spark.sparkContext()).containsKey(rddId(inside)));
        }

        assertFalse(
                Checkpoints.checkpoints(spark.sparkContext()).containsKey(rddId(inside)), "made in the scope: dropped");
        assertTrue(Checkpoints.checkpoints(spark.sparkContext()).containsKey(rddId(before)), "made before: kept");
        assertEquals(4, before.count());
        assertTrue(
                spark.sharedState()
                        .cacheManager()
                        .lookupCachedData(cachedInside)
                        .isDefined(),
                "a cache is not a checkpoint");
        assertEquals(6, cachedInside.count());
        cachedInside.unpersist(true);
        Checkpoints.release(before);
    }

    private static int rddId(Dataset<Row> checkpointed) {
        return ((LogicalRDD) checkpointed.queryExecution().logical()).rdd().id();
    }
}
