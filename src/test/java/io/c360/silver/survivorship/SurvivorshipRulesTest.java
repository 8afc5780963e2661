package io.c360.silver.survivorship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.silver.survivorship.SurvivorshipRules.Rule;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SurvivorshipRulesTest {
    private static final String VALID = """
      source_priority: [crm, billing, web]
      fields:
        - {name: email, rule: most_recent}
        - {name: national_id, rule: source_priority, sources: [billing]}
      groups:
        - {name: address, fields: [street, city, postcode], rule: most_recent, require: [street]}
      """;

    private static String errorOf(String yaml) {
        return assertThrows(C360Exception.class, () -> SurvivorshipRules.parse("rules.yaml", yaml))
                .getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + part + "' not in: " + message);
        }
    }

    @Test
    void theShippedRulesLoad() {
        SurvivorshipRules rules = SurvivorshipRules.load(Path.of("silver/survivorship.yaml"));
        assertEquals(List.of("crm", "billing", "ecommerce", "support", "consent", "web"), rules.sourcePriority());
        assertEquals(
                List.of(
                        "given_name",
                        "surname",
                        "email",
                        "phone",
                        "birth_date",
                        "national_id",
                        "house_number",
                        "street",
                        "unit",
                        "city",
                        "state",
                        "postcode"),
                rules.fields());
        Rule nationalId = rules.rules().get(5);
        assertEquals(Strategy.SOURCE_PRIORITY, nationalId.strategy());
        assertEquals(List.of("billing"), nationalId.sources());
        Rule address = rules.rules().get(6);
        assertEquals("address", address.name());
        assertEquals(Strategy.MOST_RECENT, address.strategy());
        assertEquals(List.of("street"), address.required());
    }

    @Test
    void aSingleFieldRequiresItselfAndRanksByTheGlobalPriorityUnlessItHasItsOwn() {
        SurvivorshipRules rules = SurvivorshipRules.parse("rules.yaml", VALID);
        assertEquals(List.of("email"), rules.rules().get(0).required());
        assertEquals(List.of("crm", "billing", "web"), rules.rules().get(1).priority());

        SurvivorshipRules own =
                SurvivorshipRules.parse("rules.yaml", VALID.replace("sources: [billing]", "priority: [web, crm]"));
        assertEquals(List.of("web", "crm"), own.rules().get(1).priority());
    }

    @Test
    void anUnknownStrategyNamesFileKeyAndTheStrategies() {
        assertMentions(
                errorOf(VALID.replace("rule: most_recent}", "rule: newest}")),
                "rules.yaml",
                "fields[0].rule",
                "most_recent",
                "'newest'");
    }

    @Test
    void anUnknownKeyNamesFileAndKey() {
        assertMentions(
                errorOf(VALID.replace("rule: most_recent}", "rule: most_recent, source: [crm]}")),
                "rules.yaml",
                "fields[0].source",
                "unknown key",
                "sources");
        assertMentions(errorOf(VALID + "survivors: []\n"), "rules.yaml", "survivors", "unknown key");
        assertMentions(errorOf(VALID.replace("require:", "requires:")), "rules.yaml", "groups[0].requires");
    }

    @Test
    void aFieldSurvivesByOneRuleOnly() {
        assertMentions(
                errorOf(VALID.replace("[street, city, postcode]", "[street, email, postcode]")),
                "rules.yaml",
                "groups[0].fields",
                "'email'",
                "fields[0].name");
        assertMentions(
                errorOf(VALID.replace("name: national_id", "name: email")), "rules.yaml", "fields[1].name", "'email'");
    }

    @Test
    void groupsRulesAndSystemsAreChecked() {
        assertMentions(errorOf(VALID.replace("require: [street]", "require: [unit]")), "groups[0].require", "'unit'");
        assertMentions(
                errorOf(VALID.replace("sources: [billing]", "sources: [biling]")),
                "fields[1].sources",
                "'biling'",
                "source_priority");
        assertMentions(
                errorOf(VALID.replace(
                        "{name: email, rule: most_recent}", "{name: email, rule: most_recent, priority: [crm]}")),
                "fields[0].priority",
                "source_priority");
        assertMentions(
                errorOf(VALID.replace("{name: email, rule: most_recent}", "{name: email, rule: most_complete}")),
                "fields[0].rule",
                "group");
        assertMentions(errorOf(VALID.replace("name: email", "name: record_time")), "fields[0].name", "record_time");
        assertMentions(
                errorOf(VALID.replace("source_priority: [crm, billing, web]", "source_priority: [crm, web, crm]")),
                "source_priority",
                "'crm' is listed twice");
        assertMentions(errorOf("source_priority: [crm]\n"), "rules.yaml", "fields", "at least one");
    }
}
