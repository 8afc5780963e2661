package io.c360.silver.cluster;

import static io.c360.silver.cluster.ConnectedComponents.COMPONENT;
import static io.c360.silver.cluster.ConnectedComponents.LEFT;
import static io.c360.silver.cluster.ConnectedComponents.RECORD_KEY;
import static io.c360.silver.cluster.ConnectedComponents.RIGHT;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Clusters from connected components that respect cannot-link vetoes.
 *
 * <p>Transitive closure over-merges: A–B and C–D are strong, B–C is weak, and the component puts A
 * with D although a veto (say, two different national ids) says they are different people. A
 * component without a veto inside keeps its label as cluster. A component with one is re-clustered
 * by a constrained Kruskal: its edges are taken strongest first (ties by the smaller key pair, so
 * the result does not depend on order), and each unites its endpoints' sets unless that would put
 * a vetoed pair into one set. The edges dropped are therefore the weakest ones on every path
 * between a vetoed pair, and everything not separated by a veto stays together. Each resulting set
 * is a cluster labelled by its smallest record key.
 *
 * <p>The re-clustering runs on the executors, one task per vetoed component ({@code groupByKey} +
 * {@code flatMapGroups}), so such a component's edges must fit in one executor's memory; blocking
 * is what keeps components small.
 */
public final class ConstrainedClusters {
    public static final String CLUSTER = "cluster";
    public static final String WEIGHT = "weight";
    private static final String KIND = "kind";
    private static final String MEMBER = "member";
    private static final String LINK = "link";
    private static final String VETO = "veto";
    private static final StructType CLUSTERS =
            new StructType().add(RECORD_KEY, DataTypes.StringType, false).add(CLUSTER, DataTypes.StringType, false);
    private static final Comparator<Link> STRONGEST_FIRST = Comparator.comparing(
                    Link::weight, Comparator.nullsLast(Comparator.<Double>reverseOrder()))
            .thenComparing(Link::l)
            .thenComparing(Link::r);

    private ConstrainedClusters() {}

    /**
     * {@code record_key, cluster} for every record of {@code components} ({@code record_key,
     * component}). {@code edges} ({@code l, r, weight}; higher is stronger, a null weight is weakest)
     * are the links the components were built from; {@code cannotLink} ({@code l, r}) pairs must end
     * in different clusters. A veto between different components, or of a record with itself, changes
     * nothing.
     */
    public static Dataset<Row> split(Dataset<Row> components, Dataset<Row> edges, Dataset<Row> cannotLink) {
        Dataset<Row> membership = components.select(col(RECORD_KEY), col(COMPONENT));
        // Materialized: the vetoes are read three times below, and what they come from is costly.
        Dataset<Row> vetoes = insideOneComponent(cannotLink.select(col(LEFT), col(RIGHT)), membership)
                .localCheckpoint(true);
        Dataset<Row> vetoedComponents = vetoes.select(COMPONENT).distinct();
        // Usually a small share of the records: the links are found by joining with them, not with every record.
        Dataset<Row> members =
                membership.join(vetoedComponents, COMPONENT, "left_semi").localCheckpoint(true);
        Dataset<Row> links = insideOneComponent(
                edges.select(col(LEFT), col(RIGHT), col(WEIGHT).cast("double")), members);

        Dataset<Row> reclustered = members.select(
                        col(COMPONENT),
                        lit(MEMBER).as(KIND),
                        col(RECORD_KEY).as(LEFT),
                        lit(null).cast("string").as(RIGHT),
                        lit(null).cast("double").as(WEIGHT))
                .unionByName(links.select(col(COMPONENT), lit(LINK).as(KIND), col(LEFT), col(RIGHT), col(WEIGHT)))
                .unionByName(vetoes.select(
                        col(COMPONENT),
                        lit(VETO).as(KIND),
                        col(LEFT),
                        col(RIGHT),
                        lit(null).cast("double").as(WEIGHT)))
                .groupByKey((MapFunction<Row, String>) row -> row.getAs(COMPONENT), Encoders.STRING())
                .flatMapGroups(
                        (FlatMapGroupsFunction<String, Row, Row>) ConstrainedClusters::recluster,
                        Encoders.row(CLUSTERS));
        Dataset<Row> untouched = membership
                .join(vetoedComponents, COMPONENT, "left_anti")
                .select(col(RECORD_KEY), col(COMPONENT).as(CLUSTER));
        return untouched.unionByName(reclustered);
    }

    /** The pairs whose two keys share a component, with that component; other pairs are dropped. */
    private static Dataset<Row> insideOneComponent(Dataset<Row> pairs, Dataset<Row> membership) {
        return pairs.where(col(LEFT).notEqual(col(RIGHT)))
                .join(membership.select(col(RECORD_KEY).as(LEFT), col(COMPONENT).as("l_component")), LEFT)
                .join(
                        membership.select(
                                col(RECORD_KEY).as(RIGHT), col(COMPONENT).as("r_component")),
                        RIGHT)
                .where(col("l_component").equalTo(col("r_component")))
                .withColumnRenamed("l_component", COMPONENT)
                .drop("r_component");
    }

    /** The constrained Kruskal over one component's members, links and vetoes. */
    private static Iterator<Row> recluster(String component, Iterator<Row> rows) {
        VetoedUnionFind sets = new VetoedUnionFind();
        List<Link> links = new ArrayList<>();
        while (rows.hasNext()) {
            Row row = rows.next();
            String l = row.getAs(LEFT);
            String r = row.getAs(RIGHT);
            switch (row.<String>getAs(KIND)) {
                case MEMBER -> sets.add(l);
                case LINK -> links.add(Link.of(l, r, row.getAs(WEIGHT)));
                case VETO -> sets.veto(l, r);
            }
        }
        links.sort(STRONGEST_FIRST);
        for (Link link : links) {
            sets.unionUnlessVetoed(link.l(), link.r());
        }
        List<Row> out = new ArrayList<>();
        sets.clusters().forEach((key, cluster) -> out.add(RowFactory.create(key, cluster)));
        return out.iterator();
    }

    /** An undirected link with its endpoints in order, so ties break the same way in any input order. */
    private record Link(String l, String r, Double weight) {
        static Link of(String a, String b, Double weight) {
            return a.compareTo(b) <= 0 ? new Link(a, b, weight) : new Link(b, a, weight);
        }
    }
}
