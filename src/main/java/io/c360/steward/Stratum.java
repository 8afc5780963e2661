package io.c360.steward;

/**
 * One stratum of an audit's sample: the pairs of one kind (how two records of a customer were joined,
 * or how close two records of different customers came), how many such pairs the lake holds
 * ({@code population}), how many the audit drew, and the answers so far ({@code unsure} answers are
 * non-response: they count in neither estimate).
 *
 * @param purpose {@code precision} (pairs sharing a customer) or {@code recall} (candidate pairs that do not)
 */
public record Stratum(
        String name, String purpose, long population, int sampled, int matches, int nonMatches, int unsure) {
    public static final String PRECISION = "precision";
    public static final String RECALL = "recall";

    /** Items answered match or non_match: the ones an estimate uses. */
    public int decided() {
        return matches + nonMatches;
    }

    Stratum answered(int matches, int nonMatches, int unsure) {
        return new Stratum(name, purpose, population, sampled, matches, nonMatches, unsure);
    }
}
