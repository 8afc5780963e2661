package io.c360.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.silver.MatchingConfig;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
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
        assertTrue(r.pairwise().f1() >= 0.94, "pairwise F1 " + r.pairwise());
    }

    @Test
    void clustersJoiningTwinsAreCounted() {
        var records = rows(
                "record_key string, node string, truth string, input string",
                List.of(
                        RowFactory.create("r1", "n1", "ann", "a"),
                        RowFactory.create("r2", "n2", "amy", "a"),
                        RowFactory.create("r3", "n3", "bob", "a"),
                        RowFactory.create("r4", "n4", "ben", "a")));
        var clusters = rows(
                "record_key string, cluster string",
                List.of(
                        RowFactory.create("r1", "c1"),
                        RowFactory.create("r2", "c1"),
                        RowFactory.create("r3", "c2"),
                        RowFactory.create("r4", "c3")));
        var twins =
                rows("a string, b string", List.of(RowFactory.create("ann", "amy"), RowFactory.create("bob", "ben")));
        var pairs = rows(
                "l_id string, r_id string, match_probability double, decision string",
                List.of(RowFactory.create("n1", "n2", 0.95, "linked")));

        Evaluation.Report r = Evaluation.report(
                "twins",
                new Evaluation.Resolved(
                        records,
                        clusters,
                        pairs,
                        Optional.empty(),
                        MatchingConfig.load(Path.of("conf/examples/febrl-matching.yaml")),
                        Optional.empty(),
                        List.of(),
                        Optional.of(twins),
                        false,
                        0),
                Instant.now());

        assertEquals(1L, r.clustersJoiningTwins(), "ann and amy share c1; bob and ben are apart");
        assertEquals(1, r.overMergedClusters());
    }

    private Dataset<Row> rows(String schema, List<Row> rows) {
        return spark.createDataFrame(rows, StructType.fromDDL(schema));
    }
}
