package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.c360.silver.cluster.ConnectedComponents;
import io.c360.silver.cluster.ConstrainedClusters;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Identity records → clusters: match (score and decide pairs), then cluster the linked identities
 * into connected components and split any component holding a cannot-link pair at its weakest links.
 * Pure: used by the silver job and by {@code c360 evaluate} alike.
 */
public final class Resolver {
    /** A rule or steward link outweighs any model evidence when a component is split at a veto. */
    static final double DECIDED_LINK_WEIGHT = 1000.0;

    private Resolver() {}

    /**
     * The match result, the decided pairs (steward's word applied), {@code id, component, cluster} per
     * identity clustered and {@code record_key, cluster} per record of those identities (cluster labels
     * are per run, not stable ids).
     */
    public record Resolution(
            Matcher.Result matched, Dataset<Row> pairs, Dataset<Row> identityClusters, Dataset<Row> recordClusters) {}

    /**
     * @param steward steward decisions between identities: {@code l, r} (signatures, l &lt; r) and
     *     {@code decision} ({@code match} or {@code non_match}); they override the model for a
     *     candidate pair and, for any pair, join (match) or separate (non-match) the two identities
     * @param labels labelled identity pairs to estimate m from instead of EM (see {@link Matcher#run})
     */
    public static Resolution resolve(
            Dataset<Row> records,
            SilverConfig silver,
            Optional<FellegiSunter.Parameters> parameters,
            Dataset<Row> steward,
            Optional<Dataset<Row>> labels) {
        Matcher.Result matched = Matcher.run(records, silver.matching(), parameters, labels);
        Dataset<Row> pairs = withStewardDecisions(matched.pairs(), steward).localCheckpoint(true);
        return cluster(records, matched, pairs, matched.nodes().select("id"), silver, steward);
    }

    /**
     * Clusters of {@code identities} ({@code id}), which must be whole connected components of the
     * links among {@code pairs} and {@code steward} matches: all identities, or the part an
     * incremental run re-clusters.
     */
    public static Resolution cluster(
            Dataset<Row> records,
            Matcher.Result matched,
            Dataset<Row> pairs,
            Dataset<Row> identities,
            SilverConfig silver,
            Dataset<Row> steward) {
        Dataset<Row> nodes = identities.select(col("id").as(ConnectedComponents.RECORD_KEY));
        Dataset<Row> edges = links(pairs, steward);
        Dataset<Row> components = ConnectedComponents.of(nodes, edges.select("l", "r"), silver.maxClusterIterations());
        Dataset<Row> cannotLink = cannotLinkWithin(components, matched.nodes(), pairs, silver, matched.parameters())
                .union(steward.filter(col("decision").equalTo("non_match")).select("l", "r"));
        Dataset<Row> clusters = ConstrainedClusters.split(components, edges, cannotLink);
        Dataset<Row> identityClusters = components
                .join(clusters, ConnectedComponents.RECORD_KEY)
                .select(
                        col(ConnectedComponents.RECORD_KEY).as("id"),
                        col(ConnectedComponents.COMPONENT).as("component"),
                        col(ConstrainedClusters.CLUSTER).as("cluster"))
                .localCheckpoint(true);
        Dataset<Row> recordClusters = records.select(col(IdentityRecords.RECORD_KEY), col(IdentityRecords.SIGNATURE))
                .join(identityClusters.withColumnRenamed("id", IdentityRecords.SIGNATURE), IdentityRecords.SIGNATURE)
                .select(col(IdentityRecords.RECORD_KEY).as("record_key"), col("cluster"))
                .localCheckpoint(true);
        return new Resolution(matched, pairs, identityClusters, recordClusters);
    }

    /** The links clusters are built from ({@code l, r, weight}): linked pairs and steward matches, decided links outweighing the model's. */
    static Dataset<Row> links(Dataset<Row> pairs, Dataset<Row> steward) {
        Dataset<Row> edges = pairs.filter(
                        col("decision").isin(Matcher.LINKED, Matcher.LINKED_BY_RULE, Matcher.LINKED_BY_STEWARD))
                .select(
                        col(Blocking.LEFT).as("l"),
                        col(Blocking.RIGHT).as("r"),
                        when(col("decision").equalTo(Matcher.LINKED), col("match_weight"))
                                .otherwise(lit(DECIDED_LINK_WEIGHT))
                                .as(ConstrainedClusters.WEIGHT));
        Dataset<Row> stewardLinks = steward.filter(col("decision").equalTo("match"))
                .select(col("l"), col("r"), lit(DECIDED_LINK_WEIGHT).as(ConstrainedClusters.WEIGHT));
        return edges.unionByName(stewardLinks);
    }

    /** No steward decisions yet. */
    public static Dataset<Row> noStewardDecisions(org.apache.spark.sql.SparkSession spark) {
        return SilverConfig.emptyTable(spark, "l", "r", "decision");
    }

    /** A steward's word replaces the model's decision on the pairs it names. */
    /**
     * Steward decisions ({@code silver.steward_decisions}) with {@code latest}: whether a row is the newest
     * decision on its pair of records, in either order.
     */
    public static Dataset<Row> withLatest(Dataset<Row> decisions) {
        return decisions
                .withColumn(
                        "nth",
                        row_number()
                                .over(Window.partitionBy(
                                                expr("least(record_key_l, record_key_r)"),
                                                expr("greatest(record_key_l, record_key_r)"))
                                        .orderBy(desc("decided_at"))))
                .withColumn("latest", col("nth").equalTo(1))
                .drop("nth");
    }

    /**
     * The decisions that stand ({@code record_key_l < record_key_r, decision, decided_at}): the newest on each pair of
     * records, unless it revokes. What silver obeys and what the workbench shows as decided.
     */
    public static Dataset<Row> standing(Dataset<Row> decisions) {
        return withLatest(decisions)
                .filter(col("latest").and(col("decision").isin("match", "non_match")))
                .select(
                        expr("least(record_key_l, record_key_r)").as("record_key_l"),
                        expr("greatest(record_key_l, record_key_r)").as("record_key_r"),
                        col("decision"),
                        col("decided_at"));
    }

    static Dataset<Row> withStewardDecisions(Dataset<Row> pairs, Dataset<Row> steward) {
        Dataset<Row> s = steward.select(
                col("l").as("sd_l"), col("r").as("sd_r"), col("decision").as("steward_decision"));
        return pairs.join(
                        s,
                        pairs.col(Blocking.LEFT)
                                .equalTo(col("sd_l"))
                                .and(pairs.col(Blocking.RIGHT).equalTo(col("sd_r"))),
                        "left")
                .withColumn(
                        "decision",
                        when(col("steward_decision").equalTo("match"), lit(Matcher.LINKED_BY_STEWARD))
                                .when(col("steward_decision").equalTo("non_match"), lit(Matcher.NON_LINK_BY_STEWARD))
                                .otherwise(col("decision")))
                .drop("sd_l", "sd_r", "steward_decision");
    }

    /**
     * Pairs that must not share a cluster, among identities a component put together: vetoed and
     * steward-rejected candidate pairs, plus any pair of the component a cannot-link rule the model
     * applies hits (two identities joined only through others are checked too).
     */
    static Dataset<Row> cannotLinkWithin(
            Dataset<Row> components,
            Dataset<Row> nodes,
            Dataset<Row> pairs,
            SilverConfig silver,
            FellegiSunter.Parameters parameters) {
        Dataset<Row> direct = pairs.filter(col("decision").isin(Matcher.VETOED, Matcher.NON_LINK_BY_STEWARD))
                .select(col(Blocking.LEFT).as("l"), col(Blocking.RIGHT).as("r"));
        List<MatchingConfig.PairRule> rules = silver.matching().cannotLinkRules().stream()
                .filter(rule -> parameters.applies(RuleCheck.CANNOT_LINK, rule.name()))
                .toList();
        if (rules.isEmpty()) {
            return direct;
        }
        Dataset<Row> sized = components
                .withColumn(
                        "size",
                        org.apache
                                .spark
                                .sql
                                .functions
                                .count(lit(1))
                                .over(Window.partitionBy(ConnectedComponents.COMPONENT)))
                .filter(col("size").gt(1).and(col("size").leq(silver.maxVetoCheckComponent())));
        Dataset<Row> members = sized.join(
                        nodes, sized.col(ConnectedComponents.RECORD_KEY).equalTo(nodes.col("id")))
                .select(
                        col(ConnectedComponents.COMPONENT).as("component"),
                        org.apache.spark.sql.functions.struct(nodes.col("*")).as("n"));
        Dataset<Row> l = members.select(col("component"), col("n").as("l"));
        Dataset<Row> r = members.select(col("component").as("rc"), col("n").as("r"));
        Column veto = lit(false);
        for (MatchingConfig.PairRule rule : rules) {
            veto = veto.or(org.apache.spark.sql.functions.coalesce(
                    org.apache.spark.sql.functions.expr(rule.when()), lit(false)));
        }
        Dataset<Row> within = l.join(
                        r, col("component").equalTo(col("rc")).and(col("l.id").lt(col("r.id"))))
                .filter(veto)
                .select(col("l.id").as("l"), col("r.id").as("r"));
        return direct.union(within).distinct();
    }
}
