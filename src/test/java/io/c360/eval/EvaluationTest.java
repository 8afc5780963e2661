package io.c360.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.SparkExtension;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quality floors on the labelled data sets beside the checkout (shared/datasets), run through the
 * shipped example configurations exactly as {@code c360 evaluate} runs them. The floors sit below the
 * figures in docs/BENCHMARKS.md so that a regression, not noise, fails the build.
 */
@ExtendWith(SparkExtension.class)
class EvaluationTest {
  private final SparkSession spark;

  EvaluationTest(SparkSession spark) {
    this.spark = spark;
  }

  @Test
  void febrl1WithoutLabelsStaysAboveItsFloor() {
    Evaluation.Report r = Evaluation.run(spark, Evaluation.Spec.load(Path.of("conf/examples/febrl1.yaml")), true);
    assertEquals(1000, r.records());
    assertEquals(500, r.truePairs(), "FEBRL dataset1 has 500 true pairs");
    assertTrue(r.pairwise().f1() >= 0.99, "pairwise F1 " + r.pairwise());
    assertTrue(r.blockingRecall() >= 0.98, "blocking recall " + r.blockingRecall());
    assertEquals(0, r.overMergedClusters());
    assertTrue(r.blockingRules().stream().anyMatch(b -> b.rule().equals("national_id") && b.recall() > 0.5),
        "per-rule figures: " + r.blockingRules());
  }

  @Test
  void fake1000WithoutLabelsStaysAboveItsFloor() {
    Evaluation.Report r = Evaluation.run(spark, Evaluation.Spec.load(Path.of("conf/examples/fake_1000.yaml")), false);
    assertEquals(2031, r.truePairs(), "fake_1000 has 2,031 true pairs");
    assertTrue(r.pairwise().f1() >= 0.88, "pairwise F1 " + r.pairwise());
  }
}
