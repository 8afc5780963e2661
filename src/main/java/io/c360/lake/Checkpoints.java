package io.c360.lake;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.LogicalRDD;
import scala.collection.JavaConverters;

/**
 * Early release of what {@link Dataset#localCheckpoint(boolean)} keeps. Spark frees a checkpoint's
 * blocks only once the driver's collector finds its Dataset unreachable, so at a million records
 * the rows of finished steps (pairs with their evidence, every connected-components round) stay on
 * the heap with the live ones and make every full collection mark them again.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /**
     * Drops the checkpointed rows behind each of {@code checkpointed}. Anything still reading them afterwards
     * fails with Spark's "checkpoint block not found", so call this only once every Dataset built on them
     * has been materialized itself. A Dataset that is not a checkpoint is left alone.
     */
    public static void release(Dataset<?>... checkpointed) {
        for (Dataset<?> d : checkpointed) {
            if (d.queryExecution().logical() instanceof LogicalRDD rows) {
                rows.rdd().unpersist(false);
            }
        }
    }

    /**
     * Marks the checkpoints the session holds now; {@link Scope#close} drops every checkpoint made after.
     * A pipeline stage runs in one, so that nothing it materialized outlives it, however it ended
     * (failed, or killed by an {@link Error}), instead of waiting for the driver's collector to find
     * each Dataset unreachable. Cached rows are left alone: Delta caches each table snapshot's state
     * and manages that cache itself.
     */
    public static Scope scope(SparkSession spark) {
        return new Scope(spark.sparkContext());
    }

    /** See {@link #scope}. */
    public static final class Scope implements AutoCloseable {
        private final SparkContext context;
        private final Set<Object> heldBefore;

        private Scope(SparkContext context) {
            this.context = context;
            this.heldBefore = Set.copyOf(checkpoints(context).keySet());
        }

        @Override
        public void close() {
            checkpoints(context).forEach((id, rdd) -> {
                if (!heldBefore.contains(id)) {
                    rdd.unpersist(false);
                }
            });
        }
    }

    /** The materialized checkpoints of the session by RDD id: persisted RDDs that are checkpointed. */
    public static Map<Object, RDD<?>> checkpoints(SparkContext context) {
        Map<Object, RDD<?>> checkpoints = new HashMap<>();
        JavaConverters.mapAsJavaMap(context.getPersistentRDDs()).forEach((id, rdd) -> {
            if (rdd.isCheckpointed()) {
                checkpoints.put(id, rdd);
            }
        });
        return checkpoints;
    }
}
