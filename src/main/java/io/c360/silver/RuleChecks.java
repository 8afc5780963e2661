package io.c360.silver;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.c360.C360Exception;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Checks the rules of {@code rules:} against the data while the model is trained. A rule written for
 * one kind of data (twins have different given names; one person keeps one national id) may not hold
 * on another (a register whose duplicates carry mistyped ids): applied there, a veto separates true
 * duplicates the model is sure of. So each rule is compared with what the model, which learned from
 * these pairs, says about the pairs the rule decides (see {@link RuleCheck} for what is compared per
 * kind); a rule they contradict on more than {@code model.rule_contradiction_share} of them is not
 * applied, unless it says {@code enforce: always}. A near-certain match is a pair the model gives at
 * least {@code model.near_certain}; a near-certain non-match, one whose comparisons alone put the odds of
 * a match at (1 - near_certain) : near_certain or lower.
 *
 * <p>The check is not circular: with {@code em_vetoed_as_non_matches}, EM counts vetoed pairs as
 * non-matches, which would teach the model that what the veto separates is no match. Each veto is
 * therefore checked with a model trained with the other vetoes only, and the final model is trained
 * with the vetoes applied. A pair's probability here is the model's without term-frequency
 * adjustment (the check runs on the distinct comparison vectors, a few thousand rows).
 */
final class RuleChecks {
    private RuleChecks() {}

    /**
     * The candidate pairs' distinct comparison vectors with their counts and, as bit masks in the
     * order of the config, the vetoes, link rules and model link requirements that hold on them.
     */
    record Patterns(List<Row> rows, int comparisons) {
        long count(int row) {
            return rows.get(row).getLong(comparisons);
        }

        int vetoes(int row) {
            return rows.get(row).getInt(comparisons + 2);
        }

        int links(int row) {
            return rows.get(row).getInt(comparisons + 3);
        }

        int requirements(int row) {
            return rows.get(row).getInt(comparisons + 4);
        }

        /**
         * The rows as {@link FellegiSunter#train} reads them: levels, count, whether a veto of
         * {@code vetoes} (a mask) makes the pairs known non-matches, and the comparisons EM leaves out.
         */
        List<Row> forEm(int vetoes) {
            List<Row> out = new ArrayList<>(rows.size());
            for (int p = 0; p < rows.size(); p++) {
                Object[] values = new Object[comparisons + 3];
                for (int c = 0; c < comparisons; c++) {
                    values[c] = rows.get(p).getInt(c);
                }
                values[comparisons] = count(p);
                values[comparisons + 1] = (vetoes(p) & vetoes) != 0;
                values[comparisons + 2] = rows.get(p).getInt(comparisons + 1);
                out.add(RowFactory.create(values));
            }
            return out;
        }

        /** The model's match probability for the pairs of a row, as scoring gives it without term frequencies. */
        double probability(int row, List<MatchingConfig.Comparison> comparisons, FellegiSunter.Parameters p) {
            double weight = FellegiSunter.log2(p.prior() / (1 - p.prior())) + evidence(row, comparisons, p);
            return 1 / (1 + Math.pow(2, -weight));
        }

        /** The sum of the row's level weights: what the comparisons say, without the prior. */
        double evidence(int row, List<MatchingConfig.Comparison> comparisons, FellegiSunter.Parameters p) {
            double weight = 0;
            for (int c = 0; c < comparisons.size(); c++) {
                int g = rows.get(row).getInt(c);
                if (g >= 0) {
                    weight += p.weight(comparisons.get(c).name(), g);
                }
            }
            return weight;
        }
    }

    /** The {@link Patterns} of scored {@link Matcher#evidence}, with the comparisons EM leaves out per pair. */
    static Patterns patterns(Dataset<Row> evidence, MatchingConfig config, Column switchedOff) {
        List<Column> keys = new ArrayList<>();
        config.comparisons().forEach(c -> keys.add(col(Comparisons.gammaColumn(c))));
        keys.add(org.apache.spark.sql.functions.coalesce(switchedOff, lit(0)).as("switched_off"));
        keys.add(mask(Matcher.VETOES, config.cannotLinkRules(), "cannot_link").as("vetoes"));
        keys.add(mask(Matcher.LINK_RULES, config.linkRules(), "link").as("links"));
        keys.add(mask(Matcher.REQUIREMENTS, config.modelLinkRequires(), "model_link_requires")
                .as("requirements"));
        List<Column> ordered = new ArrayList<>();
        config.comparisons().forEach(c -> ordered.add(col(Comparisons.gammaColumn(c))));
        for (String c : new String[] {"n", "switched_off", "vetoes", "links", "requirements"}) {
            ordered.add(col(c));
        }
        List<Row> rows = evidence.groupBy(keys.toArray(Column[]::new))
                .agg(count(lit(1)).as("n"))
                .select(ordered.toArray(Column[]::new))
                .collectAsList();
        return new Patterns(rows, config.comparisons().size());
    }

    /** One bit per rule of {@code rules} whose name the array column {@code hits} holds. */
    private static Column mask(String hits, List<MatchingConfig.PairRule> rules, String key) {
        if (rules.size() > 31) {
            throw new C360Exception("rules." + key + " holds " + rules.size()
                    + " rules; checking them against the data keeps one bit per rule in an int: at most 31");
        }
        Column mask = lit(0);
        for (int i = 0; i < rules.size(); i++) {
            mask = mask.bitwiseOR(when(array_contains(col(hits), rules.get(i).name()), lit(1 << i))
                    .otherwise(lit(0)));
        }
        return mask;
    }

    /**
     * Checks every rule and trains the final model with the vetoes that stay applied.
     *
     * @param fit trains the model on the patterns with the vetoes of a mask counted as non-matches
     * @return the final model's parameters, carrying the checks
     */
    static FellegiSunter.Parameters check(
            Patterns patterns, MatchingConfig config, IntFunction<FellegiSunter.Parameters> fit) {
        MatchingConfig.Model model = config.model();
        List<MatchingConfig.Comparison> comparisons = config.comparisons();
        boolean vetoesTeach = model.emExcludesVetoed();
        Map<Integer, FellegiSunter.Parameters> fitted = new HashMap<>();
        IntFunction<FellegiSunter.Parameters> trained =
                vetoes -> fitted.computeIfAbsent(vetoesTeach ? vetoes : 0, fit::apply);
        double sure = model.nearCertain();
        List<RuleCheck> checks = new ArrayList<>();

        List<MatchingConfig.PairRule> vetoes = config.cannotLinkRules();
        int allVetoes = (1 << vetoes.size()) - 1;
        int appliedVetoes = allVetoes;
        for (int v = 0; v < vetoes.size(); v++) {
            FellegiSunter.Parameters without = trained.apply(allVetoes & ~(1 << v));
            long matches = 0;
            long fires = 0;
            for (int p = 0; p < patterns.rows().size(); p++) {
                if (patterns.probability(p, comparisons, without) >= sure) {
                    matches += patterns.count(p);
                    fires += (patterns.vetoes(p) & (1 << v)) != 0 ? patterns.count(p) : 0;
                }
            }
            RuleCheck c = judged(RuleCheck.CANNOT_LINK, vetoes.get(v), matches, fires, model);
            checks.add(c);
            if (!c.applied()) {
                appliedVetoes &= ~(1 << v);
            }
        }
        FellegiSunter.Parameters params = trained.apply(appliedVetoes);

        // A link rule links what the comparisons may not see (a customer number no comparison reads): the
        // prior alone makes such a pair look like a non-match. It contradicts the rule only where the
        // comparisons themselves put the odds against a match at near-certain, whatever the prior.
        double against = -FellegiSunter.log2(sure / (1 - sure));
        List<MatchingConfig.PairRule> links = config.linkRules();
        int appliedLinks = 0;
        List<RuleCheck> linkChecks = new ArrayList<>();
        for (int r = 0; r < links.size(); r++) {
            long linked = 0;
            long nonMatches = 0;
            for (int p = 0; p < patterns.rows().size(); p++) {
                if ((patterns.links(p) & (1 << r)) != 0 && (patterns.vetoes(p) & appliedVetoes) == 0) {
                    linked += patterns.count(p);
                    nonMatches += patterns.evidence(p, comparisons, params) <= against ? patterns.count(p) : 0;
                }
            }
            RuleCheck c = judged(RuleCheck.LINK, links.get(r), linked, nonMatches, model);
            linkChecks.add(c);
            appliedLinks |= c.applied() ? 1 << r : 0;
        }
        checks.addAll(linkChecks);

        List<MatchingConfig.PairRule> requirements = config.modelLinkRequires();
        if (!requirements.isEmpty()) {
            // The pairs the model alone links: near-certain, no applied veto, no applied link rule.
            long matches = 0;
            long noneHolds = 0;
            long[] fails = new long[requirements.size()];
            for (int p = 0; p < patterns.rows().size(); p++) {
                if ((patterns.vetoes(p) & appliedVetoes) == 0
                        && (patterns.links(p) & appliedLinks) == 0
                        && patterns.probability(p, comparisons, params) >= sure) {
                    long n = patterns.count(p);
                    matches += n;
                    noneHolds += patterns.requirements(p) == 0 ? n : 0;
                    for (int r = 0; r < requirements.size(); r++) {
                        fails[r] += (patterns.requirements(p) & (1 << r)) == 0 ? n : 0;
                    }
                }
            }
            boolean enforced = requirements.stream().anyMatch(MatchingConfig.PairRule::enforced);
            boolean contradicted = contradicts(matches, noneHolds, model);
            boolean applied = !contradicted || enforced;
            checks.add(new RuleCheck(
                    RuleCheck.MODEL_LINK_REQUIRES, RuleCheck.REQUIREMENTS, matches, noneHolds, contradicted, applied));
            for (int r = 0; r < requirements.size(); r++) {
                checks.add(new RuleCheck(
                        RuleCheck.MODEL_LINK_REQUIREMENT,
                        requirements.get(r).name(),
                        matches,
                        fails[r],
                        false,
                        applied));
            }
        }
        return params.withRuleChecks(checks);
    }

    private static RuleCheck judged(
            String kind, MatchingConfig.PairRule rule, long checked, long disagreeing, MatchingConfig.Model model) {
        boolean contradicted = contradicts(checked, disagreeing, model);
        return new RuleCheck(kind, rule.name(), checked, disagreeing, contradicted, !contradicted || rule.enforced());
    }

    private static boolean contradicts(long checked, long disagreeing, MatchingConfig.Model model) {
        return checked > 0 && (double) disagreeing / checked > model.ruleContradictionShare();
    }
}
