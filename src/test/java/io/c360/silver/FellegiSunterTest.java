package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** EM on pattern counts: no Spark needed, the counts are what the engine collects. */
@Tag("unit")
class FellegiSunterTest {
    private static MatchingConfig.Comparison comparison(String name) {
        return new MatchingConfig.Comparison(
                name,
                "false",
                List.of(
                        new MatchingConfig.Level("exact", Optional.of("true"), Optional.empty(), Optional.empty()),
                        new MatchingConfig.Level("else", Optional.empty(), Optional.empty(), Optional.empty())));
    }

    @Test
    void emRecoversTheMatchProbabilitiesFromPatternCountsGeneratedByAKnownModel() {
        List<MatchingConfig.Comparison> comparisons = List.of(comparison("a"), comparison("b"), comparison("c"));
        double[] mTrue = {0.95, 0.9, 0.8};
        double[] uTrue = {0.01, 0.05, 0.1};
        double prior = 0.3;
        long n = 1_000_000;
        List<Row> patterns = new ArrayList<>();
        for (int mask = 0; mask < 8; mask++) {
            double pm = prior;
            double pu = 1 - prior;
            for (int c = 0; c < 3; c++) {
                boolean agree = (mask & (1 << c)) != 0;
                pm *= agree ? mTrue[c] : 1 - mTrue[c];
                pu *= agree ? uTrue[c] : 1 - uTrue[c];
            }
            patterns.add(RowFactory.create(
                    (mask & 1) != 0 ? 0 : 1,
                    (mask & 2) != 0 ? 0 : 1,
                    (mask & 4) != 0 ? 0 : 1,
                    Math.round(n * (pm + pu))));
        }
        Map<String, double[]> u =
                Map.of("a", new double[] {0.01, 0.99}, "b", new double[] {0.05, 0.95}, "c", new double[] {0.1, 0.9});
        MatchingConfig.Model model = model(200, false);

        FellegiSunter.Parameters p = FellegiSunter.train(patterns, comparisons, u, model, 1000, n * 10);

        assertEquals(prior, p.candidatePrior(), 0.01, "share of matches among the candidates");
        assertEquals(0.95, p.m().get("a")[0], 0.01);
        assertEquals(0.9, p.m().get("b")[0], 0.01);
        assertEquals(0.8, p.m().get("c")[0], 0.01);
        assertEquals(prior / 10, p.prior(), 0.002, "the prior over all pairs: expected matches / all pairs");
        assertTrue(p.weight("a", 0) > 0 && p.weight("a", 1) < 0, "agreement is evidence for, disagreement against");
        assertTrue(p.emConverged(), "the last change fell to the tolerance");
        assertTrue(p.emChange() <= 1e-9 && p.emIterations() < 200, "stopped before the limit: " + p.emIterations());

        MatchingConfig.Model twoIterations = model(2, false);
        FellegiSunter.Parameters stopped = FellegiSunter.train(patterns, comparisons, u, twoIterations, 1000, n * 10);
        assertEquals(2, stopped.emIterations());
        assertFalse(stopped.emConverged(), "stopped at em_max_iterations, still moving");
        assertTrue(stopped.emChange() > 1e-9);
        assertEquals(6, p.levels(comparisons).size(), "m, u and weight for every level");
        assertEquals(p.weight("b", 1), p.levels(comparisons).get(3).weight());
    }

    @Test
    void emStartsALevelAtItsMStartAndTheOthersFillTheRest() {
        MatchingConfig.Comparison c = new MatchingConfig.Comparison(
                "birth_date",
                "false",
                List.of(
                        new MatchingConfig.Level(
                                "exact",
                                Optional.of("true"),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.of(0.6)),
                        new MatchingConfig.Level("close", Optional.of("true"), Optional.empty(), Optional.empty()),
                        new MatchingConfig.Level("else", Optional.empty(), Optional.empty(), Optional.empty())));

        double[] m = FellegiSunter.startingM(c);

        assertEquals(0.6, m[0], 1e-12, "m_start as given");
        assertEquals(1.0, m[0] + m[1] + m[2], 1e-12);
        assertTrue(m[1] > m[2], "of the rest, the closer level likelier than the catch-all");
        double[] generic = FellegiSunter.startingM(comparison("a"));
        assertTrue(generic[0] > 0.9, "without m_start: matches mostly agree");
    }

    @Test
    void patternsKnownToBeNonMatchesTeachEmNothingAboutMatches() {
        List<MatchingConfig.Comparison> comparisons = List.of(comparison("a"), comparison("b"));
        Map<String, double[]> u = Map.of("a", new double[] {0.01, 0.99}, "b", new double[] {0.01, 0.99});
        MatchingConfig.Model model = model(200, true);
        // 900 pairs agree on both (matches); 600 agree on a only, which EM alone would call matches too
        // (agreement on a is rare among random pairs) although a veto says they are different people.
        List<Row> unflagged =
                List.of(RowFactory.create(0, 0, 900L), RowFactory.create(0, 1, 600L), RowFactory.create(1, 1, 500L));
        List<Row> flagged = List.of(
                RowFactory.create(0, 0, 900L, false),
                RowFactory.create(0, 1, 600L, true),
                RowFactory.create(1, 1, 500L, false));

        FellegiSunter.Parameters plain = FellegiSunter.train(unflagged, comparisons, u, model, 1000, 100_000);
        FellegiSunter.Parameters vetoed = FellegiSunter.train(flagged, comparisons, u, model, 1000, 100_000);

        assertTrue(
                plain.m().get("b")[1] > 0.3,
                "without the flag, the vetoed pairs pass for matches that disagree on b: "
                        + plain.m().get("b")[1]);
        assertTrue(
                vetoed.m().get("b")[1] < 0.01,
                "with it, matches agree on b: " + vetoed.m().get("b")[1]);
        assertEquals(900.0 / 2000, vetoed.candidatePrior(), 0.01, "the vetoed pairs count as non-matches");
    }

    @Test
    void comparisonsAPairWasBlockedOnTeachEmNothing() {
        List<MatchingConfig.Comparison> comparisons = List.of(comparison("name"), comparison("email"));
        Map<String, double[]> u = Map.of("name", new double[] {0.001, 0.999}, "email", new double[] {0.0001, 0.9999});
        MatchingConfig.Model model = model(200, true);
        // 900 matches agree on both (found by the e-mail and the name rule: nothing switched off); 600
        // namesakes agree on the name only and were found by the name rule alone, so their name agreement
        // says nothing (bit 1: name off); 500 pairs of another rule agree on neither.
        List<Row> plain = List.of(
                RowFactory.create(0, 0, 900L, false),
                RowFactory.create(0, 1, 600L, false),
                RowFactory.create(1, 1, 500L, false));
        List<Row> blocked = List.of(
                RowFactory.create(0, 0, 900L, false, 0),
                RowFactory.create(0, 1, 600L, false, 1),
                RowFactory.create(1, 1, 500L, false, 0));

        FellegiSunter.Parameters all = FellegiSunter.train(plain, comparisons, u, model, 1000, 100_000);
        FellegiSunter.Parameters without = FellegiSunter.train(blocked, comparisons, u, model, 1000, 100_000);

        assertTrue(
                all.m().get("email")[1] > 0.3,
                "with the name counted, namesakes pass for matches with another e-mail: "
                        + all.m().get("email")[1]);
        assertTrue(
                without.m().get("email")[1] < 0.01,
                "without it, matches share their e-mail: " + without.m().get("email")[1]);
        assertEquals(900.0 / 2000, without.candidatePrior(), 0.01, "the namesakes are not matches");
        assertTrue(
                without.m().get("name")[0] > 0.99,
                "m of the name comes from the pairs not blocked on it: "
                        + without.m().get("name")[0]);
    }

    @Test
    void aLevelSeenOnlyWhereItsComparisonIsOffIsStillLearnt() {
        MatchingConfig.Comparison email = new MatchingConfig.Comparison(
                "email",
                "false",
                List.of(
                        new MatchingConfig.Level("exact", Optional.of("true"), Optional.empty(), Optional.empty()),
                        new MatchingConfig.Level("same_user", Optional.of("true"), Optional.empty(), Optional.empty()),
                        new MatchingConfig.Level("else", Optional.empty(), Optional.empty(), Optional.empty())));
        List<MatchingConfig.Comparison> comparisons = List.of(comparison("name"), email);
        Map<String, double[]> u =
                Map.of("name", new double[] {0.001, 0.999}, "email", new double[] {0.0001, 0.00001, 0.99989});
        MatchingConfig.Model model = model(200, true);
        // 900 matches agree on both; 60 records without a name share only an e-mail's user part (domain
        // mistyped), found by the user-part rule alone (bit 2: e-mail off); 500 pairs agree on neither.
        List<Row> patterns = List.of(
                RowFactory.create(0, 0, 900L, false, 0),
                RowFactory.create(-1, 1, 60L, false, 2),
                RowFactory.create(1, 2, 500L, false, 0));

        FellegiSunter.Parameters p = FellegiSunter.train(patterns, comparisons, u, model, 1000, 100_000);

        assertTrue(
                p.m().get("email")[1] > 0.01,
                "no pair with the e-mail on shows the level, so these pairs teach it: "
                        + p.m().get("email")[1]);
        assertEquals(960.0 / 1460, p.candidatePrior(), 0.01, "the mistyped domains are matches");
    }

    private static FellegiSunter.Parameters parameters(double prior, Map<String, double[]> m) {
        return new FellegiSunter.Parameters(prior, 0.5, m, Map.of(), 1, 1, 1_000_000);
    }

    @Test
    void aCountedLevelReplacesTheSampleAndTheOtherLevelsFillTheRest() {
        // Sampled: exact 3e-6 (about the one pair in a million a sample can resolve), else the rest.
        FellegiSunter.UEstimate sampled = new FellegiSunter.UEstimate(
                Map.of("email", new double[] {3e-6, 0.2, 0.8 - 3e-6}), Map.of("email", 400_000L));
        // 100,001 identities with an e-mail: 5,000,050,000 pairs, 1,000 of which share one.
        FellegiSunter.ValueCounts counts = new FellegiSunter.ValueCounts(100_001, new long[] {1_000, -1, -1});

        FellegiSunter.UEstimate u = FellegiSunter.withValueCounts(sampled, Map.of("email", counts));

        assertEquals(1_000.0 / 5_000_050_000L, u.u().get("email")[0], 1e-15);
        assertEquals(1.0, java.util.Arrays.stream(u.u().get("email")).sum(), 1e-12);
        assertEquals(0.25, u.u().get("email")[1] / u.u().get("email")[2], 1e-6, "the sampled levels keep their ratio");
        assertEquals(counts, u.counts().get("email"));
    }

    @Test
    void aComparisonWithoutCountsOrWithoutPairsKeepsItsSample() {
        FellegiSunter.UEstimate sampled = new FellegiSunter.UEstimate(
                Map.of("a", new double[] {0.1, 0.9}, "b", new double[] {0.2, 0.8}), Map.of("a", 100L, "b", 100L));

        FellegiSunter.UEstimate u = FellegiSunter.withValueCounts(
                sampled, Map.of("b", new FellegiSunter.ValueCounts(1, new long[] {0, -1})));

        assertEquals(0.1, u.u().get("a")[0]);
        assertEquals(0.2, u.u().get("b")[0], "one identity with a value makes no pair to count");
        assertTrue(u.counts().isEmpty());
    }

    @Test
    void candidateMatchesAreEachPatternsCountTimesItsPosteriorAndNoneForKnownNonMatches() {
        List<MatchingConfig.Comparison> comparisons = List.of(comparison("a"), comparison("b"));
        // Candidate prior 0.5; a: m 0.9 / u 0.1 (9:1 per agreement), b the same.
        FellegiSunter.Parameters p = new FellegiSunter.Parameters(
                1e-4,
                0.5,
                Map.of("a", new double[] {0.9, 0.1}, "b", new double[] {0.9, 0.1}),
                Map.of("a", new double[] {0.1, 0.9}, "b", new double[] {0.1, 0.9}),
                1,
                1,
                1);
        List<Row> patterns = List.of(
                RowFactory.create(0, 0, 820L, false), // odds 81:1
                RowFactory.create(0, 1, 100L, false), // odds 1:1
                RowFactory.create(0, 0, 50L, true), // a veto: none are matches
                RowFactory.create(-1, 1, 10L, false)); // a missing: odds 1:9

        Map<String, double[]> matches = FellegiSunter.candidateMatches(patterns, comparisons, p);

        assertEquals(810 + 50, matches.get("a")[0], 1e-9);
        assertEquals(0, matches.get("a")[1], 1e-9, "a pattern without a's values counts for neither of its levels");
        assertEquals(810, matches.get("b")[0], 1e-9);
        assertEquals(50 + 1, matches.get("b")[1], 1e-9);
    }

    @Test
    void aCountedLevelKeepsTheSharingPairsEmDoesNotTakeForMatches() {
        // 1,000,001 identities with a phone: 500,000,500,000 pairs; 10,100 share one, of which EM takes
        // 10,000 for matches (and 30,000 matches overall have phones). A prior·m subtraction would leave a
        // difference of two near-equal numbers; this keeps the 100 EM calls non-matches.
        FellegiSunter.UEstimate raw = FellegiSunter.withValueCounts(
                new FellegiSunter.UEstimate(
                        Map.of("phone", new double[] {1e-6, 0.01, 0.99 - 1e-6}), Map.of("phone", 300_000L)),
                Map.of("phone", new FellegiSunter.ValueCounts(1_000_001, new long[] {10_100, -1, -1})));
        FellegiSunter.Parameters p = parameters(6e-8, Map.of("phone", new double[] {0.5, 0.1, 0.4}));

        double[] u = FellegiSunter.withoutMatches(raw, p, Map.of("phone", new double[] {10_000, 3_000, 17_000}))
                .get("phone");

        assertEquals(100.0 / (500_000_500_000L - 30_000), u[0], 1e-15);
        assertEquals(1.0, java.util.Arrays.stream(u).sum(), 1e-12);
        assertTrue(u[1] > 0.009, "a sampled level is adjusted as before: " + u[1]);
    }

    @Test
    void aCountedLevelEmTakesWhollyForMatchesFallsToOnePairAmongAllPairsWithValues() {
        long[] identities = {10_001, 1_000_001};
        double[] u = new double[2];
        for (int s = 0; s < 2; s++) {
            long pairs = identities[s] * (identities[s] - 1) / 2;
            FellegiSunter.UEstimate raw = FellegiSunter.withValueCounts(
                    new FellegiSunter.UEstimate(
                            Map.of("email", new double[] {1e-6, 1 - 1e-6}), Map.of("email", 300_000L)),
                    Map.of("email", new FellegiSunter.ValueCounts(identities[s], new long[] {500, -1})));
            u[s] = FellegiSunter.withoutMatches(
                            raw,
                            parameters(1e-5, Map.of("email", new double[] {0.8, 0.2})),
                            Map.of("email", new double[] {500, 100}))
                    .get("email")[0];
            assertEquals(1.0 / (pairs - 600 + 2), u[s], 1e-4 * u[s], "before the levels are scaled to sum to 1");
        }
        assertTrue(
                u[0] / u[1] > 9_000,
                "the floor falls with the population, as the prior does, where a sample's stays put");
    }

    @Test
    void withoutCountsUIsAdjustedAsBefore() {
        Map<String, double[]> uRaw = Map.of("a", new double[] {0.01, 0.99});
        FellegiSunter.Parameters p = parameters(0.005, Map.of("a", new double[] {0.9, 0.1}));

        double[] u = FellegiSunter.withoutMatches(new FellegiSunter.UEstimate(uRaw, Map.of("a", 1_000L)), p, Map.of())
                .get("a");

        double exact = (0.01 - 0.005 * 0.9) / (1 - 0.005);
        double rest = (0.99 - 0.005 * 0.1) / (1 - 0.005);
        assertEquals(exact / (exact + rest), u[0], 1e-12);
    }

    /** A model as a matching file writes it: the other settings as these tests have always used them. */
    private static MatchingConfig.Model model(int emIterations, boolean vetoedAsNonMatches) {
        return io.c360.config.ConfigReader.parse(
                "model",
                "{link_threshold: 0.9, review_threshold: 0.5, u_sample_pairs: 1000, em_max_iterations: " + emIterations
                        + ", em_tolerance: 1.0e-9, initial_prior: 0.05, seed: 1, em_vetoed_as_non_matches: "
                        + vetoedAsNonMatches + ", em_without_blocked_comparisons: false}",
                MatchingConfig.Model.class);
    }
}
