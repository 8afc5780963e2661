package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class MatchingConfigTest {
    private static MatchingConfig parse(String levels) {
        return MatchingConfig.parse(
                "matching.yaml",
                "blocking: {rules: [{name: email, keys: [email]}]}\n" + "comparisons:\n  - name: email\n    levels: "
                        + levels + "\nmodel: {}\n");
    }

    @Test
    void aLevelMayTakeItsUFromValueCounts() {
        MatchingConfig c =
                parse("[{name: exact, when: 'l.email = r.email', u_from_value_counts: email}, {name: else}]");

        assertEquals(
                Optional.of("email"), c.comparisons().get(0).levels().get(0).uFromValueCounts());
        assertEquals(Optional.empty(), c.comparisons().get(0).levels().get(1).uFromValueCounts());
    }

    @Test
    void theCatchAllLevelCannotBeCounted() {
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> parse("[{name: exact, when: 'l.email = r.email'}, {name: else, u_from_value_counts: email}]"));

        assertTrue(
                e.getMessage().contains("u_from_value_counts") && e.getMessage().contains("catch-all"), e.getMessage());
    }

    @Test
    void anEmptyExpressionIsRejected() {
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> parse("[{name: exact, when: 'l.email = r.email', u_from_value_counts: ' '}, {name: else}]"));

        assertTrue(e.getMessage().contains("u_from_value_counts"), e.getMessage());
    }

    @Test
    void theShippedRulesCountTheSharedEmailAndPhoneLevels() {
        MatchingConfig shipped = MatchingConfig.load(Path.of("silver/matching.yaml"));

        for (String comparison : new String[] {"email", "phone"}) {
            MatchingConfig.Comparison c = shipped.comparisons().stream()
                    .filter(x -> x.name().equals(comparison))
                    .findFirst()
                    .orElseThrow();
            assertTrue(c.levels().get(0).uFromValueCounts().isPresent(), comparison);
        }
        MatchingConfig.Comparison phone = shipped.comparisons().stream()
                .filter(x -> x.name().equals("phone"))
                .findFirst()
                .orElseThrow();
        assertTrue(phone.levels().get(1).uFromValueCounts().isPresent(), "a shared landline too");
    }

    @Test
    void theDefaultsAreTheValuesTheShippedFileDocuments() {
        MatchingConfig shipped = MatchingConfig.load(Path.of("silver/matching.yaml"));
        MatchingConfig minimal = parse("[{name: exact, when: 'l.email = r.email'}, {name: else}]");

        assertEquals(shipped.model(), minimal.model());
        assertEquals(
                shipped.blocking().get(0).maxBlockSize(),
                minimal.blocking().get(0).maxBlockSize());
    }

    @Test
    void aMisspeltKeyIsNamedWithTheKeyItWasProbablyMeantToBe() {
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> MatchingConfig.parse(
                        "matching.yaml",
                        "blocking: {rules: [{name: email, keys: [email]}]}\n"
                                + "comparisons: [{name: email, levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]}]\n"
                                + "model: {link_treshold: 0.9}\n"));

        assertTrue(
                e.getMessage()
                        .startsWith("matching.yaml: model.link_treshold: unknown key (a typo of 'link_threshold'?);"),
                e.getMessage());
    }

    @Test
    void aRuleMayCapItsBlocksBelowTheDefault() {
        MatchingConfig c = MatchingConfig.parse(
                "matching.yaml",
                "blocking:\n  max_block_size: 300\n"
                        + "  rules: [{name: email, keys: [email]}, {name: names, keys: [surname], max_block_size: 50}]\n"
                        + "comparisons: [{name: email, levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]}]\nmodel: {}\n");

        assertEquals(
                List.of(300, 50),
                c.blocking().stream()
                        .map(MatchingConfig.BlockingRule::maxBlockSize)
                        .toList());
    }

    @Test
    void aCapBelowTwoIsRejectedNamingTheRuleItStandsIn() {
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> MatchingConfig.parse(
                        "matching.yaml",
                        "blocking: {rules: [{name: names, keys: [surname], max_block_size: 1}]}\n"
                                + "comparisons: [{name: email, levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]}]\nmodel: {}\n"));

        assertTrue(
                e.getMessage().startsWith("matching.yaml: blocking.rules[0].max_block_size: ")
                        && e.getMessage().contains("at least 2"),
                e.getMessage());
    }

    @Test
    void countingALevelChangesTheModelFingerprint() {
        MatchingConfig counted =
                parse("[{name: exact, when: 'l.email = r.email', u_from_value_counts: email}, {name: else}]");
        MatchingConfig plain = parse("[{name: exact, when: 'l.email = r.email'}, {name: else}]");

        assertTrue(!ModelStore.fingerprint(counted).equals(ModelStore.fingerprint(plain)));
    }

    @Test
    void aRuleMayBeEnforcedWhateverTheDataSays() {
        MatchingConfig c = MatchingConfig.parse(
                "matching.yaml",
                "blocking: {rules: [{name: email, keys: [email]}]}\n"
                        + "comparisons: [{name: email, levels: [{name: exact, when: 'l.email = r.email', m_start: 0.9}, {name: else}]}]\n"
                        + "model: {rule_contradiction_share: 0.1, near_certain: 0.95}\n"
                        + "rules: {cannot_link: [{name: a, when: 'true', enforce: always}, {name: b, when: 'true'}]}\n");

        assertEquals(
                List.of(true, false),
                c.cannotLinkRules().stream()
                        .map(MatchingConfig.PairRule::enforced)
                        .toList());
        assertEquals(Optional.of(0.9), c.comparisons().get(0).levels().get(0).mStart());
        assertEquals(0.1, c.model().ruleContradictionShare());
        assertEquals(0.95, c.model().nearCertain());
    }

    @Test
    void anUnknownEnforcementIsRejectedNamingTheKey() {
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> MatchingConfig.parse(
                        "matching.yaml",
                        "blocking: {rules: [{name: email, keys: [email]}]}\n"
                                + "comparisons: [{name: email, levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]}]\n"
                                + "model: {}\n"
                                + "rules: {link: [{name: a, when: 'true', enforce: sometimes}]}\n"));

        assertTrue(e.getMessage().contains("enforce") && e.getMessage().contains("always"), e.getMessage());
    }

    @Test
    void changingARuleOrItsEnforcementChangesTheModelFingerprint() {
        String base = "blocking: {rules: [{name: email, keys: [email]}]}\n"
                + "comparisons: [{name: email, levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]}]\n"
                + "model: {em_vetoed_as_non_matches: false}\n";
        String checked = ModelStore.fingerprint(MatchingConfig.parse(
                "matching.yaml", base + "rules: {link: [{name: a, when: 'l.email = r.email'}]}\n"));
        String enforced = ModelStore.fingerprint(MatchingConfig.parse(
                "matching.yaml", base + "rules: {link: [{name: a, when: 'l.email = r.email', enforce: always}]}\n"));
        String vetoed = ModelStore.fingerprint(
                MatchingConfig.parse("matching.yaml", base + "rules: {cannot_link: [{name: a, when: 'true'}]}\n"));

        assertTrue(!checked.equals(enforced) && !checked.equals(vetoed) && !enforced.equals(vetoed));
    }

    @Test
    void blockingAutoLeavesTheRulesToTheDataAndAnythingElseNamesWhatWasExpected() {
        String rest = "comparisons: [{attribute: email}]\nmodel: {}\n";

        MatchingConfig auto = MatchingConfig.parse("matching.yaml", "blocking: auto\n" + rest);
        assertTrue(auto.blockingFromData());
        assertTrue(auto.blocking().isEmpty());

        C360Exception e = assertThrows(
                C360Exception.class, () -> MatchingConfig.parse("matching.yaml", "blocking: sometimes\n" + rest));
        assertTrue(e.getMessage().startsWith("matching.yaml: blocking: expected rules"), e.getMessage());
        assertTrue(e.getMessage().contains("'auto'"), e.getMessage());
    }
}
