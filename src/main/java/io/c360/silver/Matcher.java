package io.c360.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.c360.lake.Checkpoints;
import io.c360.lake.Steps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Scores candidate pairs: identity records are collapsed to distinct identities (nodes), blocked,
 * compared, scored by the Fellegi-Sunter model (trained here unless parameters are given) and
 * decided: a cannot-link rule vetoes, a deterministic rule links, otherwise the probability decides
 * between linked, review and non-link.
 */
public final class Matcher {
    public static final String LINKED = "linked";
    public static final String LINKED_BY_RULE = "linked_by_rule";
    public static final String REVIEW = "review";
    public static final String NON_LINK = "non_link";
    public static final String VETOED = "vetoed";
    public static final String LINKED_BY_STEWARD = "linked_by_steward";
    public static final String NON_LINK_BY_STEWARD = "non_link_by_steward";
    static final String LINK_RULES = "link_rules";
    static final String VETOES = "vetoes";
    /** The {@code model_link_requires} rules that hold: without one, the model alone never links the pair. */
    static final String REQUIREMENTS = "requirements";

    private Matcher() {}

    /**
     * Nodes, the candidate pairs blocking proposed ({@code l_id, r_id, blocking_rules}), the scored pairs
     * (with decision; all candidates, or those the caller chose to score), the parameters and term
     * frequencies ({@code column, value, tf}) used, and what blocking did. {@code pairs} is computed from
     * the materialized {@code evidence} of the chosen candidates.
     */
    public record Result(
            Dataset<Row> nodes,
            Dataset<Row> candidates,
            Dataset<Row> evidence,
            Dataset<Row> pairs,
            FellegiSunter.Parameters parameters,
            Dataset<Row> termFrequencies,
            List<Blocking.RuleReport> blocking,
            boolean trained) {

        /**
         * Frees the candidates and their evidence, the largest rows silver holds, once the caller has
         * materialized {@code pairs} and everything else it reads from the candidates.
         */
        public void releaseCandidates() {
            Checkpoints.release(candidates, evidence);
        }
    }

    /**
     * One row per distinct identity: {@code id} (the signature), its attributes, how many records share
     * it, and the configured node attributes (computed over all identities).
     */
    public static Dataset<Row> nodes(Dataset<Row> records, MatchingConfig config) {
        Dataset<Row> nodes = nodes(records, List.copyOf(config.extras().keySet()));
        for (MatchingConfig.NodeAttribute a : config.nodeAttributes()) {
            nodes = nodes.withColumn(a.name(), expr(a.expression()));
        }
        return nodes;
    }

    /**
     * One row per distinct identity: {@code id} (the signature), its attributes (the built-in ones and
     * {@code extras}) and how many records share it.
     */
    public static Dataset<Row> nodes(Dataset<Row> records, List<String> extras) {
        List<Column> aggs = new ArrayList<>();
        for (String a : IdentityRecords.MATCH_ATTRIBUTES) {
            aggs.add(first(a).as(a));
        }
        for (String a : extras) {
            aggs.add(first(a).as(a));
        }
        aggs.add(first("given_name_variants").as("given_name_variants"));
        aggs.add(count(lit(1)).as("records"));
        return records.groupBy(col(IdentityRecords.SIGNATURE).as("id"))
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
    }

    /**
     * @param trained saved parameters to reuse; when absent the model is trained here
     * @param labels labelled identity pairs ({@code l_id, r_id, is_match}): when given, m comes from
     *     them instead of EM (EM then estimates only the match rate)
     */
    public static Result run(
            Dataset<Row> records,
            MatchingConfig config,
            Optional<FellegiSunter.Parameters> trained,
            Optional<Dataset<Row>> labels) {
        return run(nodes(records, config).localCheckpoint(true), config, trained, Optional.empty(), labels);
    }

    /**
     * Blocks, then compares and scores every candidate pair.
     *
     * @param nodes the identities (see {@link #nodes(Dataset, MatchingConfig)})
     * @param frozenTermFrequencies term frequencies saved with {@code trained} ({@code column, value, tf});
     *     absent: measured on these nodes. A value they do not know gets no adjustment.
     */
    public static Result run(
            Dataset<Row> nodes,
            MatchingConfig config,
            Optional<FellegiSunter.Parameters> trained,
            Optional<Dataset<Row>> frozenTermFrequencies,
            Optional<Dataset<Row>> labels) {
        Blocking.Result blocked = block(nodes, config);
        return score(nodes, blocked, blocked.pairs(), config, trained, frozenTermFrequencies, labels);
    }

    /**
     * The candidate pairs blocking proposes between the identities ({@code l_id, r_id, blocking_rules}): by
     * the configured rules, or by rules chosen from these identities when none are configured.
     */
    public static Blocking.Result block(Dataset<Row> nodes, MatchingConfig config) {
        Comparisons.registerFunctions(nodes.sparkSession());
        return Steps.compute(nodes.sparkSession(), "silver: block", () -> Blocking.pairs(nodes, rules(nodes, config)));
    }

    /** The configured blocking rules, or rules chosen from these identities when none are configured. */
    public static List<MatchingConfig.BlockingRule> rules(Dataset<Row> nodes, MatchingConfig config) {
        if (!config.blockingFromData()) {
            return config.blocking();
        }
        return Steps.compute(
                nodes.sparkSession(),
                "silver: choose blocking rules",
                () -> BlockingChoice.choose(nodes, config.attributes()).rules());
    }

    /**
     * Compares and scores the {@code chosen} candidate pairs (an incremental run scores only the pairs it
     * cannot keep; anything but all of them needs {@code trained} parameters) and decides each.
     *
     * @param blocked what {@link #block} proposed for these nodes
     */
    public static Result score(
            Dataset<Row> nodes,
            Blocking.Result blocked,
            Dataset<Row> chosen,
            MatchingConfig matching,
            Optional<FellegiSunter.Parameters> trained,
            Optional<Dataset<Row>> frozenTermFrequencies,
            Optional<Dataset<Row>> labels) {
        // Rules chosen from the data are the rules the pairs were blocked by, for training as for written ones.
        MatchingConfig config = matching.blockingFromData() ? matching.withBlocking(blocked.rules()) : matching;
        Dataset<Row> l = nodes.select(col("id").as("l_key"), struct(col("*")).as("l"));
        Dataset<Row> r = nodes.select(col("id").as("r_key"), struct(col("*")).as("r"));
        Dataset<Row> withRecords = chosen.join(l, chosen.col(Blocking.LEFT).equalTo(l.col("l_key")))
                .join(r, col(Blocking.RIGHT).equalTo(r.col("r_key")))
                .drop("l_key", "r_key");
        // Kept without the two records: at a million records the pairs with both records' attributes
        // are most of silver's memory, and everything after this reads only the evidence.
        Dataset<Row> evidence = Steps.compute(
                nodes.sparkSession(),
                "silver: compare",
                () -> evidence(withRecords, config).drop("l", "r").localCheckpoint(true));

        FellegiSunter.Parameters params = trained.orElseGet(() -> Steps.compute(
                nodes.sparkSession(),
                "silver: train",
                () -> labels.map(labelled -> trainFromLabels(nodes, evidence, config, labelled))
                        .orElseGet(() -> train(nodes, evidence, config))));
        Dataset<Row> tf = frozenTermFrequencies.orElseGet(
                () -> termFrequencies(nodes, config).localCheckpoint(true));
        Dataset<Row> scored = FellegiSunter.score(evidence, config.comparisons(), params, byColumn(tf, config));
        return new Result(
                nodes,
                blocked.pairs(),
                evidence,
                decide(scored, config, params),
                params,
                tf,
                blocked.report(),
                trained.isEmpty());
    }

    /**
     * What scoring and deciding read from a pair's two records ({@code l}, {@code r} structs): the
     * comparison levels ({@code gamma_<name>}), the link rules, vetoes and model link requirements that
     * hold, and the values term frequencies adjust (see {@link FellegiSunter#tfValue}).
     */
    public static Dataset<Row> evidence(Dataset<Row> pairsWithRecords, MatchingConfig config) {
        Dataset<Row> out = Comparisons.vectors(pairsWithRecords, config.comparisons())
                .withColumn(LINK_RULES, hits(config.linkRules()))
                .withColumn(VETOES, hits(config.cannotLinkRules()))
                .withColumn(REQUIREMENTS, hits(config.modelLinkRequires()));
        for (String column : tfColumns(config)) {
            // An exact match is adjusted, so either side's value will do.
            out = out.withColumn(
                    FellegiSunter.tfValue(column), expr("l." + column).cast(DataTypes.StringType));
        }
        return out;
    }

    /** Share of identities per value of every column a level adjusts by term frequency: {@code column, value, tf}. */
    public static Dataset<Row> termFrequencies(Dataset<Row> nodes, MatchingConfig config) {
        Dataset<Row> all = nodes.sparkSession()
                .emptyDataFrame()
                .selectExpr(
                        "CAST(NULL AS STRING) AS column",
                        "CAST(NULL AS STRING) AS value",
                        "CAST(NULL AS DOUBLE) AS tf");
        for (String column : tfColumns(config)) {
            all = all.unionByName(FellegiSunter.termFrequency(nodes, column)
                    .select(
                            lit(column).as("column"),
                            col("value").cast(DataTypes.StringType).as("value"),
                            col("tf")));
        }
        return all;
    }

    /** The {@code column, value, tf} table as the per-column {@code value, tf} tables scoring joins. */
    static Map<String, Dataset<Row>> byColumn(Dataset<Row> termFrequencies, MatchingConfig config) {
        Map<String, Dataset<Row>> tf = new LinkedHashMap<>();
        tfColumns(config)
                .forEach(column -> tf.put(
                        column,
                        termFrequencies.filter(col("column").equalTo(column)).select(col("value"), col("tf"))));
        return tf;
    }

    private static Set<String> tfColumns(MatchingConfig config) {
        Set<String> columns = new TreeSet<>();
        config.comparisons().forEach(c -> c.levels().forEach(level -> level.tf().ifPresent(columns::add)));
        return columns;
    }

    /**
     * EM with u from random pairs (for {@code u_from_value_counts} levels, from value counts over all
     * identities), then again with u cleared of matches: the share prior·m for sampled levels, the sharing
     * pairs the first EM takes for matches for counted ones; with {@code em_vetoed_as_non_matches}, pairs an
     * applied cannot-link rule separates count as non-matches. The rules are checked against the data on
     * the way (see {@link RuleChecks}): each veto with a model trained without it.
     */
    static FellegiSunter.Parameters train(Dataset<Row> nodes, Dataset<Row> evidence, MatchingConfig config) {
        Column switchedOff = config.model().emWithoutBlockedComparisons() ? blockedComparisons(config) : lit(0);
        RuleChecks.Patterns patterns = RuleChecks.patterns(evidence, config, switchedOff);
        long samplePairs = config.model().uSamplePairs();
        FellegiSunter.UEstimate uRaw = FellegiSunter.withValueCounts(
                FellegiSunter.estimateUWithSupport(
                        nodes, config.comparisons(), samplePairs, config.model().seed()),
                FellegiSunter.valueCounts(nodes, config.comparisons()));
        long totalPairs = totalPairs(nodes);
        return RuleChecks.check(patterns, config, vetoes -> {
            List<Row> em = patterns.forEm(vetoes);
            FellegiSunter.Parameters first =
                    FellegiSunter.train(em, config.comparisons(), uRaw.u(), config.model(), samplePairs, totalPairs);
            Map<String, double[]> u = FellegiSunter.withoutMatches(
                    uRaw, first, FellegiSunter.candidateMatches(em, config.comparisons(), first));
            return FellegiSunter.train(em, config.comparisons(), u, config.model(), samplePairs, totalPairs);
        });
    }

    /**
     * Per pair, the bits of the comparisons that every blocking rule which found it keys on: a
     * comparison is keyed by a rule when its first (strictest) level reads a column the rule's keys
     * read. EM leaves those out of the pair's likelihood (see {@link FellegiSunter#patterns(Dataset, List, Column, Column)}).
     */
    static Column blockedComparisons(MatchingConfig config) {
        List<MatchingConfig.Comparison> comparisons = config.comparisons();
        if (comparisons.size() > 31) {
            throw new io.c360.C360Exception(
                    "model.em_without_blocked_comparisons holds one bit per comparison in an int: at most 31 "
                            + "comparisons, found " + comparisons.size() + "; switch it off or merge comparisons");
        }
        StringBuilder keyed = new StringBuilder("CASE rule");
        for (MatchingConfig.BlockingRule rule : config.blocking()) {
            Set<String> keyColumns = keyColumns(rule);
            int bits = 0;
            for (int c = 0; c < comparisons.size(); c++) {
                if (comparedColumns(comparisons.get(c)).stream().anyMatch(keyColumns::contains)) {
                    bits |= 1 << c;
                }
            }
            keyed.append(" WHEN '")
                    .append(rule.name().replace("'", "\\'"))
                    .append("' THEN ")
                    .append(bits);
        }
        keyed.append(" ELSE 0 END");
        int all = (1 << comparisons.size()) - 1;
        return expr("CASE WHEN size(" + Blocking.RULES + ") > 0 THEN aggregate(" + Blocking.RULES + ", " + all
                + ", (bits, rule) -> bits & " + keyed + ") ELSE 0 END");
    }

    private static final Pattern PAIR_COLUMN = Pattern.compile("\\b[lr]\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern NAME = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*)\\b(?!\\s*\\()");

    /** Columns a rule's keys read: names in its expressions that are not functions (string literals left out). */
    static Set<String> keyColumns(MatchingConfig.BlockingRule rule) {
        Set<String> columns = new TreeSet<>();
        for (String key : rule.keys()) {
            java.util.regex.Matcher m = NAME.matcher(key.replaceAll("'[^']*'", "''"));
            while (m.find()) {
                columns.add(m.group(1));
            }
        }
        return columns;
    }

    /** Columns the first level of a comparison reads from the pair's records ({@code l.x}, {@code r.x}). */
    static Set<String> comparedColumns(MatchingConfig.Comparison comparison) {
        Set<String> columns = new TreeSet<>();
        comparison.levels().get(0).when().ifPresent(when -> {
            java.util.regex.Matcher m = PAIR_COLUMN.matcher(when);
            while (m.find()) {
                columns.add(m.group(1));
            }
        });
        return columns;
    }

    /** m from labelled pairs, u from random pairs, the match rate by EM with both held. */
    static FellegiSunter.Parameters trainFromLabels(
            Dataset<Row> nodes, Dataset<Row> evidence, MatchingConfig config, Dataset<Row> labels) {
        Dataset<Row> l = nodes.select(col("id").as("l_key"), struct(col("*")).as("l"));
        Dataset<Row> r = nodes.select(col("id").as("r_key"), struct(col("*")).as("r"));
        Dataset<Row> labelled = Comparisons.vectors(
                labels.join(l, labels.col(Blocking.LEFT).equalTo(l.col("l_key")))
                        .join(r, col(Blocking.RIGHT).equalTo(r.col("r_key"))),
                config.comparisons());
        if (labelled.filter(col("is_match")).isEmpty()) {
            throw new io.c360.C360Exception(
                    "the labelled pairs hold no match among the records being matched; cannot estimate m from them");
        }
        List<MatchingConfig.Comparison> fixed =
                FellegiSunter.pinned(config.comparisons(), FellegiSunter.mFromLabels(labelled, config.comparisons()));
        long samplePairs = config.model().uSamplePairs();
        Map<String, double[]> sampled = FellegiSunter.estimateU(
                nodes, config.comparisons(), samplePairs, config.model().seed());
        // Sampled levels keep no floor on this path (as before); counted levels are floored at one of all pairs with
        // values.
        FellegiSunter.UEstimate uRaw = FellegiSunter.withValueCounts(
                new FellegiSunter.UEstimate(sampled, FellegiSunter.sampleSupport(sampled, samplePairs)),
                FellegiSunter.valueCounts(nodes, config.comparisons()));
        long totalPairs = totalPairs(nodes);
        RuleChecks.Patterns patterns = RuleChecks.patterns(evidence, config, lit(0));
        List<Row> em = patterns.forEm(0);
        FellegiSunter.Parameters first =
                FellegiSunter.train(em, fixed, uRaw.u(), config.model(), samplePairs, totalPairs);
        Map<String, double[]> u =
                FellegiSunter.withoutMatches(uRaw, first, FellegiSunter.candidateMatches(em, fixed, first));
        FellegiSunter.Parameters fromLabels =
                FellegiSunter.train(em, fixed, u, config.model(), samplePairs, totalPairs);
        // m from labels owes nothing to the vetoes: one model checks every rule.
        return RuleChecks.check(patterns, config, vetoes -> fromLabels);
    }

    private static long totalPairs(Dataset<Row> nodes) {
        long n = nodes.count();
        return n * (n - 1) / 2;
    }

    /**
     * Adds the {@code decision} to scored {@link #evidence}, applying the rules {@code params} apply (see
     * {@link FellegiSunter.Parameters#applies}); the {@code link_rules} and {@code vetoes} columns keep
     * only those. A pair the model alone would link goes to review instead when no
     * {@code model_link_requires} rule holds, while the set is applied.
     */
    static Dataset<Row> decide(Dataset<Row> scored, MatchingConfig config, FellegiSunter.Parameters params) {
        MatchingConfig.Model m = config.model();
        Column vetoes = applied(col(VETOES), config.cannotLinkRules(), RuleCheck.CANNOT_LINK, params);
        Column linkRules = applied(col(LINK_RULES), config.linkRules(), RuleCheck.LINK, params);
        Column modelMayLink = config.modelLinkRequires().isEmpty()
                        || !params.applies(RuleCheck.MODEL_LINK_REQUIRES, RuleCheck.REQUIREMENTS)
                ? lit(true)
                : size(col(REQUIREMENTS)).gt(0);
        Column decision = when(size(col(VETOES)).gt(0), lit(VETOED))
                .when(size(col(LINK_RULES)).gt(0), lit(LINKED_BY_RULE))
                .when(col("match_probability").geq(m.linkThreshold()).and(modelMayLink), lit(LINKED))
                .when(col("match_probability").geq(m.reviewThreshold()), lit(REVIEW))
                .otherwise(lit(NON_LINK));
        List<Column> columns = new ArrayList<>();
        for (String c : scored.columns()) {
            if (!List.of(LINK_RULES, VETOES, REQUIREMENTS).contains(c)) {
                columns.add(col(c));
            }
        }
        columns.addAll(List.of(col(LINK_RULES), col(VETOES), decision.as("decision")));
        return scored.withColumn(VETOES, vetoes)
                .withColumn(LINK_RULES, linkRules)
                .select(columns.toArray(Column[]::new));
    }

    /** The rules of {@code hits} (names) that {@code params} apply. */
    private static Column applied(
            Column hits, List<MatchingConfig.PairRule> rules, String kind, FellegiSunter.Parameters params) {
        List<String> dropped = rules.stream()
                .map(MatchingConfig.PairRule::name)
                .filter(name -> !params.applies(kind, name))
                .toList();
        return dropped.isEmpty() ? hits : filter(hits, name -> functions.not(name.isin(dropped.toArray())));
    }

    private static Column hits(List<MatchingConfig.PairRule> rules) {
        if (rules.isEmpty()) {
            return expr("CAST(array() AS array<string>)");
        }
        Column[] each =
                rules.stream().map(r -> when(expr(r.when()), lit(r.name()))).toArray(Column[]::new);
        return filter(array(each), Column::isNotNull);
    }
}
