package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** EM on pattern counts: no Spark needed, the counts are what the engine collects. */
class FellegiSunterTest {
  private static MatchingConfig.Comparison comparison(String name) {
    return new MatchingConfig.Comparison(name, "false", List.of(
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
      patterns.add(RowFactory.create((mask & 1) != 0 ? 0 : 1, (mask & 2) != 0 ? 0 : 1, (mask & 4) != 0 ? 0 : 1,
          Math.round(n * (pm + pu))));
    }
    Map<String, double[]> u = Map.of("a", new double[] {0.01, 0.99}, "b", new double[] {0.05, 0.95}, "c", new double[] {0.1, 0.9});
    MatchingConfig.Model model = new MatchingConfig.Model(0.9, 0.5, 1000, 200, 1e-9, 0.05, 1, false);

    FellegiSunter.Parameters p = FellegiSunter.train(patterns, comparisons, u, model, 1000, n * 10);

    assertEquals(prior, p.candidatePrior(), 0.01, "share of matches among the candidates");
    assertEquals(0.95, p.m().get("a")[0], 0.01);
    assertEquals(0.9, p.m().get("b")[0], 0.01);
    assertEquals(0.8, p.m().get("c")[0], 0.01);
    assertEquals(prior / 10, p.prior(), 0.002, "the prior over all pairs: expected matches / all pairs");
    assertTrue(p.weight("a", 0) > 0 && p.weight("a", 1) < 0, "agreement is evidence for, disagreement against");
  }

  @Test
  void patternsKnownToBeNonMatchesTeachEmNothingAboutMatches() {
    List<MatchingConfig.Comparison> comparisons = List.of(comparison("a"), comparison("b"));
    Map<String, double[]> u = Map.of("a", new double[] {0.01, 0.99}, "b", new double[] {0.01, 0.99});
    MatchingConfig.Model model = new MatchingConfig.Model(0.9, 0.5, 1000, 200, 1e-9, 0.05, 1, false, true);
    // 900 pairs agree on both (matches); 600 agree on a only, which EM alone would call matches too
    // (agreement on a is rare among random pairs) although a veto says they are different people.
    List<Row> unflagged = List.of(RowFactory.create(0, 0, 900L), RowFactory.create(0, 1, 600L), RowFactory.create(1, 1, 500L));
    List<Row> flagged = List.of(RowFactory.create(0, 0, 900L, false), RowFactory.create(0, 1, 600L, true),
        RowFactory.create(1, 1, 500L, false));

    FellegiSunter.Parameters plain = FellegiSunter.train(unflagged, comparisons, u, model, 1000, 100_000);
    FellegiSunter.Parameters vetoed = FellegiSunter.train(flagged, comparisons, u, model, 1000, 100_000);

    assertTrue(plain.m().get("b")[1] > 0.3, "without the flag, the vetoed pairs pass for matches that disagree on b: " + plain.m().get("b")[1]);
    assertTrue(vetoed.m().get("b")[1] < 0.01, "with it, matches agree on b: " + vetoed.m().get("b")[1]);
    assertEquals(900.0 / 2000, vetoed.candidatePrior(), 0.01, "the vetoed pairs count as non-matches");
  }
}
