package io.c360.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.silver.Comparisons;
import io.c360.silver.MatchingConfig;
import io.c360.test.SparkExtension;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The reachable pairs and the threshold sweep, on tables small enough to count by hand. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class EvaluationMeasuresTest {
    private static final MatchingConfig MATCHING = MatchingConfig.parse("matching.yaml", """
            blocking: {rules: [{name: given_name, keys: [given_name]}]}
            comparisons:
              - name: given_name
                levels: [{name: exact, when: 'l.given_name = r.given_name'}, {name: else}]
              - name: birth_date
                levels: [{name: exact, when: 'l.birth_date = r.birth_date'}, {name: else}]
            model: {}
            """);

    private final SparkSession spark;

    EvaluationMeasuresTest(SparkSession spark) {
        this.spark = spark;
        Comparisons.registerFunctions(spark);
    }

    @Test
    void aTruePairThatSharesNothingIsOutOfReach() {
        // ann: two records sharing a given name; carl/karl: one person sharing nothing; the two records of
        // eve share an identity; dan's first and last records share nothing, but each shares something
        // with the middle one.
        Dataset<Row> records = rows(
                "record_key string, node string, truth string, input string",
                RowFactory.create("r1", "n1", "ann", "a"),
                RowFactory.create("r2", "n2", "ann", "a"),
                RowFactory.create("r3", "n3", "carl", "a"),
                RowFactory.create("r4", "n4", "carl", "a"),
                RowFactory.create("r5", "n5", "eve", "a"),
                RowFactory.create("r6", "n5", "eve", "a"),
                RowFactory.create("d1", "n6", "dan", "a"),
                RowFactory.create("d2", "n7", "dan", "a"),
                RowFactory.create("d3", "n8", "dan", "a"));
        Dataset<Row> nodes = rows(
                "id string, given_name string, birth_date string",
                RowFactory.create("n1", "ann", "1980-01-02"),
                RowFactory.create("n2", "ann", "1981-02-03"),
                RowFactory.create("n3", "carl", "1970-03-04"),
                RowFactory.create("n4", "karl", null),
                RowFactory.create("n5", "eve", "1990-05-06"),
                RowFactory.create("n6", "dan", "1960-01-01"),
                RowFactory.create("n7", "dan", "1965-05-05"),
                RowFactory.create("n8", "daniel", "1965-05-05"));
        // The matcher found eve but kept ann's two records apart.
        Dataset<Row> clusters = rows(
                "record_key string, cluster string",
                RowFactory.create("r1", "c1"),
                RowFactory.create("r2", "c2"),
                RowFactory.create("r3", "c3"),
                RowFactory.create("r4", "c4"),
                RowFactory.create("r5", "c5"),
                RowFactory.create("r6", "c5"),
                RowFactory.create("d1", "c6"),
                RowFactory.create("d2", "c6"),
                RowFactory.create("d3", "c6"));

        Evaluation.Reachable r = Evaluation.reachable(records, clusters, nodes, MATCHING.comparisons(), false);

        assertEquals(4, r.alikePairs(), "ann's pair, eve's, and two of dan's three");
        assertEquals(5, r.reachablePairs(), "all but carl/karl, who share nothing");
        assertEquals(5.0 / 6, r.share(), 1e-9);
        assertEquals(4, r.foundPairs(), "eve's and dan's; ann's two records were kept apart");
        assertEquals(0.8, r.recall(), 1e-9);
    }

    @Test
    void theSweepFindsTheThresholdWithTheBestF1() {
        // Three true pairs: a1-a2, b1-b2, c1-c2. The model scores them 0.95, 0.7 and 0.3, and a false
        // pair 0.6: at 0.7 two true pairs and nothing false are taken (F1 0.8); at 0.6 a false one joins
        // (F1 0.67); at 0.3 all three and the false one (F1 0.86).
        Dataset<Row> records = rows(
                "record_key string, node string, truth string, input string",
                RowFactory.create("a1", "a1", "a", "x"),
                RowFactory.create("a2", "a2", "a", "x"),
                RowFactory.create("b1", "b1", "b", "x"),
                RowFactory.create("b2", "b2", "b", "x"),
                RowFactory.create("c1", "c1", "c", "x"),
                RowFactory.create("c2", "c2", "c", "x"));
        Dataset<Row> pairs = rows(
                "l_id string, r_id string, match_probability double, decision string",
                RowFactory.create("a1", "a2", 0.95, "linked"),
                RowFactory.create("b1", "b2", 0.7, "non_link"),
                RowFactory.create("c1", "c2", 0.3, "non_link"),
                RowFactory.create("a1", "b1", 0.6, "non_link"),
                RowFactory.create("a2", "c1", 0.99, "vetoed"));

        Evaluation.Sweep sweep = Evaluation.sweep(records, pairs, false, 0.85);

        assertEquals(0.3, sweep.best().threshold(), 1e-9);
        assertEquals(6.0 / 7, sweep.best().f1(), 1e-9);
        Evaluation.SweepPoint at07 = sweep.points().stream()
                .filter(p -> p.threshold() == 0.7)
                .findFirst()
                .orElseThrow();
        assertEquals(2, at07.predictedPairs(), "the vetoed pair is never taken");
        assertEquals(1.0, at07.precision(), 1e-9);
        assertTrue(
                sweep.points().stream().anyMatch(p -> p.threshold() == 0.85),
                "the configured link threshold is measured");
    }

    private Dataset<Row> rows(String schema, Row... rows) {
        return spark.createDataFrame(List.of(rows), StructType.fromDDL(schema));
    }
}
