package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
@Tag("spark")
class StepsTest {
    private final SparkSession spark;

    StepsTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void jobsCarryTheNameOfTheStepThatStartedThemAndTheOuterNameComesBack() throws TimeoutException {
        List<String> described = new CopyOnWriteArrayList<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                String d = start.properties().getProperty("spark.job.description");
                if (d != null && d.startsWith("test: ")) {
                    described.add(d);
                }
            }
        };
        String before = spark.sparkContext().getLocalProperty("spark.job.description");
        spark.sparkContext().addSparkListener(listener);
        try {
            long rows = Steps.compute(spark, "test: outer", () -> {
                spark.range(3).count();
                Steps.run(spark, "test: inner", () -> spark.range(5).count());
                return spark.range(7).count();
            });
            spark.range(9).count();
            spark.sparkContext().listenerBus().waitUntilEmpty(30_000);

            assertEquals(7, rows);
            // A count may run more than one job (adaptive execution): consecutive repeats are one step.
            List<String> steps = new ArrayList<>();
            described.forEach(d -> {
                if (steps.isEmpty() || !steps.get(steps.size() - 1).equals(d)) {
                    steps.add(d);
                }
            });
            assertEquals(List.of("test: outer", "test: inner", "test: outer"), steps);
            assertEquals(
                    before,
                    spark.sparkContext().getLocalProperty("spark.job.description"),
                    "the caller's description is back");
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
    }
}
