package io.c360.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.SparkExtension;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quality floors on the labelled data sets beside the checkout (shared/datasets), run through the
 * shipped example configurations exactly as {@code c360 evaluate} runs them. The floors sit below the
 * figures in docs/BENCHMARKS.md so that a regression, not noise, fails the build.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
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
        assertTrue(
                r.blockingRules().stream().anyMatch(b -> b.rule().equals("national_id") && b.recall() > 0.5),
                "per-rule figures: " + r.blockingRules());
    }

    @Test
    void fake1000WithoutLabelsStaysAboveItsFloor() {
        Evaluation.Report r =
                Evaluation.run(spark, Evaluation.Spec.load(Path.of("conf/examples/fake_1000.yaml")), false);
        assertEquals(2031, r.truePairs(), "fake_1000 has 2,031 true pairs");
        assertTrue(r.pairwise().f1() >= 0.88, "pairwise F1 " + r.pairwise());
    }

    @Test
    void clustersJoiningTwinsAreCounted() {
        org.apache.spark.sql.types.StructType recordSchema = new org.apache.spark.sql.types.StructType()
                .add("record_key", "string")
                .add("node", "string")
                .add("truth", "string");
        org.apache.spark.sql.types.StructType clusterSchema = new org.apache.spark.sql.types.StructType()
                .add("record_key", "string")
                .add("cluster", "string");
        var records = spark.createDataFrame(
                java.util.List.of(
                        org.apache.spark.sql.RowFactory.create("r1", "n1", "ann"),
                                org.apache.spark.sql.RowFactory.create("r2", "n2", "amy"),
                        org.apache.spark.sql.RowFactory.create("r3", "n3", "bob"),
                                org.apache.spark.sql.RowFactory.create("r4", "n4", "ben")),
                recordSchema);
        var clusters = spark.createDataFrame(
                java.util.List.of(
                        org.apache.spark.sql.RowFactory.create("r1", "c1"),
                                org.apache.spark.sql.RowFactory.create("r2", "c1"),
                        org.apache.spark.sql.RowFactory.create("r3", "c2"),
                                org.apache.spark.sql.RowFactory.create("r4", "c3")),
                clusterSchema);
        var twins = spark.createDataFrame(
                java.util.List.of(
                        org.apache.spark.sql.RowFactory.create("ann", "amy"),
                        org.apache.spark.sql.RowFactory.create("bob", "ben")),
                new org.apache.spark.sql.types.StructType().add("a", "string").add("b", "string"));
        var pairs = spark.createDataFrame(
                java.util.List.of(org.apache.spark.sql.RowFactory.create("n1", "n2")),
                new org.apache.spark.sql.types.StructType()
                        .add("l_id", "string")
                        .add("r_id", "string"));

        Evaluation.Report r = Evaluation.report(
                "twins",
                records,
                clusters,
                pairs,
                0.9,
                java.util.List.of(),
                java.util.Optional.of(twins),
                java.time.Instant.now());

        assertEquals(1L, r.clustersJoiningTwins(), "ann and amy share c1; bob and ben are apart");
        assertEquals(1, r.overMergedClusters());
    }
}
