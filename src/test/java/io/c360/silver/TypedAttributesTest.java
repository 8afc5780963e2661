package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TypedAttributesTest {
    private static final String MODEL = "blocking: {rules: [{name: e, keys: [email]}]}\nmodel: {}\n";

    @Test
    void aSourceMayDeclareAttributesBeyondTheBuiltInOnesWithTheirTypes() {
        IdentityConfig identity = IdentityConfig.parse("identity.yaml", """
                sources:
                  people:
                    record_id: id
                    email: {column: mail}
                    occupation: {column: 'lower(job)', type: text}
                    birth_place: {column: born_in, type: place}
                """);

        IdentityConfig.SourceMapping people = identity.sources().get("people");
        assertEquals("lower(job)", people.attributes().get("occupation"));
        assertEquals("mail", people.attributes().get("email"));
        assertEquals(Map.of("occupation", AttributeType.TEXT, "birth_place", AttributeType.PLACE), identity.extras());
    }

    @Test
    void anUntypedUnknownAttributeSaysHowToDeclareIt() {
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> IdentityConfig.parse("identity.yaml", "sources: {shop: {record_id: id, occupation: job}}"));

        assertTrue(
                e.getMessage().startsWith("identity.yaml: sources.shop.occupation: not a built-in attribute"),
                e.getMessage());
        assertTrue(e.getMessage().contains("occupation: {column: <expression>, type: "), e.getMessage());
    }

    @Test
    void aWrongTypeAndABuiltInRetypedAreErrors() {
        C360Exception unknownType = assertThrows(
                C360Exception.class,
                () -> IdentityConfig.parse(
                        "identity.yaml", "sources: {shop: {record_id: id, job: {column: j, type: words}}}"));
        assertTrue(
                unknownType.getMessage().startsWith("identity.yaml: sources.shop.job.type: expected one of name, "),
                unknownType.getMessage());

        C360Exception retyped = assertThrows(
                C360Exception.class,
                () -> IdentityConfig.parse(
                        "identity.yaml", "sources: {shop: {record_id: id, email: {column: m, type: text}}}"));
        assertTrue(retyped.getMessage().contains("built-in attribute email is of type email"), retyped.getMessage());

        C360Exception twoTypes = assertThrows(
                C360Exception.class,
                () -> IdentityConfig.parse(
                        "identity.yaml",
                        "sources: {a: {record_id: id, job: {column: j, type: text}},"
                                + " b: {record_id: id, job: {column: j, type: category}}}"));
        assertTrue(twoTypes.getMessage().contains("attribute job is declared as text"), twoTypes.getMessage());
    }

    @Test
    void aTemplatedComparisonExpandsToItsTypesLevels() {
        MatchingConfig config = MatchingConfig.parse(
                "matching.yaml",
                MODEL + "comparisons:\n  - {attribute: surname}\n  - {attribute: job, template: text}\n");

        assertEquals(
                List.of("initial", "exact", "jaro_winkler_92", "jaro_winkler_80", "swapped_with_given_name", "else"),
                config.comparisons().get(0).levels().stream()
                        .map(MatchingConfig.Level::name)
                        .toList());
        MatchingConfig.Comparison job = config.comparisons().get(1);
        assertEquals("job", job.name());
        assertEquals("l.job IS NULL OR r.job IS NULL", job.nullWhen());
        assertEquals(
                List.of("exact", "jaro_winkler_90", "shared_word", "else"),
                job.levels().stream().map(MatchingConfig.Level::name).toList());
        assertEquals("job", job.levels().get(0).tf().orElseThrow(), "an exact match is adjusted by term frequency");
    }

    @Test
    void templateParametersSetBandsTermFrequenciesAndPinnedLevels() {
        MatchingConfig config = MatchingConfig.parse(
                "matching.yaml",
                MODEL + "comparisons:\n  - {name: first, attribute: given_name, thresholds: [0.9], tf: false,"
                        + " m: {else: 0.02}}\n");

        MatchingConfig.Comparison first = config.comparisons().get(0);
        assertEquals("first", first.name());
        assertEquals(
                List.of("exact", "nickname", "jaro_winkler_90", "swapped_with_surname", "else"),
                first.levels().stream().map(MatchingConfig.Level::name).toList());
        assertTrue(first.levels().get(0).tf().isEmpty());
        assertEquals(0.02, first.levels().get(4).m().orElseThrow());

        C360Exception noSuchLevel = assertThrows(
                C360Exception.class,
                () -> MatchingConfig.parse(
                        "matching.yaml", MODEL + "comparisons:\n  - {attribute: email, m: {exactly: 0.9}}\n"));
        assertTrue(noSuchLevel.getMessage().contains("m.exactly: no level of that name"), noSuchLevel.getMessage());
    }

    @Test
    void anExtraAttributeTakesItsTemplateFromTheMappingAndAnUnknownOneIsNamed() {
        MatchingConfig written = MatchingConfig.parse(
                "matching.yaml", MODEL + "comparisons:\n  - {attribute: email}\n  - {attribute: born_in}\n");

        MatchingConfig bound =
                written.over(Map.of("email", AttributeType.EMAIL, "born_in", AttributeType.PLACE), "matching.yaml");
        assertEquals(
                List.of("exact", "jaro_winkler_90", "else"),
                bound.comparisons().get(1).levels().stream()
                        .map(MatchingConfig.Level::name)
                        .toList());

        C360Exception unknown = assertThrows(C360Exception.class, () -> written.over(Map.of(), "matching.yaml"));
        assertTrue(
                unknown.getMessage()
                        .startsWith("matching.yaml: comparison 'born_in': attribute 'born_in' is not an attribute"),
                unknown.getMessage());
    }

    @Test
    void aComparisonReadingAColumnRecordsDoNotCarryIsNamed() {
        MatchingConfig written = MatchingConfig.parse(
                "matching.yaml",
                MODEL
                        + "comparisons:\n  - {name: occupation, levels: [{name: exact, when: 'l.occupation = r.occupation'}, {name: else}]}\n");

        C360Exception e = assertThrows(C360Exception.class, () -> written.over(Map.of(), "matching.yaml"));
        assertTrue(
                e.getMessage().startsWith("matching.yaml: comparison 'occupation' reads l.occupation / r.occupation"),
                e.getMessage());
    }
}
