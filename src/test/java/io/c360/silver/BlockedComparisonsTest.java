package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which comparisons EM leaves out of a pair's likelihood: those every rule that found the pair keys on. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class BlockedComparisonsTest {
    private static final MatchingConfig CONFIG = MatchingConfig.parse("matching.yaml", """
      blocking:
        rules:
          - {name: email_user, keys: ["substring_index(email, '@', 1)"]}
          - {name: names, keys: ['soundex(given_name)', 'soundex(surname)']}
          - {name: crm_id, keys: [crm_id]}
      comparisons:
        - name: given_name
          levels: [{name: exact, when: 'l.given_name = r.given_name'}, {name: swapped, when: 'l.given_name = r.surname'}, {name: else}]
        - name: surname
          levels: [{name: exact, when: 'l.surname = r.surname'}, {name: else}]
        - name: email
          levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]
      model: {em_without_blocked_comparisons: true}
      """);

    private final SparkSession spark;

    BlockedComparisonsTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void aRuleKeysTheComparisonsWhoseStrictestLevelReadsItsColumns() {
        assertEquals(
                Set.of("email"),
                Matcher.keyColumns(CONFIG.blocking().get(0)),
                "a literal is no column, a function no column");
        assertEquals(
                Set.of("given_name", "surname"),
                Matcher.keyColumns(CONFIG.blocking().get(1)));
        assertEquals(
                Set.of("given_name"),
                Matcher.comparedColumns(CONFIG.comparisons().get(0)),
                "only the first level counts");
    }

    @Test
    void aComparisonIsOffOnlyWhenEveryRuleThatFoundThePairKeysOnIt() {
        Dataset<Row> pairs = spark.sql("""
        SELECT * FROM VALUES (1, array('email_user')), (2, array('names')), (3, array('email_user', 'names')),
                             (4, array('crm_id')), (5, array('names', 'crm_id')), (6, CAST(array() AS ARRAY<STRING>))
        AS pairs(pair, blocking_rules)""");

        List<Integer> off = pairs.orderBy("pair")
                .select(Matcher.blockedComparisons(CONFIG))
                .as(org.apache.spark.sql.Encoders.INT())
                .collectAsList();

        // bits: given_name 1, surname 2, email 4
        assertEquals(List.of(4, 3, 0, 0, 0, 0), off);
    }

    @Test
    void theSettingIsPartOfTheModelFingerprint() {
        MatchingConfig without = MatchingConfig.parse(
                "matching.yaml",
                "blocking: {rules: [{name: crm_id, keys: [crm_id]}]}\ncomparisons:\n  - name: email\n    levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]\nmodel: {em_without_blocked_comparisons: false}\n");
        MatchingConfig with = MatchingConfig.parse(
                "matching.yaml",
                "blocking: {rules: [{name: crm_id, keys: [crm_id]}]}\ncomparisons:\n  - name: email\n    levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]\nmodel: {em_without_blocked_comparisons: true}\n");

        assertEquals(false, ModelStore.fingerprint(with).equals(ModelStore.fingerprint(without)));
    }

    @Test
    void moreComparisonsThanBitsInAnIntIsAClearError() {
        StringBuilder yaml = new StringBuilder("blocking: {rules: [{name: crm_id, keys: [crm_id]}]}\ncomparisons:\n");
        for (int c = 0; c < 32; c++) {
            yaml.append("  - name: c")
                    .append(c)
                    .append("\n    levels: [{name: exact, when: 'l.crm_id = r.crm_id'}, {name: else}]\n");
        }
        MatchingConfig wide =
                MatchingConfig.parse("matching.yaml", yaml + "model: {em_without_blocked_comparisons: true}\n");

        io.c360.C360Exception e = org.junit.jupiter.api.Assertions.assertThrows(
                io.c360.C360Exception.class, () -> Matcher.blockedComparisons(wide));
        assertEquals(true, e.getMessage().contains("at most 31 comparisons, found 32"), e.getMessage());
    }
}
