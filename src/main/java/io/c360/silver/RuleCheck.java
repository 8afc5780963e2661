package io.c360.silver;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What training found when it checked one rule of {@code rules:} against the data: on how many
 * candidate pairs it was checked, on how many of them the rule and the model disagree, and whether the
 * rule is applied. A rule the data contradicts on more than {@code model.rule_contradiction_share} of
 * its pairs is not applied unless it says {@code enforce: always}.
 *
 * <ul>
 *   <li>{@code cannot_link}: checked on the pairs a model trained without the veto's influence takes
 *       for near-certain matches; disagreeing where the veto fires.
 *   <li>{@code link}: checked on the pairs the rule links (no applied veto holds); disagreeing where
 *       the comparisons alone make the pair a near-certain non-match.
 *   <li>{@code model_link_requires} (the set, named {@value #REQUIREMENTS}): checked on the model's
 *       near-certain matches; disagreeing where none of the requirements holds. The entries are
 *       alternatives, so only the set is judged: it is applied as a whole or not at all.
 *   <li>{@code model_link_requirement} (one entry of the set): the same pairs; disagreeing where this
 *       entry does not hold. Never contradicted on its own; applied with its set.
 * </ul>
 */
@JsonIgnoreProperties(value = "share", allowGetters = true)
public record RuleCheck(
        @JsonProperty("kind") String kind,
        @JsonProperty("rule") String rule,
        @JsonProperty("checked_pairs") long checkedPairs,
        @JsonProperty("disagreeing_pairs") long disagreeingPairs,
        @JsonProperty("contradicted") boolean contradicted,
        @JsonProperty("applied") boolean applied) {

    public static final String CANNOT_LINK = "cannot_link";
    public static final String LINK = "link";
    public static final String MODEL_LINK_REQUIRES = "model_link_requires";
    public static final String MODEL_LINK_REQUIREMENT = "model_link_requirement";
    /** The name of the check of the whole {@code model_link_requires} set. */
    public static final String REQUIREMENTS = "model_link_requires";

    /** Share of the checked pairs on which the rule and the model disagree (0 when none was checked). */
    @JsonProperty("share")
    public double share() {
        return checkedPairs == 0 ? 0 : (double) disagreeingPairs / checkedPairs;
    }

    /** The checks of rules the data contradicted, in the order they were checked. */
    public static List<RuleCheck> contradicted(List<RuleCheck> checks) {
        return checks.stream().filter(RuleCheck::contradicted).toList();
    }

    /** One line for a person: kind, name, share, and whether it is applied. */
    public String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "%s %s: %.1f %% of %d pairs disagree%s",
                kind,
                rule,
                100 * share(),
                checkedPairs,
                contradicted ? (applied ? ", contradicted but enforced" : ", contradicted: not applied") : "");
    }
}
