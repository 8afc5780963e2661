package io.c360.lake;

import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Names the Spark jobs of one of c360's steps after it ({@code silver: cluster}, {@code gold: build
 * gold.customer}), through Spark's job description, so the Spark UI, event logs and history server read
 * as c360's steps instead of as the call sites of Spark actions. The description is a local property of
 * the calling thread (threads started inside a step inherit it); a step inside another names its own jobs
 * and gives the outer name back when it ends.
 */
public final class Steps {
    /** The local property {@code SparkContext.setJobDescription} sets. */
    private static final String DESCRIPTION = "spark.job.description";

    private Steps() {}

    /** While open, the jobs the thread starts carry the step's name; closing gives the outer name back. */
    public static final class Named implements AutoCloseable {
        private final SparkContext context;
        private final String outer;

        private Named(SparkContext context, String step) {
            this.context = context;
            this.outer = context.getLocalProperty(DESCRIPTION);
            context.setJobDescription(step);
        }

        @Override
        public void close() {
            context.setLocalProperty(DESCRIPTION, outer);
        }
    }

    /** Names the jobs the calling thread starts {@code step} until the result is closed. */
    public static Named named(SparkSession spark, String step) {
        return new Named(spark.sparkContext(), step);
    }

    /** Runs {@code work} with the jobs it starts named {@code step}, and returns what it returns. */
    public static <T> T compute(SparkSession spark, String step, Supplier<T> work) {
        try (Named named = named(spark, step)) {
            return work.get();
        }
    }

    /** Runs {@code work} with the jobs it starts named {@code step}. */
    public static void run(SparkSession spark, String step, Runnable work) {
        try (Named named = named(spark, step)) {
            work.run();
        }
    }
}
