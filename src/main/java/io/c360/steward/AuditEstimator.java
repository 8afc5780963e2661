package io.c360.steward;

import io.c360.C360Exception;
import java.util.List;
import java.util.Optional;

/**
 * The statistics of an accuracy audit, on counts only: how a sample is allocated to strata, and the
 * stratified estimates of precision and recall with their 95 % intervals (docs/stewardship.md has the
 * formulas and the reasons for them).
 *
 * <p><b>Allocation.</b> Precision gets about two thirds of the sample and recall one third: precision is
 * the figure sponsors ask for, and a recall item is usually a clear non-match that tells less. Within
 * each purpose every non-empty stratum gets at least {@code min(N_h, max(1, floor(m / 2H)))} items, so a
 * small stratum (steward links, rule links) is estimated at all, and the rest goes by highest averages
 * ({@code N_h / (n_h + 1)}), which keeps the sample as near proportional to the strata as the floors allow.
 *
 * <p><b>Estimate.</b> p̂ = Σ W_h p̂_h with W_h = N_h / N and p̂_h the share of matches among the items
 * answered match or non_match ({@code unsure} is non-response); variance Σ W_h² p̂_h (1 − p̂_h) / n_h ·
 * (1 − n_h / N_h). The interval is Wilson's score interval at an effective sample size: Kish's
 * (Σ w_i)² / Σ w_i² with w_i = N_h / n_h, which stays meaningful when every answer agrees (p̂ = 1, where
 * a normal interval collapses to a point), or the smaller n at which a simple random sample would have the
 * stratified variance, when the strata disagree so much that Kish's n would overstate the precision. That
 * second n is computed with p̃_h = (x_h + 2) / (n_h + 4) (Agresti and Coull's adjustment), so a
 * stratum whose answers all agree still contributes variance.
 *
 * <p><b>Recall</b> = T̂ / (T̂ + M̂): T̂ = N_precision · p̂_precision true pairs among the pairs sharing a
 * customer, M̂ = Σ N_h p̂_h matches among the candidate pairs that do not. Its variance is the delta
 * method's, its interval Wilson's at the n the variance implies (again with the adjusted p̃_h), never
 * above Kish's n of all items.
 */
public final class AuditEstimator {
    /** The normal quantile of a two-sided 95 % interval. */
    static final double Z95 = 1.959963984540054;

    private AuditEstimator() {}

    /**
     * Items per stratum for {@code size} items over the strata's populations (of one purpose): floors
     * first, the rest by highest averages; all of a population smaller than {@code size}.
     */
    static int[] allocate(long[] populations, int size) {
        int[] n = new int[populations.length];
        long total = 0;
        int strata = 0;
        for (long p : populations) {
            total += p;
            strata += p > 0 ? 1 : 0;
        }
        if (strata == 0) {
            return n;
        }
        if (size >= total) {
            for (int h = 0; h < n.length; h++) {
                n[h] = (int) populations[h];
            }
            return n;
        }
        if (size < strata) {
            throw new C360Exception(
                    "an audit of " + size + " items cannot cover " + strata + " strata; expected at least " + strata);
        }
        int floor = Math.max(1, size / (2 * strata));
        int given = 0;
        for (int h = 0; h < n.length; h++) {
            n[h] = (int) Math.min(populations[h], floor);
            given += n[h];
        }
        for (; given < size; given++) {
            int best = -1;
            for (int h = 0; h < n.length; h++) {
                if (n[h] < populations[h]
                        && (best < 0 || populations[h] / (n[h] + 1.0) > populations[best] / (n[best] + 1.0))) {
                    best = h;
                }
            }
            n[best]++;
        }
        return n;
    }

    /**
     * How many of {@code size} items go to precision and how many to recall: about two thirds and one
     * third, at least one per non-empty stratum of each, at most each population.
     */
    static int[] split(
            int size, long precisionPopulation, int precisionStrata, long recallPopulation, int recallStrata) {
        long precision = Math.min(precisionPopulation, Math.max(precisionStrata, Math.round(2.0 * size / 3)));
        long recall = Math.min(recallPopulation, Math.max(recallStrata, size - precision));
        precision = Math.min(precisionPopulation, size - recall);
        recall = Math.min(recallPopulation, size - precision);
        if (precision < Math.min(precisionStrata, precisionPopulation)
                || recall < Math.min(recallStrata, recallPopulation)) {
            int strata = precisionStrata + recallStrata;
            throw new C360Exception("an audit of " + size + " items cannot cover " + strata
                    + " strata; expected --size at least " + strata);
        }
        return new int[] {(int) precision, (int) recall};
    }

    /** The stratified estimate of the match share over the strata of a purpose; empty while a stratum has no answer. */
    static Optional<Estimate> proportion(List<Stratum> strata) {
        if (!covered(strata)) {
            return Optional.empty();
        }
        double population = population(strata);
        double p = total(strata, false) / population;
        double n = Math.min(kish(strata), designN(strata));
        double[] interval = wilson(p, n);
        return Optional.of(new Estimate(p, interval[0], interval[1], n));
    }

    /**
     * Recall among the pairs blocking compared: matches sharing a customer over all matches among those
     * and the candidate pairs not sharing one. Empty while a stratum has no answer or no match was seen.
     */
    static Optional<Estimate> recall(List<Stratum> precision, List<Stratum> recall) {
        if (!covered(precision) || !covered(recall)) {
            return Optional.empty();
        }
        double t = total(precision, false);
        double m = total(recall, false);
        if (t + m == 0) {
            return Optional.empty();
        }
        double value = t / (t + m);
        double ta = total(precision, true);
        double ma = total(recall, true);
        double adjusted = ta / (ta + ma);
        double variance = (ma * ma * variance(precision) + ta * ta * variance(recall)) / Math.pow(ta + ma, 4);
        List<Stratum> all = new java.util.ArrayList<>(precision);
        all.addAll(recall);
        double n = Math.min(kish(all), variance > 0 ? adjusted * (1 - adjusted) / variance : Double.POSITIVE_INFINITY);
        double[] interval = wilson(value, n);
        return Optional.of(new Estimate(value, interval[0], interval[1], n));
    }

    /** Wilson's score interval of a proportion p observed on n trials (n need not be whole), at 95 %. */
    static double[] wilson(double p, double n) {
        if (!(n > 0)) {
            return new double[] {0, 1};
        }
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = Z95 / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /** Every non-empty stratum has at least one item answered match or non_match (and some stratum is non-empty). */
    private static boolean covered(List<Stratum> strata) {
        return population(strata) > 0 && strata.stream().allMatch(s -> s.population() == 0 || s.decided() > 0);
    }

    private static double population(List<Stratum> strata) {
        return strata.stream().mapToDouble(Stratum::population).sum();
    }

    private static double share(Stratum s) {
        return s.decided() == 0 ? 0 : (double) s.matches() / s.decided();
    }

    /** Agresti and Coull's adjusted share: two matches and two non-matches added, never 0 or 1. */
    private static double adjustedShare(Stratum s) {
        return (s.matches() + 2.0) / (s.decided() + 4.0);
    }

    /** Kish's effective sample size (Σ w_i)² / Σ w_i², w_i = N_h / n_h over the answered items. */
    static double kish(List<Stratum> strata) {
        double sum = 0;
        double squares = 0;
        for (Stratum s : strata) {
            if (s.population() > 0 && s.decided() > 0) {
                sum += s.population();
                squares += (double) s.population() * s.population() / s.decided();
            }
        }
        return squares == 0 ? 0 : sum * sum / squares;
    }

    /** The n of a simple random sample with the stratified variance of the adjusted shares. */
    private static double designN(List<Stratum> strata) {
        double population = population(strata);
        double p = 0;
        for (Stratum s : strata) {
            p += s.population() / population * adjustedShare(s);
        }
        double v = variance(strata) / (population * population);
        return v > 0 ? p * (1 - p) / v : Double.POSITIVE_INFINITY;
    }

    /** Σ N_h p_h over the strata, with the observed or the adjusted shares. */
    private static double total(List<Stratum> strata, boolean adjusted) {
        return strata.stream()
                .filter(s -> s.population() > 0)
                .mapToDouble(s -> s.population() * (adjusted ? adjustedShare(s) : share(s)))
                .sum();
    }

    /** The variance of Σ N_h p_h with the adjusted shares, finite-population corrected. */
    private static double variance(List<Stratum> strata) {
        double v = 0;
        for (Stratum s : strata) {
            if (s.population() > 0) {
                double p = adjustedShare(s);
                double n = s.decided();
                v += (double) s.population() * s.population() * p * (1 - p) / n * (1 - n / s.population());
            }
        }
        return v;
    }
}
