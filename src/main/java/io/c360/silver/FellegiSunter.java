package io.c360.silver;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The Fellegi-Sunter model: per comparison level, m = P(level | match) and u = P(level | non-match);
 * a pair's match weight is the log2 prior odds plus the sum of log2(m/u) of its levels, adjusted by
 * term frequency on exact matches of rare or common values. u is estimated from random pairs (almost
 * all non-matches); m and the prior by expectation-maximisation on the candidate pairs, run on their
 * distinct comparison vectors (a few thousand rows) rather than on the pairs themselves.
 */
public final class FellegiSunter {
    private FellegiSunter() {}

    /**
     * Trained parameters: {@code m} and {@code u} per comparison and level; {@code prior} is the chance
     * two random records match (what scoring uses, consistent with u from random pairs), and
     * {@code candidatePrior} the share of matches EM found among candidate pairs. EM ran
     * {@code emIterations} and {@code emConverged} when its last change of the prior and any m,
     * {@code emChange}, fell to {@code model.em_tolerance} (otherwise it stopped at
     * {@code model.em_max_iterations}). {@code ruleChecks}: what training found when it checked the
     * rules against the data, which decides the rules applied with these parameters.
     */
    public record Parameters(
            @JsonProperty("prior") double prior,
            @JsonProperty("candidate_prior") double candidatePrior,
            @JsonProperty("m") Map<String, double[]> m,
            @JsonProperty("u") Map<String, double[]> u,
            @JsonProperty("em_iterations") int emIterations,
            @JsonProperty("candidate_pairs") long candidatePairs,
            @JsonProperty("u_sample_pairs") long uSamplePairs,
            @JsonProperty("em_converged") boolean emConverged,
            @JsonProperty("em_change") double emChange,
            @JsonProperty("rule_checks") List<RuleCheck> ruleChecks) {

        public Parameters {
            ruleChecks = ruleChecks == null ? List.of() : List.copyOf(ruleChecks);
        }

        /** Parameters whose EM converged and whose rules were not checked. */
        public Parameters(
                double prior,
                double candidatePrior,
                Map<String, double[]> m,
                Map<String, double[]> u,
                int emIterations,
                long candidatePairs,
                long uSamplePairs) {
            this(prior, candidatePrior, m, u, emIterations, candidatePairs, uSamplePairs, true, 0, List.of());
        }

        public double weight(String comparison, int level) {
            return log2(m.get(comparison)[level] / u.get(comparison)[level]);
        }

        /** The same parameters with what checking the rules found. */
        public Parameters withRuleChecks(List<RuleCheck> checks) {
            return new Parameters(
                    prior,
                    candidatePrior,
                    m,
                    u,
                    emIterations,
                    candidatePairs,
                    uSamplePairs,
                    emConverged,
                    emChange,
                    checks);
        }

        /**
         * Whether the rule of this kind is applied: a rule training checked and found contradicted (and
         * not enforced) is not; any other (parameters saved before rules were checked) is.
         */
        public boolean applies(String kind, String rule) {
            return ruleChecks.stream()
                    .filter(c -> c.kind().equals(kind) && c.rule().equals(rule))
                    .allMatch(RuleCheck::applied);
        }

        /** m, u and weight per level of each comparison, in the comparisons' order. */
        public List<LevelParameters> levels(List<MatchingConfig.Comparison> comparisons) {
            List<LevelParameters> out = new ArrayList<>();
            for (MatchingConfig.Comparison c : comparisons) {
                double[] mc = m.get(c.name());
                double[] uc = u.get(c.name());
                if (mc == null || uc == null) {
                    continue;
                }
                for (int i = 0; i < c.levels().size() && i < mc.length; i++) {
                    out.add(new LevelParameters(c.name(), c.levels().get(i).name(), mc[i], uc[i], weight(c.name(), i)));
                }
            }
            return out;
        }
    }

    /** One level's learned parameters: m, u and its match weight log2(m/u). */
    public record LevelParameters(
            @JsonProperty("comparison") String comparison,
            @JsonProperty("level") String level,
            @JsonProperty("m") double m,
            @JsonProperty("u") double u,
            @JsonProperty("weight") double weight) {}

    /**
     * u per level from about {@code samplePairs} random pairs: all pairs among a random subset of the
     * nodes, so no pair is counted twice. Smoothed (+1) so a level never seen among random pairs keeps
     * a tiny but non-zero u.
     */
    public static Map<String, double[]> estimateU(
            Dataset<Row> nodes, List<MatchingConfig.Comparison> comparisons, long samplePairs, long seed) {
        return estimateUWithSupport(nodes, comparisons, samplePairs, seed).u();
    }

    /**
     * u per comparison and level; per comparison how many sampled pairs had both values (the support of
     * its sampled u); and, for comparisons with {@code u_from_value_counts} levels, what was counted over
     * all identities (see {@link #withValueCounts}).
     */
    public record UEstimate(
            Map<String, double[]> u, Map<String, Long> pairsWithValues, Map<String, ValueCounts> counts) {

        public UEstimate(Map<String, double[]> u, Map<String, Long> pairsWithValues) {
            this(u, pairsWithValues, Map.of());
        }
    }

    /** {@link #estimateU}, with the number of sampled pairs each comparison's u rests on. */
    public static UEstimate estimateUWithSupport(
            Dataset<Row> nodes, List<MatchingConfig.Comparison> comparisons, long samplePairs, long seed) {
        long n = nodes.count();
        long subset = Math.min(n, (long) Math.ceil(Math.sqrt(2.0 * samplePairs)) + 1);
        // Ordered by a hash of each identity and the seed, not rand(seed): rand depends on how rows happen to
        // be partitioned, so any change of plan upstream drew another sample (and another model).
        Dataset<Row> sample = nodes.orderBy(xxhash64(col("id"), lit(seed)))
                .limit((int) subset)
                .localCheckpoint(true);
        // The sample is one partition: spread one side so that every core compares pairs.
        Dataset<Row> l = sample.select(functions.struct(col("*")).as("l"))
                .repartition(nodes.sparkSession().sparkContext().defaultParallelism());
        Dataset<Row> r = sample.select(functions.struct(col("*")).as("r"));
        Dataset<Row> pairs = l.crossJoin(broadcast(r)).filter(col("l.id").lt(col("r.id")));
        Dataset<Row> vectors = Comparisons.vectors(pairs, comparisons);
        // Every comparison's level counts in one aggregation over the sampled pairs: grouping once per
        // comparison compared the whole sample again for each.
        List<Column> levelCounts = new ArrayList<>();
        for (MatchingConfig.Comparison c : comparisons) {
            for (int level = 0; level < c.levels().size(); level++) {
                levelCounts.add(count(when(col(Comparisons.gammaColumn(c)).equalTo(level), true)));
            }
        }
        Row counted = vectors.agg(
                        levelCounts.get(0),
                        levelCounts.subList(1, levelCounts.size()).toArray(Column[]::new))
                .head();
        long[][] counts = new long[comparisons.size()][];
        int column = 0;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new long[comparisons.get(i).levels().size()];
            for (int level = 0; level < counts[i].length; level++) {
                counts[i][level] = counted.getLong(column++);
            }
        }
        Map<String, double[]> u = new LinkedHashMap<>();
        Map<String, Long> support = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            MatchingConfig.Comparison c = comparisons.get(i);
            long total = java.util.Arrays.stream(counts[i]).sum();
            double[] p = new double[counts[i].length];
            for (int level = 0; level < p.length; level++) {
                p[level] = (counts[i][level] + 1.0) / (total + p.length);
            }
            u.put(c.name(), p);
            support.put(c.name(), total);
        }
        return new UEstimate(u, support);
    }

    /**
     * What {@link #valueCounts} counted for one comparison: how many identities have its values, and per
     * level how many pairs of them share the level's {@code u_from_value_counts} value ({@code -1} for a
     * level that is not counted).
     */
    public record ValueCounts(long identitiesWithValues, long[] sharingPairs) {

        /** All pairs of identities that both have the comparison's values. */
        public long pairsWithValues() {
            return identitiesWithValues * (identitiesWithValues - 1) / 2;
        }
    }

    /**
     * For every comparison with a {@code u_from_value_counts} level, counted over all identities: how many
     * have the comparison's values, and per counted level how many pairs of them share a non-null value
     * (n identities with one value make n(n-1)/2 pairs). Two aggregations for all comparisons together,
     * only scalars collected, no pairs formed. An identity has the comparison's values when its
     * {@code null_when} does not hold for a pair of it with itself. Why: the sample of
     * {@link #estimateUWithSupport} cannot resolve a u below about one of its ~10^6 pairs, while unrelated
     * people share an e-mail or phone far more rarely once the population is large; counting over all
     * identities gives u the population's own scale, without sampling noise.
     */
    public static Map<String, ValueCounts> valueCounts(
            Dataset<Row> nodes, List<MatchingConfig.Comparison> comparisons) {
        List<MatchingConfig.Comparison> counted = comparisons.stream()
                .filter(c ->
                        c.levels().stream().anyMatch(l -> l.uFromValueCounts().isPresent()))
                .toList();
        Map<String, ValueCounts> out = new LinkedHashMap<>();
        if (counted.isEmpty()) {
            return out;
        }
        // null_when reads l. and r.; the identity paired with itself answers whether it has the values.
        Dataset<Row> self = nodes.select(
                col("*"),
                functions.struct(col("*")).as("l"),
                functions.struct(col("*")).as("r"));
        List<Column> withValues = new ArrayList<>();
        Dataset<Row> keys = null;
        for (int ci = 0; ci < counted.size(); ci++) {
            MatchingConfig.Comparison c = counted.get(ci);
            Column has = functions.not(functions.coalesce(expr(c.nullWhen()), lit(false)));
            withValues.add(functions.sum(when(has, 1L).otherwise(0L)));
            for (int i = 0; i < c.levels().size(); i++) {
                if (c.levels().get(i).uFromValueCounts().isPresent()) {
                    Dataset<Row> k = self.filter(has)
                            .select(
                                    lit(ci).as("c"),
                                    lit(i).as("level"),
                                    expr(c.levels().get(i).uFromValueCounts().get())
                                            .cast("string")
                                            .as("value"))
                            .filter(col("value").isNotNull());
                    keys = keys == null ? k : keys.unionByName(k);
                }
            }
        }
        Row identities = self.agg(
                        withValues.get(0),
                        withValues.subList(1, withValues.size()).toArray(Column[]::new))
                .first();
        long[][] sharing = new long[counted.size()][];
        for (int ci = 0; ci < counted.size(); ci++) {
            sharing[ci] = new long[counted.get(ci).levels().size()];
            java.util.Arrays.fill(sharing[ci], -1L);
            for (int i = 0; i < sharing[ci].length; i++) {
                if (counted.get(ci).levels().get(i).uFromValueCounts().isPresent()) {
                    sharing[ci][i] = 0;
                }
            }
        }
        for (Row row : keys.groupBy("c", "level", "value")
                .agg(count(lit(1)).as("n"))
                .groupBy("c", "level")
                .agg(functions.sum(
                        col("n").multiply(col("n").minus(1)).divide(2).cast("long")))
                .collectAsList()) {
            sharing[row.getInt(0)][row.getInt(1)] = row.getLong(2);
        }
        for (int ci = 0; ci < counted.size(); ci++) {
            out.put(
                    counted.get(ci).name(),
                    new ValueCounts(identities.isNullAt(ci) ? 0 : identities.getLong(ci), sharing[ci]));
        }
        return out;
    }

    /**
     * The sampled u with every counted level replaced by its share of all pairs with values (sharing
     * pairs / pairs with values, matches still in: {@link #withoutMatches(UEstimate, Parameters, Map)}
     * takes them out); the other levels are rescaled to fill the rest, so a comparison's u still sums to
     * 1. A comparison with fewer than two identities with values keeps its sample.
     */
    public static UEstimate withValueCounts(UEstimate sampled, Map<String, ValueCounts> counts) {
        Map<String, double[]> u = new LinkedHashMap<>();
        Map<String, ValueCounts> used = new LinkedHashMap<>();
        sampled.u().forEach((name, s) -> {
            ValueCounts vc = counts.get(name);
            if (vc == null || vc.pairsWithValues() <= 0) {
                u.put(name, s);
                return;
            }
            double[] out = s.clone();
            double countedMass = 0;
            double sampledRest = 0;
            for (int i = 0; i < s.length; i++) {
                if (vc.sharingPairs()[i] >= 0) {
                    out[i] = (double) vc.sharingPairs()[i] / vc.pairsWithValues();
                    countedMass += out[i];
                } else {
                    sampledRest += s[i];
                }
            }
            for (int i = 0; i < s.length; i++) {
                if (vc.sharingPairs()[i] < 0 && sampledRest > 0) {
                    out[i] = s[i] * (1 - countedMass) / sampledRest;
                }
            }
            u.put(name, out);
            used.put(name, vc);
        });
        return new UEstimate(u, sampled.pairsWithValues(), used);
    }

    /**
     * The matches EM expects among the candidate pairs, per comparison and level: each pattern's count
     * times its posterior under {@code p} (the candidates' match share as prior, m and u as trained);
     * patterns of known non-matches count none.
     */
    public static Map<String, double[]> candidateMatches(
            List<Row> patterns, List<MatchingConfig.Comparison> comparisons, Parameters p) {
        int k = comparisons.size();
        Map<String, double[]> out = new LinkedHashMap<>();
        comparisons.forEach(c -> out.put(c.name(), new double[c.levels().size()]));
        for (Row row : patterns) {
            boolean nonMatch = row.size() > k + 1 && row.getBoolean(k + 1);
            if (nonMatch) {
                continue;
            }
            double logM = Math.log(p.candidatePrior());
            double logU = Math.log(1 - p.candidatePrior());
            for (int c = 0; c < k; c++) {
                int g = row.getInt(c);
                if (g >= 0) {
                    logM += Math.log(p.m().get(comparisons.get(c).name())[g]);
                    logU += Math.log(p.u().get(comparisons.get(c).name())[g]);
                }
            }
            double matches = row.getLong(k) / (1 + Math.exp(logU - logM));
            for (int c = 0; c < k; c++) {
                int g = row.getInt(c);
                if (g >= 0) {
                    out.get(comparisons.get(c).name())[g] += matches;
                }
            }
        }
        return out;
    }

    /** Distinct comparison vectors of the candidate pairs with their counts (small: collected for EM). */
    public static List<Row> patterns(Dataset<Row> vectors, List<MatchingConfig.Comparison> comparisons) {
        return patterns(vectors, comparisons, lit(false), lit(0));
    }

    /**
     * Like {@link #patterns(Dataset, List)}, with two more parts per row. Whether the pairs are known
     * non-matches (a cannot-link rule holds): EM counts those as non-matches instead of estimating them,
     * so pairs a veto separates anyway (household members, twins) do not teach m what a match looks
     * like. And the bits of the comparisons ({@code 1 << index}) EM leaves out of these pairs'
     * likelihood: the pairs were chosen for agreeing on what their blocking rules key on, so u from
     * random pairs does not hold for those comparisons among them, and unrelated namesakes found by a
     * name rule would look like matches and teach m that matches often differ in everything else.
     */
    public static List<Row> patterns(
            Dataset<Row> vectors,
            List<MatchingConfig.Comparison> comparisons,
            Column knownNonMatch,
            Column switchedOff) {
        List<Column> keys = new ArrayList<>();
        comparisons.forEach(c -> keys.add(col(Comparisons.gammaColumn(c))));
        keys.add(functions.coalesce(knownNonMatch, lit(false)).as("known_non_match"));
        keys.add(functions.coalesce(switchedOff, lit(0)).as("switched_off"));
        List<Column> ordered = new ArrayList<>();
        comparisons.forEach(c -> ordered.add(col(Comparisons.gammaColumn(c))));
        ordered.add(col("n"));
        ordered.add(col("known_non_match"));
        ordered.add(col("switched_off"));
        return vectors.groupBy(keys.toArray(Column[]::new))
                .agg(count(lit(1)).as("n"))
                .select(ordered.toArray(Column[]::new))
                .collectAsList();
    }

    /**
     * Switches a comparison back on where the level a pair shows is seen in no pair with that comparison
     * on: m of such a level could only be learnt from the pairs that leave it out, and would fall to the
     * floor (an e-mail found only by its user part, with the domain mistyped, would then weigh against
     * its own person). Those pairs then teach it as they would without switching off.
     */
    static void keepUnidentifiedLevelsOn(
            int[][] gamma, double[] n, boolean[] nonMatch, int[] off, List<MatchingConfig.Comparison> comparisons) {
        int k = comparisons.size();
        double[][] onSupport = new double[k][];
        for (int c = 0; c < k; c++) {
            onSupport[c] = new double[comparisons.get(c).levels().size()];
        }
        for (int p = 0; p < gamma.length; p++) {
            for (int c = 0; c < k; c++) {
                int g = gamma[p][c];
                if (g >= 0 && !nonMatch[p] && (off[p] & (1 << c)) == 0) {
                    onSupport[c][g] += n[p];
                }
            }
        }
        for (int p = 0; p < gamma.length; p++) {
            for (int c = 0; c < k; c++) {
                int g = gamma[p][c];
                if (g >= 0 && onSupport[c][g] == 0) {
                    off[p] &= ~(1 << c);
                }
            }
        }
    }

    /** The comparisons a pattern row leaves out of EM (none unless the row carries them). */
    private static int switchedOff(Row row, int k) {
        return row.size() > k + 2 ? row.getInt(k + 2) : 0;
    }

    /**
     * m and the prior by EM over the pattern counts, u held fixed; patterns marked as known non-matches
     * (see {@link #patterns(Dataset, List, Column, Column)}) count as non-matches. The prior among candidate pairs is
     * turned into the prior among all {@code totalPairs} pairs (blocking finds nearly all matches, so
     * the expected number of matches is the same), which is the prior that goes with random-pair u.
     */
    public static Parameters train(
            List<Row> patterns,
            List<MatchingConfig.Comparison> comparisons,
            Map<String, double[]> u,
            MatchingConfig.Model model,
            long uSamplePairs,
            long totalPairs) {
        int k = comparisons.size();
        int[][] gamma = new int[patterns.size()][k];
        double[] n = new double[patterns.size()];
        boolean[] nonMatch = new boolean[patterns.size()];
        int[] off = new int[patterns.size()];
        long candidates = 0;
        for (int p = 0; p < patterns.size(); p++) {
            Row row = patterns.get(p);
            for (int c = 0; c < k; c++) {
                gamma[p][c] = row.getInt(c);
            }
            n[p] = row.getLong(k);
            nonMatch[p] = row.size() > k + 1 && row.getBoolean(k + 1);
            off[p] = switchedOff(row, k);
            candidates += row.getLong(k);
        }
        keepUnidentifiedLevelsOn(gamma, n, nonMatch, off, comparisons);
        double[][] m = new double[k][];
        double[][] uu = new double[k][];
        for (int c = 0; c < k; c++) {
            int levels = comparisons.get(c).levels().size();
            uu[c] = u.get(comparisons.get(c).name());
            m[c] = startingM(comparisons.get(c));
        }
        double prior = model.initialPrior();
        int iteration = 0;
        double change = Double.MAX_VALUE;
        while (iteration < model.emMaxIterations() && change > model.emTolerance()) {
            iteration++;
            double[][] mNum = new double[k][];
            double[] mDen = new double[k];
            for (int c = 0; c < k; c++) {
                mNum[c] = new double[m[c].length];
            }
            double matches = 0;
            double total = 0;
            for (int p = 0; p < gamma.length; p++) {
                double logM = Math.log(prior);
                double logU = Math.log(1 - prior);
                for (int c = 0; c < k; c++) {
                    int g = gamma[p][c];
                    if (g >= 0 && (off[p] & (1 << c)) == 0) {
                        logM += Math.log(m[c][g]);
                        logU += Math.log(uu[c][g]);
                    }
                }
                double w = nonMatch[p] ? 0 : 1 / (1 + Math.exp(logU - logM));
                double mass = n[p] * w;
                matches += mass;
                total += n[p];
                for (int c = 0; c < k; c++) {
                    int g = gamma[p][c];
                    if (g >= 0 && (off[p] & (1 << c)) == 0) {
                        mNum[c][g] += mass;
                        mDen[c] += mass;
                    }
                }
            }
            change = Math.abs(matches / total - prior);
            prior = Math.min(Math.max(matches / total, 1e-9), 1 - 1e-9);
            for (int c = 0; c < k; c++) {
                double[] next = new double[m[c].length];
                for (int i = 0; i < m[c].length; i++) {
                    next[i] = mDen[c] > 0 ? Math.max(mNum[c][i] / mDen[c], 1e-9) : m[c][i];
                }
                pin(next, comparisons.get(c));
                for (int i = 0; i < m[c].length; i++) {
                    change = Math.max(change, Math.abs(next[i] - m[c][i]));
                    m[c][i] = next[i];
                }
            }
        }
        Map<String, double[]> mOut = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            mOut.put(comparisons.get(c).name(), m[c]);
        }
        double expectedMatches = prior * candidates;
        double globalPrior = Math.min(Math.max(expectedMatches / Math.max(totalPairs, 1), 1e-12), 0.5);
        return new Parameters(
                globalPrior,
                prior,
                mOut,
                u,
                iteration,
                candidates,
                uSamplePairs,
                change <= model.emTolerance(),
                change,
                List.of());
    }

    /**
     * Where EM starts a comparison's m: a level's {@code m_start} where given (how often one person's
     * records typically show it), the other levels believing matches mostly agree (the first level
     * likeliest, the catch-all least) and scaled to fill what the given ones leave; pinned levels at
     * their m.
     */
    static double[] startingM(MatchingConfig.Comparison comparison) {
        List<MatchingConfig.Level> levels = comparison.levels();
        int n = levels.size();
        double[] m = new double[n];
        double given = 0;
        double rest = 0;
        for (int i = 0; i < n; i++) {
            m[i] = i == n - 1 ? 0.05 : 0.95 * Math.pow(0.5, i + 1) / (1 - Math.pow(0.5, n - 1));
            if (levels.get(i).mStart().isPresent()) {
                given += levels.get(i).mStart().get();
            } else {
                rest += m[i];
            }
        }
        // Given starts that leave no room for the others are scaled down with them to sum to 1.
        double room = Math.max(1 - given, 0.01);
        double total = given + (rest > 0 ? room : 0);
        for (int i = 0; i < n; i++) {
            m[i] = levels.get(i).mStart().isPresent()
                    ? levels.get(i).mStart().get() / total
                    : rest > 0 ? m[i] * room / rest / total : m[i];
        }
        pin(m, comparison);
        return m;
    }

    /**
     * m from labelled pairs instead of EM: the share of labelled matches at each level (+1 smoothed).
     * {@code labelled} carries the comparison vectors and a boolean {@code is_match}.
     */
    public static Map<String, double[]> mFromLabels(
            Dataset<Row> labelled, List<MatchingConfig.Comparison> comparisons) {
        Map<String, double[]> m = new LinkedHashMap<>();
        Dataset<Row> matches = labelled.filter(col("is_match"));
        for (MatchingConfig.Comparison c : comparisons) {
            int levels = c.levels().size();
            long[] counts = new long[levels];
            long total = 0;
            for (Row row : matches.groupBy(Comparisons.gammaColumn(c))
                    .agg(count(lit(1)))
                    .collectAsList()) {
                if (row.getInt(0) >= 0) {
                    counts[row.getInt(0)] = row.getLong(1);
                    total += row.getLong(1);
                }
            }
            double[] p = new double[levels];
            for (int i = 0; i < levels; i++) {
                p[i] = (counts[i] + 1.0) / (total + levels);
            }
            m.put(c.name(), p);
        }
        return m;
    }

    /** The comparisons with every level's m pinned to the given values (so EM only estimates the prior). */
    public static List<MatchingConfig.Comparison> pinned(
            List<MatchingConfig.Comparison> comparisons, Map<String, double[]> m) {
        List<MatchingConfig.Comparison> out = new ArrayList<>();
        for (MatchingConfig.Comparison c : comparisons) {
            List<MatchingConfig.Level> levels = new ArrayList<>();
            for (int i = 0; i < c.levels().size(); i++) {
                MatchingConfig.Level l = c.levels().get(i);
                levels.add(new MatchingConfig.Level(
                        l.name(), l.when(), l.tf(), java.util.Optional.of(m.get(c.name())[i]), l.uFromValueCounts()));
            }
            out.add(new MatchingConfig.Comparison(c.name(), c.nullWhen(), levels));
        }
        return out;
    }

    /** Sets pinned levels to their configured m and scales the trained ones to fill the rest. */
    static void pin(double[] m, MatchingConfig.Comparison c) {
        double pinned = 0;
        double free = 0;
        for (int i = 0; i < m.length; i++) {
            if (c.levels().get(i).m().isPresent()) {
                pinned += c.levels().get(i).m().get();
            } else {
                free += m[i];
            }
        }
        for (int i = 0; i < m.length; i++) {
            m[i] = c.levels().get(i).m().isPresent()
                    ? c.levels().get(i).m().get()
                    : free > 0 ? m[i] * (1 - pinned) / free : m[i];
        }
    }

    /** Twice the sample size for every comparison: a floor far below any sampled share (no floor in effect). */
    static Map<String, Long> sampleSupport(Map<String, double[]> uRaw, long samplePairs) {
        Map<String, Long> support = new LinkedHashMap<>();
        uRaw.keySet().forEach(name -> support.put(name, 2 * Math.max(samplePairs, 1)));
        return support;
    }

    /**
     * u without the matches a random sample also holds: a share {@code prior} of random pairs match
     * and show level i with probability m; removing them matters on small populations, where the
     * sample holds enough matches to make agreement look common. No sampled u falls below the share one
     * pair would have among the sampled pairs with both values: a level the sample cannot tell from the matches
     * it holds (a shared birth date, among a few ten thousand pairs with birth dates) keeps that chance
     * level instead of an almost-zero u and an overwhelming weight.
     *
     * <p>A level counted over all identities ({@link #withValueCounts}) is handled apart: nearly all pairs
     * sharing an e-mail or a phone are one person's identities, so subtracting prior·m, itself less
     * precise than the small remainder, leaves u far too high. Blocking on the
     * value makes every such pair a candidate that EM has judged already ({@code candidateMatches}, see
     * {@link #candidateMatches}): u is the sharing pairs EM does not take for matches, as a share of the
     * non-matching pairs with values, and at least one of those pairs (a floor that falls with the
     * population, as the prior does).
     */
    public static Map<String, double[]> withoutMatches(
            UEstimate raw, Parameters p, Map<String, double[]> candidateMatches) {
        Map<String, double[]> uRaw = raw.u();
        Map<String, double[]> out = new LinkedHashMap<>();
        uRaw.forEach((name, u) -> {
            double floor = 1.0 / (Math.max(raw.pairsWithValues().getOrDefault(name, 0L), 0L) + u.length);
            ValueCounts counted = raw.counts().get(name);
            double[] matches = candidateMatches.get(name);
            double[] m = p.m().get(name);
            double[] adjusted = new double[u.length];
            double sum = 0;
            for (int i = 0; i < u.length; i++) {
                if (counted != null && counted.sharingPairs()[i] >= 0) {
                    adjusted[i] = countedU(
                            counted.sharingPairs()[i],
                            matches == null ? 0 : matches[i],
                            counted.pairsWithValues(),
                            matches == null
                                    ? 0
                                    : java.util.Arrays.stream(matches).sum(),
                            u.length);
                } else {
                    adjusted[i] = Math.max((u[i] - p.prior() * m[i]) / (1 - p.prior()), floor);
                }
                sum += adjusted[i];
            }
            for (int i = 0; i < u.length; i++) {
                adjusted[i] /= sum;
            }
            out.put(name, adjusted);
        });
        return out;
    }

    /**
     * u of a counted level: of the {@code sharing} pairs, those that are not among the {@code matches} EM
     * expects at the level, as a share of the non-matching pairs with values; at least one such pair.
     */
    static double countedU(long sharing, double matches, long pairsWithValues, double matchesWithValues, int levels) {
        double nonMatching = Math.max(pairsWithValues - matchesWithValues, 1);
        return Math.max((sharing - matches) / nonMatching, 1.0 / (nonMatching + levels));
    }

    /**
     * Adds {@code match_weight} and {@code match_probability}, and per comparison its weight
     * ({@code w_<name>}), to comparison vectors that carry the {@link #tfValue} columns. {@code termFrequencies}
     * maps a tf column to a table {@code value, tf} (the share of records with that value).
     */
    public static Dataset<Row> score(
            Dataset<Row> vectors,
            List<MatchingConfig.Comparison> comparisons,
            Parameters params,
            Map<String, Dataset<Row>> termFrequencies) {
        Dataset<Row> out = vectors;
        List<Column> weights = new ArrayList<>();
        for (MatchingConfig.Comparison c : comparisons) {
            Column g = col(Comparisons.gammaColumn(c));
            Column w = lit(0.0);
            for (int i = c.levels().size() - 1; i >= 0; i--) {
                w = when(g.equalTo(i), lit(params.weight(c.name(), i))).otherwise(w);
            }
            for (int i = 0; i < c.levels().size(); i++) {
                MatchingConfig.Level level = c.levels().get(i);
                if (level.tf().isPresent()) {
                    String column = level.tf().get();
                    String alias = "tf_" + c.name() + "_" + i;
                    Dataset<Row> tf = termFrequencies
                            .get(column)
                            .select(col("value").as(alias + "_value"), col("tf").as(alias));
                    out = out.join(broadcast(tf), col(tfValue(column)).equalTo(col(alias + "_value")), "left")
                            .drop(alias + "_value");
                    double uLevel = params.u().get(c.name())[i];
                    // log2(u_level / tf(value)): rarer than average strengthens an exact match, commoner weakens it.
                    Column adjustment = when(
                                    g.equalTo(i).and(col(alias).isNotNull()),
                                    log(2.0, lit(uLevel).divide(col(alias))))
                            .otherwise(0.0);
                    w = w.plus(adjustment);
                }
            }
            out = out.withColumn("w_" + c.name(), w);
            weights.add(col("w_" + c.name()));
        }
        Column total = lit(log2(params.prior() / (1 - params.prior())));
        for (Column w : weights) {
            total = total.plus(w);
        }
        return out.withColumn("match_weight", total)
                .withColumn(
                        "match_probability",
                        lit(1.0).divide(lit(1.0).plus(exp(col("match_weight").multiply(-Math.log(2))))))
                .drop(termColumns(out.columns()));
    }

    /** The column of a pair holding the value of {@code column} its term-frequency adjustment looks up (dropped by {@link #score}). */
    public static String tfValue(String column) {
        return "tf_value_" + column;
    }

    /** Share of nodes per value of a column, for term-frequency adjustment. */
    public static Dataset<Row> termFrequency(Dataset<Row> nodes, String column) {
        Dataset<Row> counts = nodes.filter(col(column).isNotNull())
                .groupBy(col(column).as("value"))
                .agg(count(lit(1)).as("n"));
        Dataset<Row> total = counts.agg(functions.sum("n").as("total"));
        return counts.crossJoin(broadcast(total))
                .select(col("value"), col("n").divide(col("total")).as("tf"));
    }

    private static String[] termColumns(String[] columns) {
        return java.util.Arrays.stream(columns).filter(c -> c.startsWith("tf_")).toArray(String[]::new);
    }

    static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
