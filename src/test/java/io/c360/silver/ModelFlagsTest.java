package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ModelFlagsTest {
    private static final MatchingConfig.Comparison NAME = new MatchingConfig.Comparison(
            "given_name",
            "l.given_name IS NULL OR r.given_name IS NULL",
            List.of(
                    level("exact", "l.given_name = r.given_name"),
                    level("jaro_winkler_90", "jaro_winkler(l.given_name, r.given_name) >= 0.9"),
                    new MatchingConfig.Level("else", Optional.empty(), Optional.empty(), Optional.empty())));

    private static MatchingConfig.Level level(String name, String when) {
        return new MatchingConfig.Level(name, Optional.of(when), Optional.empty(), Optional.empty());
    }

    private static FellegiSunter.Parameters model(double[] m, double[] u) {
        return new FellegiSunter.Parameters(
                1e-4, 0.2, Map.of("given_name", m), Map.of("given_name", u), 12, 10_000, 1000);
    }

    private static ModelFlags.Evidence evidence(long candidates, long linked, long linkedOnOne, long... levels) {
        return new ModelFlags.Evidence(candidates, linked, linkedOnOne, Map.of("given_name", levels));
    }

    @Test
    void aSensibleModelIsNotFlagged() {
        // Tight blocking: nearly every candidate is a match and linked, but on several agreeing comparisons.
        List<ModelFlags.Flag> flags = ModelFlags.of(
                model(new double[] {0.8, 0.15, 0.05}, new double[] {0.01, 0.02, 0.97}),
                List.of(NAME),
                evidence(1000, 930, 12, 800, 150, 50));
        assertEquals(List.of(), flags);
    }

    @Test
    void exactAgreementWeighingAgainstAMatchIsFlagged() {
        List<ModelFlags.Flag> flags = ModelFlags.of(
                model(new double[] {0.01, 0.3, 0.69}, new double[] {0.05, 0.05, 0.9}),
                List.of(NAME),
                evidence(1000, 40, 5, 300, 200, 500));
        assertEquals(1, flags.size(), flags.toString());
        assertEquals(ModelFlags.AGREEMENT_AGAINST_MATCH, flags.get(0).kind());
        assertTrue(
                flags.get(0).message().startsWith("given_name level 'exact' weighs -2.32"),
                flags.get(0).message());
    }

    @Test
    void aSimilarityLevelBelowTheCatchAllIsFlaggedButAMildlyNegativeOneIsNot() {
        double[] u = {0.01, 0.04, 0.95};
        assertEquals(
                List.of(),
                ModelFlags.of(
                        model(new double[] {0.8, 0.02, 0.18}, u), List.of(NAME), evidence(1000, 40, 5, 300, 200, 500)),
                "jaro_winkler_90 at -1.0 still weighs more than else at -2.4");
        List<ModelFlags.Flag> flags = ModelFlags.of(
                model(new double[] {0.8, 0.005, 0.195}, u), List.of(NAME), evidence(1000, 40, 5, 300, 200, 500));
        assertEquals(1, flags.size(), flags.toString());
        assertTrue(
                flags.get(0).message().startsWith("given_name level 'jaro_winkler_90' weighs -3.00"),
                flags.get(0).message());
    }

    @Test
    void aSimilarityLevelHoldingNoMatchIsNotFlagged() {
        // EM placed no match at jaro_winkler_90 (m at its floor): on data whose duplicates keep their names
        // exact, a merely similar name is rightly strong evidence against a match.
        assertEquals(
                List.of(),
                ModelFlags.of(
                        model(new double[] {0.8, 1e-9, 0.2}, new double[] {0.01, 0.04, 0.95}),
                        List.of(NAME),
                        evidence(1000, 40, 5, 300, 200, 500)));
    }

    @Test
    void aLevelNoCandidateReachedIsNotFlagged() {
        // EM had nothing to learn m from: it sits at the floor, which says nothing about the data.
        assertEquals(
                List.of(),
                ModelFlags.of(
                        model(new double[] {1e-9, 0.3, 0.7}, new double[] {0.01, 0.04, 0.95}),
                        List.of(NAME),
                        evidence(1000, 40, 5, 0, 200, 800)));
    }

    @Test
    void mostCandidatesLinkedOnOneSharedValueIsFlagged() {
        List<ModelFlags.Flag> flags = ModelFlags.of(
                model(new double[] {0.8, 0.15, 0.05}, new double[] {0.01, 0.02, 0.97}),
                List.of(NAME),
                evidence(1000, 700, 600, 800, 150, 50));
        assertEquals(1, flags.size(), flags.toString());
        assertEquals(ModelFlags.MOST_CANDIDATES_LINKED, flags.get(0).kind());
        assertTrue(
                flags.get(0).message().startsWith("700 of 1,000 candidate pairs linked"),
                flags.get(0).message());
    }
}
