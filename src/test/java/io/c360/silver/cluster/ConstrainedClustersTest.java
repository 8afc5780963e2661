package io.c360.silver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
@Tag("spark")
class ConstrainedClustersTest {
    private static final StructType COMPONENTS =
            new StructType().add("record_key", DataTypes.StringType).add("component", DataTypes.StringType);
    private static final StructType EDGES = new StructType()
            .add("l", DataTypes.StringType)
            .add("r", DataTypes.StringType)
            .add("weight", DataTypes.DoubleType);
    private static final StructType PAIRS =
            new StructType().add("l", DataTypes.StringType).add("r", DataTypes.StringType);
    private final SparkSession spark;

    ConstrainedClustersTest(SparkSession spark) {
        this.spark = spark;
    }

    /** The input of split: record → component label. */
    private Dataset<Row> components(Map<String, String> componentByKey) {
        return spark.createDataFrame(
                componentByKey.entrySet().stream()
                        .map(e -> RowFactory.create(e.getKey(), e.getValue()))
                        .toList(),
                COMPONENTS);
    }

    private Dataset<Row> edges(Object... lrw) {
        Row[] rows = new Row[lrw.length / 3];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = RowFactory.create(lrw[3 * i], lrw[3 * i + 1], lrw[3 * i + 2]);
        }
        return spark.createDataFrame(Arrays.asList(rows), EDGES);
    }

    private Dataset<Row> vetoes(String... lr) {
        Row[] rows = new Row[lr.length / 2];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = RowFactory.create(lr[2 * i], lr[2 * i + 1]);
        }
        return spark.createDataFrame(Arrays.asList(rows), PAIRS);
    }

    private static Map<String, String> asMap(Dataset<Row> clusters) {
        Map<String, String> m = new TreeMap<>();
        for (Row r : clusters.collectAsList()) {
            assertEquals(null, m.put(r.getString(0), r.getString(1)), "one row per record");
        }
        return m;
    }

    private static Map<String, String> oneComponent(String component, String... keys) {
        Map<String, String> m = new HashMap<>();
        for (String k : keys) {
            m.put(k, component);
        }
        return m;
    }

    @Test
    void aVetoInAChainDropsTheWeakestLinkBetweenItsEnds() {
        Dataset<Row> edges = edges("A", "B", 0.9, "C", "B", 0.4, "C", "D", 0.8);

        Map<String, String> clusters = asMap(
                ConstrainedClusters.split(components(oneComponent("A", "A", "B", "C", "D")), edges, vetoes("D", "A")));

        assertEquals(Map.of("A", "A", "B", "A", "C", "C", "D", "C"), clusters);
    }

    @Test
    void aVetoAcrossAStrongPathCutsOnlyTheWeakLink() {
        // A hangs on B by a weak link; B..E are strongly linked; A and E must not be together.
        Dataset<Row> edges = edges("A", "B", 0.3, "B", "C", 0.9, "C", "D", 0.95, "D", "E", 0.9, "B", "D", 0.7);

        Map<String, String> clusters = asMap(ConstrainedClusters.split(
                components(oneComponent("A", "A", "B", "C", "D", "E")), edges, vetoes("A", "E")));

        assertEquals(Map.of("A", "A", "B", "B", "C", "B", "D", "B", "E", "B"), clusters);
    }

    @Test
    void componentsWithoutAVetoInsideAreUntouched() {
        Map<String, String> components = new HashMap<>(oneComponent("A", "A", "B", "C"));
        components.putAll(oneComponent("P", "P", "Q", "R"));
        components.putAll(oneComponent("X", "X", "Y"));
        components.put("Z", "Z");
        Dataset<Row> edges = edges("A", "B", 0.9, "B", "C", 0.1, "P", "Q", 0.2, "Q", "R", 0.2, "X", "Y", 0.5);
        // Vetoes across components, of a record with itself, or to an unknown record change nothing.
        Dataset<Row> vetoes = vetoes("A", "P", "X", "X", "Y", "nobody", "C", "A");

        Map<String, String> expected = new TreeMap<>(components);
        expected.putAll(Map.of("A", "A", "B", "A", "C", "C"));
        assertEquals(expected, asMap(ConstrainedClusters.split(components(components), edges, vetoes)));
    }

    @Test
    void equalWeightsBreakTiesByTheSmallerKeyPair() {
        Dataset<Row> edges = edges("C", "B", 0.5, "B", "A", 0.5, "A", "B", 0.5);

        Map<String, String> clusters =
                asMap(ConstrainedClusters.split(components(oneComponent("A", "A", "B", "C")), edges, vetoes("C", "A")));

        assertEquals(Map.of("A", "A", "B", "A", "C", "C"), clusters);
    }

    @Test
    void severalVetoesInOneComponentAndRecordsWithoutLinks() {
        // A star around hub H (a shared junk value) with every leaf vetoed against every other.
        Dataset<Row> edges = edges("H", "a", 0.2, "H", "b", 0.3, "H", "c", 0.1);
        Map<String, String> components = oneComponent("H", "H", "a", "b", "c", "lonely");

        Map<String, String> clusters = asMap(ConstrainedClusters.split(
                components(components), edges, vetoes("a", "b", "b", "c", "a", "c", "lonely", "H")));

        assertEquals(Map.of("H", "H", "a", "a", "b", "H", "c", "c", "lonely", "lonely"), clusters);
    }
}
