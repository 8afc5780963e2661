package io.c360.steward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class AuditEstimatorTest {

    @Test
    void wilsonIntervalsOfKnownValues() {
        // Textbook values: 50 of 100, and 10 of 10 (where a normal interval would be the point 1).
        double[] half = AuditEstimator.wilson(0.5, 100);
        assertEquals(0.4038, half[0], 1e-4);
        assertEquals(0.5962, half[1], 1e-4);
        double[] all = AuditEstimator.wilson(1.0, 10);
        assertEquals(10 / (10 + AuditEstimator.Z95 * AuditEstimator.Z95), all[0], 1e-12);
        assertEquals(1.0, all[1], 1e-12);
        double[] none = AuditEstimator.wilson(0.0, 10);
        assertEquals(0.0, none[0], 1e-12);
        assertEquals(0.2775, none[1], 1e-4);
        assertArrayEquals(new double[] {0, 1}, AuditEstimator.wilson(0.5, 0));
    }

    @Test
    void aSingleStratumIsWilsonAtItsSampleSize() {
        Estimate e =
                AuditEstimator.proportion(List.of(stratum(1_000_000, 90, 10))).orElseThrow();
        assertEquals(0.9, e.value(), 1e-12);
        assertEquals(100, e.effectiveSampleSize(), 1e-9);
        assertEquals(0.8256, e.low(), 1e-4);
        assertEquals(0.9448, e.high(), 1e-4);
    }

    @Test
    void strataAreWeightedByTheirPopulations() {
        // 900 pairs all right (10 of 10), 100 half wrong (5 of 10): 0.9·1 + 0.1·0.5.
        List<Stratum> strata = List.of(stratum(900, 10, 0), stratum(100, 5, 5));
        Estimate e = AuditEstimator.proportion(strata).orElseThrow();
        assertEquals(0.95, e.value(), 1e-12);
        // Kish: (900 + 100)² / (900²/10 + 100²/10) = 10⁶ / 82,000.
        assertEquals(1e6 / 82_000, AuditEstimator.kish(strata), 1e-9);
        assertTrue(e.effectiveSampleSize() <= AuditEstimator.kish(strata));
        assertTrue(e.low() < 0.95 && e.high() > 0.95);
    }

    @Test
    void noEstimateWhileAStratumHasNoDecidedAnswer() {
        assertTrue(AuditEstimator.proportion(List.of(stratum(10, 3, 0), new Stratum("b", "precision", 5, 2, 0, 0, 2)))
                .isEmpty());
        assertTrue(AuditEstimator.proportion(List.of()).isEmpty());
    }

    @Test
    void recallIsTrueMatchesOverAllMatches() {
        // 1,000 pairs share a customer, all right; of 200 near-threshold pairs half are matches, of
        // 10,000 other candidates none: recall 1000 / (1000 + 100).
        Estimate r = AuditEstimator.recall(
                        List.of(stratum(1000, 20, 0)), List.of(stratum(200, 5, 5), stratum(10_000, 0, 10)))
                .orElseThrow();
        assertEquals(1000.0 / 1100, r.value(), 1e-12);
        assertTrue(r.low() < r.value() && r.high() > r.value());
        // Ten clean answers among 10,000 candidates rule out little: the interval stays wide.
        assertTrue(r.low() < 0.6, "low " + r.low());
    }

    @Test
    void allocationGivesEveryStratumAFloorAndTheRestProportionally() {
        assertArrayEquals(new int[] {39, 7, 7, 7}, AuditEstimator.allocate(new long[] {8000, 100, 50, 1000}, 60));
        // A stratum smaller than its floor is taken whole; empty strata get nothing.
        assertArrayEquals(new int[] {48, 2, 0, 10}, AuditEstimator.allocate(new long[] {8000, 2, 0, 1000}, 60));
        assertArrayEquals(new int[] {5, 2}, AuditEstimator.allocate(new long[] {5, 2}, 60));
        assertThrows(C360Exception.class, () -> AuditEstimator.allocate(new long[] {10, 10, 10}, 2));
        // Two thirds to precision, one third to recall; recall's share goes to precision when it has no pairs.
        assertArrayEquals(new int[] {40, 20}, AuditEstimator.split(60, 10_000, 5, 50_000, 2));
        assertArrayEquals(new int[] {60, 0}, AuditEstimator.split(60, 10_000, 5, 0, 0));
        assertArrayEquals(new int[] {10, 50}, AuditEstimator.split(60, 10, 5, 50_000, 2));
        assertThrows(C360Exception.class, () -> AuditEstimator.split(4, 10_000, 5, 50_000, 2));
    }

    /**
     * The intervals' coverage on a constructed population of known precision and recall: 1,000 audits
     * answered from the truth at each of two sizes; the 95 % intervals must hold the true figures about
     * 95 % of the time or more (they are built to err on the wide side).
     */
    @Test
    void intervalsCoverTheTrueFiguresOfAConstructedPopulation() {
        long[] precisionN = {5000, 800, 120, 3000, 600, 400};
        double[] precisionP = {1.0, 0.99, 1.0, 0.98, 0.8, 0.7};
        long[] recallN = {500, 20_000};
        double[] recallP = {0.3, 0.002};
        long[] precisionK = matches(precisionN, precisionP);
        long[] recallK = matches(recallN, recallP);
        double truePairs = sum(precisionK);
        double truePrecision = truePairs / sum(precisionN);
        double trueRecall = truePairs / (truePairs + sum(recallK));
        Random random = new Random(20261207);
        for (int size : new int[] {60, 200}) {
            int[] split = AuditEstimator.split(size, sum(precisionN), precisionN.length, sum(recallN), recallN.length);
            int[] np = AuditEstimator.allocate(precisionN, split[0]);
            int[] nr = AuditEstimator.allocate(recallN, split[1]);
            int precisionCovered = 0;
            int recallCovered = 0;
            int audits = 1000;
            for (int a = 0; a < audits; a++) {
                List<Stratum> precision = answered(precisionN, precisionK, np, random);
                List<Stratum> recall = answered(recallN, recallK, nr, random);
                Estimate p = AuditEstimator.proportion(precision).orElseThrow();
                Estimate r = AuditEstimator.recall(precision, recall).orElseThrow();
                precisionCovered += p.low() <= truePrecision && truePrecision <= p.high() ? 1 : 0;
                recallCovered += r.low() <= trueRecall && trueRecall <= r.high() ? 1 : 0;
            }
            assertTrue(precisionCovered >= 0.93 * audits, "size " + size + ": precision covered " + precisionCovered);
            assertTrue(recallCovered >= 0.93 * audits, "size " + size + ": recall covered " + recallCovered);
        }
    }

    private static long[] matches(long[] population, double[] share) {
        long[] k = new long[population.length];
        for (int h = 0; h < k.length; h++) {
            k[h] = Math.round(population[h] * share[h]);
        }
        return k;
    }

    /** Each stratum's sample drawn without replacement and answered from the truth. */
    private static List<Stratum> answered(long[] population, long[] matches, int[] n, Random random) {
        List<Stratum> strata = new ArrayList<>();
        for (int h = 0; h < population.length; h++) {
            long left = population[h];
            long good = matches[h];
            int x = 0;
            for (int i = 0; i < n[h]; i++, left--) {
                if (random.nextDouble() * left < good) {
                    x++;
                    good--;
                }
            }
            strata.add(new Stratum("s" + h, "precision", population[h], n[h], x, n[h] - x, 0));
        }
        return strata;
    }

    private static Stratum stratum(long population, int matches, int nonMatches) {
        return new Stratum("s", "precision", population, matches + nonMatches, matches, nonMatches, 0);
    }

    private static long sum(long[] values) {
        return java.util.Arrays.stream(values).sum();
    }
}
