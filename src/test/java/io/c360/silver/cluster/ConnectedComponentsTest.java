package io.c360.silver.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.test.SparkExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
class ConnectedComponentsTest {
    private static final StructType EDGES =
            new StructType().add("l", DataTypes.StringType).add("r", DataTypes.StringType);
    /** A driver limit of no edge: every graph runs in rounds on the executors. */
    private static final long ON_EXECUTORS = 0;
    /** A driver limit no test graph reaches: every graph is solved on the driver. */
    private static final long ON_DRIVER = Long.MAX_VALUE;

    private final SparkSession spark;

    ConnectedComponentsTest(SparkSession spark) {
        this.spark = spark;
    }

    private Dataset<Row> nodes(List<String> keys) {
        return spark.createDataset(keys, Encoders.STRING()).toDF("record_key");
    }

    private Dataset<Row> edges(List<String[]> pairs) {
        return spark.createDataFrame(
                pairs.stream().map(p -> RowFactory.create(p[0], p[1])).toList(), EDGES);
    }

    private static Map<String, String> asMap(Dataset<Row> components) {
        Map<String, String> m = new TreeMap<>();
        for (Row r : components.collectAsList()) {
            assertEquals(null, m.put(r.getString(0), r.getString(1)), "one row per record");
        }
        return m;
    }

    private static String key(int i) {
        return String.format("r%05d", i);
    }

    @Test
    void aLongChainIsOneComponentInFewRounds() {
        int n = 2000;
        List<String> keys =
                IntStream.range(0, n).mapToObj(ConnectedComponentsTest::key).toList();
        // Keys ascending along the chain: label propagation would need one round per record.
        List<String[]> chain = IntStream.range(1, n)
                .mapToObj(i -> new String[] {key(i), key(i - 1)})
                .toList();

        ConnectedComponents.Run run = ConnectedComponents.run(nodes(keys), edges(chain), 40, ON_EXECUTORS);

        Map<String, String> components = asMap(run.components());
        assertEquals(n, components.size());
        assertEquals(Collections.singleton(key(0)), Set.copyOf(components.values()));
        assertTrue(run.rounds() < 20, "a chain of " + n + " took " + run.rounds() + " rounds");
    }

    @Test
    void aGiantStarIsOneComponent() {
        int leaves = 5000;
        String hub = "m-hub"; // sorts in the middle of the leaves, so the hub is not the component's label
        List<String> keys = new ArrayList<>(IntStream.range(0, leaves)
                .mapToObj(i -> (i % 2 == 0 ? "a" : "z") + i)
                .toList());
        keys.add(hub);
        List<String[]> spokes = keys.stream()
                .filter(k -> !k.equals(hub))
                .map(k -> new String[] {hub, k})
                .toList();

        ConnectedComponents.Run run = ConnectedComponents.run(nodes(keys), edges(spokes), 10, ON_EXECUTORS);

        Map<String, String> components = asMap(run.components());
        assertEquals(leaves + 1, components.size());
        assertEquals(Collections.singleton("a0"), Set.copyOf(components.values()));
        assertTrue(run.rounds() <= 3, "a star took " + run.rounds() + " rounds");
    }

    @Test
    void disjointComponentsAndIsolatedNodes() {
        Dataset<Row> nodes = nodes(List.of("c", "a", "b", "e", "d", "f", "g"));
        Dataset<Row> edges = edges(List.of(
                new String[] {"c", "b"},
                new String[] {"b", "a"},
                new String[] {"e", "d"},
                new String[] {"g", "unknown"},
                new String[] {"unknown", "a"}));

        Map<String, String> expected = Map.of("a", "a", "b", "a", "c", "a", "d", "d", "e", "d", "f", "f", "g", "g");
        assertEquals(
                expected,
                asMap(ConnectedComponents.run(nodes, edges, 10, ON_EXECUTORS).components()));
        assertEquals(
                expected,
                asMap(ConnectedComponents.run(nodes, edges, 10, ON_DRIVER).components()));
    }

    @Test
    void duplicateEdgesSelfLoopsAndNullsAreHarmless() {
        Dataset<Row> nodes = nodes(List.of("a", "b", "c", "d", "d"));
        Dataset<Row> edges = edges(List.of(
                new String[] {"a", "b"},
                new String[] {"b", "a"},
                new String[] {"a", "b"},
                new String[] {"c", "c"},
                new String[] {"d", null},
                new String[] {null, null}));

        Map<String, String> expected = Map.of("a", "a", "b", "a", "c", "c", "d", "d");
        assertEquals(
                expected,
                asMap(ConnectedComponents.run(nodes, edges, 10, ON_EXECUTORS).components()));
        assertEquals(
                expected,
                asMap(ConnectedComponents.run(nodes, edges, 10, ON_DRIVER).components()));
    }

    @Test
    void theSameGraphInAnotherOrderGivesTheSameComponents() {
        List<String> keys =
                IntStream.range(0, 300).mapToObj(ConnectedComponentsTest::key).toList();
        List<String[]> pairs = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            pairs.add(new String[] {keys.get(random.nextInt(300)), keys.get(random.nextInt(300))});
        }
        List<String[]> reordered =
                pairs.stream().map(p -> new String[] {p[1], p[0]}).collect(Collectors.toList());
        Collections.shuffle(reordered, new Random(11));
        List<String> shuffledKeys = new ArrayList<>(keys);
        Collections.shuffle(shuffledKeys, new Random(13));

        Map<String, String> first = asMap(ConnectedComponents.run(nodes(keys), edges(pairs), 30, ON_EXECUTORS)
                .components());
        Map<String, String> second = asMap(ConnectedComponents.run(
                        nodes(shuffledKeys).repartition(3), edges(reordered).repartition(5), 30, ON_EXECUTORS)
                .components());
        ConnectedComponents.Run onDriver = ConnectedComponents.run(
                nodes(shuffledKeys).repartition(3), edges(reordered).repartition(5), 30, ON_DRIVER);

        assertEquals(first, second);
        assertEquals(first, unionFind(keys, pairs), "same as a sequential union-find");
        assertEquals(first, asMap(onDriver.components()), "the driver's union-find gives the same components");
        assertEquals(0, onDriver.rounds());
    }

    @Test
    void notConvergingWithinTheLimitIsAnError() {
        List<String> keys =
                IntStream.range(0, 64).mapToObj(ConnectedComponentsTest::key).toList();
        List<String[]> chain = IntStream.range(1, 64)
                .mapToObj(i -> new String[] {key(i - 1), key(i)})
                .toList();

        C360Exception e = assertThrows(
                C360Exception.class, () -> ConnectedComponents.run(nodes(keys), edges(chain), 2, ON_EXECUTORS));
        assertTrue(e.getMessage().contains("did not converge in 2 iterations"), e.getMessage());
    }

    /** Reference components: smallest key per set of a plain union-find. */
    private static Map<String, String> unionFind(List<String> keys, List<String[]> pairs) {
        Map<String, String> parent = new TreeMap<>();
        keys.forEach(k -> parent.put(k, k));
        for (String[] p : pairs) {
            String a = root(parent, p[0]);
            String b = root(parent, p[1]);
            parent.put(a.compareTo(b) < 0 ? b : a, a.compareTo(b) < 0 ? a : b);
        }
        Map<String, String> out = new TreeMap<>();
        keys.forEach(k -> out.put(k, root(parent, k)));
        return out;
    }

    private static String root(Map<String, String> parent, String k) {
        while (!parent.get(k).equals(k)) {
            k = parent.get(k);
        }
        return k;
    }
}
