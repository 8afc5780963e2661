package io.c360.silver.cluster;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;

import io.c360.C360Exception;
import io.c360.lake.Checkpoints;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Connected components of the record graph, labelled by their smallest record key (so the label
 * depends on the graph only, not on partitioning or order).
 *
 * <p>Runs on the executors as the alternating Large-Star / Small-Star algorithm (Kiveris et al.,
 * "Connected Components in MapReduce and Beyond", 2014) over an edge DataFrame: each round rewires
 * every node towards the smallest node it can see, so a chain of n records needs about log2(n)
 * rounds instead of the n rounds of label propagation, and a hub linked to every record (the giant
 * component a shared junk value produces) settles in two rounds. The number of distinct edges
 * never grows beyond the input's. A round is one action (two shuffles) that materializes the new
 * edges with {@code localCheckpoint}, cutting the lineage so round k does not replan rounds
 * 1..k-1 (blocks of earlier rounds are freed by Spark's context cleaner once unreferenced), plus a
 * look for an edge that changed: the run has converged when none did, which is exactly when every
 * component is a star around its smallest key.
 *
 * <p>A graph whose edges fit comfortably in the driver's memory ({@link #driverEdgeLimit}) is solved
 * there instead, by union-find over the collected edges: the same components, without the rounds'
 * fixed cost of a few Spark jobs each.
 */
public final class ConnectedComponents {
    public static final String RECORD_KEY = "record_key";
    public static final String COMPONENT = "component";
    static final String LEFT = "l";
    static final String RIGHT = "r";
    private static final String HI = "hi";
    private static final String LO = "lo";
    private static final String NODE = "node";
    private static final String NUMBER = "number";
    private static final String NEIGHBOUR = "neighbour";
    private static final String CENTER = "center";
    private static final String CHANGED = "changed";

    private ConnectedComponents() {}

    /** The components and the number of rounds they took to converge (0 when solved on the driver). */
    record Run(Dataset<Row> components, int rounds) {}

    /**
     * {@code record_key, component} for every node, materialized; an isolated node is its own component. Edges
     * ({@code l, r}) are undirected; duplicates, self loops and nulls are harmless, and an edge to a
     * key that is not a node is ignored (it would join components through a record nobody sees).
     *
     * @throws C360Exception if the components have not converged after {@code maxIterations} rounds
     */
    public static Dataset<Row> of(Dataset<Row> nodes, Dataset<Row> edges, int maxIterations) {
        return run(nodes, edges, maxIterations).components();
    }

    static Run run(Dataset<Row> nodes, Dataset<Row> edges, int maxIterations) {
        return run(nodes, edges, maxIterations, driverEdgeLimit());
    }

    /**
     * @param driverEdges the most edges solved on the driver; a larger graph runs in rounds on the executors
     */
    static Run run(Dataset<Row> nodes, Dataset<Row> edges, int maxIterations, long driverEdges) {
        if (maxIterations < 1) {
            throw new C360Exception("connected components need at least 1 iteration, got " + maxIterations);
        }
        // Rounds run between 8-byte numbers given in key order, not the keys themselves (64-character
        // signatures in silver): every round shuffles all edges twice. Materialized, so numbers stay put.
        Dataset<Row> numbered = nodes.select(col(RECORD_KEY))
                .where(col(RECORD_KEY).isNotNull())
                .distinct()
                .orderBy(RECORD_KEY)
                .withColumn(NUMBER, monotonically_increasing_id())
                .localCheckpoint(true);
        Dataset<Row> oriented = orientedEdges(edges, numbered).localCheckpoint(true);
        if (oriented.count() <= driverEdges) {
            Dataset<Row> components = label(numbered, onDriver(oriented)).localCheckpoint(true);
            Checkpoints.release(numbered, oriented);
            return new Run(components, 0);
        }
        Dataset<Row> current = oriented;
        for (int round = 1; round <= maxIterations; round++) {
            Dataset<Row> previous = current;
            current = smallStar(largeStar(previous)).localCheckpoint(true);
            Checkpoints.release(previous);
            if (current.where(col(CHANGED)).isEmpty()) {
                Dataset<Row> components = label(numbered, current).localCheckpoint(true);
                Checkpoints.release(numbered, oriented, current);
                return new Run(components, round);
            }
        }
        throw new C360Exception("connected components did not converge in " + maxIterations
                + " iterations; raise the limit (a component of n records typically needs about log2(n))");
    }

    /**
     * How many edges the driver solves itself: a round on the executors costs a few Spark jobs whatever
     * the graph's size, while union-find over the collected edges is instant. An edge collected takes
     * about 100 bytes of heap while it is read, so this keeps that within a twentieth of the driver's.
     */
    static long driverEdgeLimit() {
        return Runtime.getRuntime().maxMemory() / 2000;
    }

    /**
     * Union-find over the collected edges ({@code hi, lo}), each root the smallest number of its
     * component: every node of an edge that is not its component's smallest, with that smallest
     * ({@code hi, lo}), as the executors' rounds end.
     */
    private static Dataset<Row> onDriver(Dataset<Row> oriented) {
        List<Row> rows = oriented.collectAsList();
        long[] hi = new long[rows.size()];
        long[] lo = new long[rows.size()];
        for (int i = 0; i < hi.length; i++) {
            hi[i] = rows.get(i).getLong(0);
            lo[i] = rows.get(i).getLong(1);
        }
        long[] numbers = LongStream.concat(LongStream.of(hi), LongStream.of(lo))
                .sorted()
                .distinct()
                .toArray();
        int[] parent = IntStream.range(0, numbers.length).toArray();
        for (int i = 0; i < hi.length; i++) {
            int a = root(parent, Arrays.binarySearch(numbers, hi[i]));
            int b = root(parent, Arrays.binarySearch(numbers, lo[i]));
            // Numbers ascend with the index, so the smaller index is the smaller number.
            parent[Math.max(a, b)] = Math.min(a, b);
        }
        List<Row> stars = new ArrayList<>();
        for (int i = 0; i < numbers.length; i++) {
            int r = root(parent, i);
            if (r != i) {
                stars.add(RowFactory.create(numbers[i], numbers[r]));
            }
        }
        StructType schema = new StructType().add(HI, DataTypes.LongType, false).add(LO, DataTypes.LongType, false);
        return oriented.sparkSession().createDataFrame(stars, schema);
    }

    /** The root of {@code i}, halving the path on the way. */
    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    /** Undirected edges as {@code hi > lo} between the numbers of known nodes only. */
    private static Dataset<Row> orientedEdges(Dataset<Row> edges, Dataset<Row> numbered) {
        Column l = col(LEFT);
        Column r = col(RIGHT);
        return edges.select(l, r)
                .where(l.isNotNull().and(r.isNotNull()).and(l.notEqual(r)))
                .join(numbered.select(col(RECORD_KEY).as(LEFT), col(NUMBER).as("l_number")), LEFT)
                .join(numbered.select(col(RECORD_KEY).as(RIGHT), col(NUMBER).as("r_number")), RIGHT)
                .select(
                        greatest(col("l_number"), col("r_number")).as(HI),
                        least(col("l_number"), col("r_number")).as(LO));
    }

    /**
     * Large-Star: every node links its larger neighbours to the smallest of itself and its
     * neighbours. An output edge has changed when that smallest is not the node itself. The
     * adjacency is partitioned by node once: its de-duplication and the window both reuse that
     * shuffle, so a round costs two shuffles (this one and Small-Star's).
     */
    private static Dataset<Row> largeStar(Dataset<Row> edges) {
        Dataset<Row> adjacency = edges.select(col(HI).as(NODE), col(LO).as(NEIGHBOUR))
                .union(edges.select(col(LO).as(NODE), col(HI).as(NEIGHBOUR)))
                .repartition(col(NODE))
                .dropDuplicates(NODE, NEIGHBOUR);
        Column center = least(col(NODE), min(NEIGHBOUR).over(Window.partitionBy(NODE)));
        return adjacency
                .withColumn(CENTER, center)
                .where(col(NEIGHBOUR).gt(col(NODE)))
                .select(
                        col(NEIGHBOUR).as(HI),
                        col(CENTER).as(LO),
                        col(CENTER).lt(col(NODE)).as(CHANGED));
    }

    /**
     * Small-Star: every node links itself and its smaller neighbours to the smallest of them. A
     * node's edges change when it has more than one smaller neighbour; earlier changes carry over.
     * Duplicate output edges are removed by the next Large-Star.
     */
    private static Dataset<Row> smallStar(Dataset<Row> edges) {
        WindowSpec byHi = Window.partitionBy(HI);
        Column center = min(LO).over(byHi);
        Column severalSmaller = center.notEqual(max(LO).over(byHi));
        return edges.select(
                        col(HI),
                        col(LO),
                        center.as(CENTER),
                        col(CHANGED).or(severalSmaller).as(CHANGED))
                .select(
                        explode(array(
                                        struct(col(HI).as(HI), col(CENTER).as(LO)),
                                        struct(col(LO).as(HI), col(CENTER).as(LO))))
                                .as("edge"),
                        col(CHANGED))
                .select(col("edge." + HI).as(HI), col("edge." + LO).as(LO), col(CHANGED))
                .where(col(HI).notEqual(col(LO)));
    }

    /**
     * At convergence every non-center node has one distinct edge, to its component's smallest number:
     * the number of its smallest key.
     */
    private static Dataset<Row> label(Dataset<Row> numbered, Dataset<Row> stars) {
        Dataset<Row> centers =
                stars.select(col(HI).as(NUMBER), col(LO).as(CENTER)).distinct();
        Dataset<Row> centerKeys =
                numbered.select(col(NUMBER).as(CENTER), col(RECORD_KEY).as(COMPONENT));
        return numbered.join(centers, NUMBER, "left")
                .select(col(RECORD_KEY), coalesce(col(CENTER), col(NUMBER)).as(CENTER))
                .join(centerKeys, CENTER)
                .select(col(RECORD_KEY), col(COMPONENT));
    }
}
