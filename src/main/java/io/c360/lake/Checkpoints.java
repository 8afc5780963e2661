package io.c360.lake;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.execution.LogicalRDD;

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
}
