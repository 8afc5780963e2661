package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Signs that a trained model learned nonsense, from its parameters and the pairs it decided: a model
 * that links most candidates on a single shared value has fitted something other than "same person"
 * (a household, a common value, the blocking key itself), and one for which an agreement counts
 * against a match has its evidence upside down. The flags name comparisons, levels and counts only,
 * never a value, so they may go to progress lines and the run log.
 */
public final class ModelFlags {
    /** The flag for a model that links most candidate pairs, most of them on one agreeing comparison. */
    public static final String MOST_CANDIDATES_LINKED = "most_candidates_linked";

    /** The flag for an agreement that weighs against a match. */
    public static final String AGREEMENT_AGAINST_MATCH = "agreement_against_match";

    /**
     * More than this share: most. Blocking proposes pairs that share something, and when it is tight
     * most of them are matches; linking most of them is nonsense only when most links rest on one
     * shared value, which is what a blocking key is.
     */
    static final double MOST = 0.5;

    private ModelFlags() {}

    /** One sign of a model that learned nonsense: its kind and a sentence without personal data. */
    public record Flag(
            @JsonProperty("kind") String kind,
            @JsonProperty("message") String message) {}

    /**
     * What the decided pairs show of the model: how many candidate pairs, how many linked (by the model
     * or a rule), how many of those agree on at most one comparison, and per comparison the candidate
     * pairs at each level (a level no candidate pair reached taught the model nothing).
     */
    public record Evidence(long candidatePairs, long linkedPairs, long linkedOnOne, Map<String, long[]> levelPairs) {}

    /** One aggregation over the decided pairs ({@code gamma_<name>} and {@code decision} per pair). */
    public static Evidence evidence(Dataset<Row> decided, List<MatchingConfig.Comparison> comparisons) {
        Column linked = col("decision").isin(Matcher.LINKED, Matcher.LINKED_BY_RULE, Matcher.LINKED_BY_STEWARD);
        Column agreeing = lit(0);
        List<Column> sums =
                new ArrayList<>(List.of(count(lit(1)), sum(when(linked, 1L).otherwise(0L))));
        for (MatchingConfig.Comparison c : comparisons) {
            Column level = col(Comparisons.gammaColumn(c));
            int last = c.levels().size() - 1;
            agreeing = agreeing.plus(when(level.geq(0).and(level.lt(last)), 1).otherwise(0));
            for (int i = 0; i <= last; i++) {
                sums.add(sum(when(level.equalTo(i), 1L).otherwise(0L)));
            }
        }
        sums.add(sum(when(linked.and(agreeing.leq(1)), 1L).otherwise(0L)));
        Row row = decided.agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
                .head();
        Map<String, long[]> levels = new LinkedHashMap<>();
        int at = 2;
        for (MatchingConfig.Comparison c : comparisons) {
            long[] pairs = new long[c.levels().size()];
            for (int i = 0; i < pairs.length; i++) {
                pairs[i] = longAt(row, at++);
            }
            levels.put(c.name(), pairs);
        }
        return new Evidence(longAt(row, 0), longAt(row, 1), longAt(row, at), levels);
    }

    private static long longAt(Row row, int i) {
        return row.isNullAt(i) ? 0 : row.getLong(i);
    }

    /**
     * The flags: most candidate pairs linked while most links rest on at most one agreeing comparison;
     * a comparison's first (strictest) level weighing against a match; any other agreement level weighing
     * less than the catch-all (agreeing a little counting more against a match than not agreeing at all)
     * while EM placed at least one match in it. Levels no candidate pair reached are left out: their m is
     * the starting value or a floor, not learned.
     */
    public static List<Flag> of(
            FellegiSunter.Parameters parameters, List<MatchingConfig.Comparison> comparisons, Evidence evidence) {
        List<Flag> flags = new ArrayList<>();
        long candidates = evidence.candidatePairs();
        long linked = evidence.linkedPairs();
        if (candidates > 0 && linked > MOST * candidates && evidence.linkedOnOne() > MOST * linked) {
            flags.add(new Flag(
                    MOST_CANDIDATES_LINKED,
                    String.format(
                            Locale.ROOT,
                            "%,d of %,d candidate pairs linked (%.0f%%; training took %.0f%% for matches), %,d of"
                                    + " those links on at most one agreeing comparison: the model may have learned"
                                    + " what blocking keys share rather than one person",
                            linked,
                            candidates,
                            100.0 * linked / candidates,
                            100 * parameters.candidatePrior(),
                            evidence.linkedOnOne())));
        }
        for (MatchingConfig.Comparison c : comparisons) {
            double[] m = parameters.m().get(c.name());
            double[] u = parameters.u().get(c.name());
            long[] seen = evidence.levelPairs().get(c.name());
            if (m == null || u == null || seen == null) {
                continue;
            }
            int last = c.levels().size() - 1;
            double catchAll = parameters.weight(c.name(), last);
            for (int level = 0; level < last; level++) {
                double weight = parameters.weight(c.name(), level);
                // A level EM placed less than one match in has no learned m, only EM's floor: its weight says
                // that matches never agree this way, not that agreeing counts against them. An exact
                // agreement without matches is nonsense all the same.
                double matchesAtLevel = m[level] * parameters.candidatePrior() * parameters.candidatePairs();
                boolean upsideDown = level == 0 ? weight < 0 : weight < catchAll && matchesAtLevel >= 1;
                if (seen[level] > 0 && upsideDown) {
                    flags.add(new Flag(
                            AGREEMENT_AGAINST_MATCH,
                            String.format(
                                    Locale.ROOT,
                                    "%s level '%s' weighs %.2f (m %.3g, u %.3g, %,d candidate pairs)%s: an agreement"
                                            + " that counts against a match",
                                    c.name(),
                                    c.levels().get(level).name(),
                                    weight,
                                    m[level],
                                    u[level],
                                    seen[level],
                                    level == 0
                                            ? ""
                                            : String.format(
                                                    Locale.ROOT,
                                                    ", less than '%s' at %.2f",
                                                    c.levels().get(last).name(),
                                                    catchAll))));
                }
            }
        }
        return flags;
    }
}
