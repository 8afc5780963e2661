package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How link rules and the {@code model_link_requires} set are judged, on hand-made comparison vectors
 * and a fixed model: agreement on the one comparison is near-certain evidence for a match, disagreement
 * near-certain evidence against.
 */
@Tag("unit")
class RuleJudgementTest {
    private static final MatchingConfig CONFIG = MatchingConfig.parse("matching.yaml", """
            blocking: {rules: [{name: email, keys: [email]}]}
            comparisons:
              - {name: email, levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]}
            model: {}
            rules:
              link:
                - {name: same_account, when: 'true'}
                - {name: same_card, when: 'true', enforce: always}
                - {name: same_customer_number, when: 'true'}
              model_link_requires:
                - {name: email_agrees, when: 'true'}
                - {name: phone_agrees, when: 'true'}
            """);

    /** Prior odds even; agreeing weighs +10, disagreeing -10. */
    private static final FellegiSunter.Parameters MODEL = new FellegiSunter.Parameters(
            0.5,
            0.5,
            Map.of("email", new double[] {0.999, 0.001}),
            Map.of("email", new double[] {0.001, 0.999}),
            5,
            1000,
            1000);

    /** One row of distinct comparison vectors: level, pairs, and the masks of the rules that hold. */
    private static Row row(int level, long pairs, int links, int requirements) {
        return RowFactory.create(level, pairs, 0, 0, links, requirements);
    }

    private static RuleCheck check(List<RuleCheck> checks, String rule) {
        return checks.stream().filter(c -> c.rule().equals(rule)).findFirst().orElseThrow();
    }

    private static List<RuleCheck> judge(List<Row> rows) {
        return RuleChecks.check(new RuleChecks.Patterns(rows, 1), CONFIG, vetoes -> MODEL)
                .ruleChecks();
    }

    @Test
    void aLinkRuleLinkingNearCertainNonMatchesIsNotAppliedUnlessEnforced() {
        // same_account and same_card link 90 agreeing pairs and 10 disagreeing ones; same_customer_number
        // links 90 agreeing pairs and 50 no comparison can see (no values): no evidence against it.
        List<RuleCheck> checks = judge(
                List.of(row(0, 90, 0b111, 0b11), row(1, 10, 0b011, 0), row(Comparisons.NULL_LEVEL, 50, 0b100, 0)));

        RuleCheck account = check(checks, "same_account");
        assertEquals(100, account.checkedPairs());
        assertEquals(0.1, account.share(), 1e-12);
        assertTrue(account.contradicted() && !account.applied(), account.describe());
        RuleCheck card = check(checks, "same_card");
        assertTrue(card.contradicted() && card.applied(), "enforce: always keeps it: " + card.describe());
        RuleCheck number = check(checks, "same_customer_number");
        assertEquals(140, number.checkedPairs());
        assertFalse(number.contradicted(), number.describe());
        assertFalse(MODEL.withRuleChecks(checks).applies(RuleCheck.LINK, "same_account"));
        assertTrue(MODEL.withRuleChecks(checks).applies(RuleCheck.LINK, "same_customer_number"));
    }

    @Test
    void theRequirementsAreJudgedAsOneSetOfAlternatives() {
        // Near-certain matches: 60 where only email_agrees holds, 30 where only phone_agrees does, 10 where none.
        List<RuleCheck> checks = judge(List.of(row(0, 60, 0, 0b01), row(0, 30, 0, 0b10), row(0, 10, 0, 0)));

        RuleCheck set = check(checks, RuleCheck.REQUIREMENTS);
        assertEquals(RuleCheck.MODEL_LINK_REQUIRES, set.kind());
        assertEquals(100, set.checkedPairs());
        assertEquals(0.1, set.share(), 1e-12, "none holds on 10 of 100");
        assertTrue(set.contradicted() && !set.applied(), set.describe());
        RuleCheck email = check(checks, "email_agrees");
        assertEquals(0.4, email.share(), 1e-12, "fails to hold on 40 of 100");
        assertFalse(email.contradicted(), "an alternative is never contradicted on its own");
        assertFalse(email.applied(), "applied with its set");
    }

    @Test
    void requirementsThatHoldOnTheModelsSureMatchesStayApplied() {
        List<RuleCheck> checks = judge(List.of(row(0, 99, 0, 0b01), row(0, 1, 0, 0), row(1, 500, 0, 0)));

        RuleCheck set = check(checks, RuleCheck.REQUIREMENTS);
        assertEquals(100, set.checkedPairs(), "near-certain non-matches are not checked");
        assertFalse(set.contradicted(), set.describe());
        assertTrue(MODEL.withRuleChecks(checks).applies(RuleCheck.MODEL_LINK_REQUIRES, RuleCheck.REQUIREMENTS));
    }
}
