package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.SparkExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A register of 240 persons with two records each, and 4 pairs of twins (same surname and birth date,
 * their own given names and ids). Where a third of the duplicates carry a mistyped national id, the
 * veto "different national ids are different persons" contradicts what names and birth dates say;
 * where ids are kept, it holds and separates the twins.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class RuleChecksTest {
    private static final String VETO = "different_national_id";
    private final SparkSession spark;

    RuleChecksTest(SparkSession spark) {
        this.spark = spark;
    }

    private static MatchingConfig config(String enforce) {
        return MatchingConfig.parse("matching.yaml", """
                blocking: {rules: [{name: surname, keys: [surname]}]}
                comparisons:
                  - {name: given_name, levels: [{name: exact, when: 'l.given_name = r.given_name'}, {name: else}]}
                  - {name: surname, levels: [{name: exact, when: 'l.surname = r.surname'}, {name: else}]}
                  - {name: birth_date, levels: [{name: exact, when: 'l.birth_date = r.birth_date'}, {name: else}]}
                  - {name: national_id, levels: [{name: exact, when: 'l.national_id = r.national_id'}, {name: else}]}
                model: {u_sample_pairs: 100000}
                rules:
                  cannot_link:
                    - {name: different_national_id, when: 'l.national_id <> r.national_id'%s}
                """.formatted(enforce));
    }

    /** Identities ({@code id, given_name, surname, birth_date, national_id, records}); twins' ids end in t. */
    private Dataset<Row> register(double mistypedIds) {
        Random random = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < 240; p++) {
            String given = "given" + random.nextInt(60);
            String surname = "surname" + p;
            String born = "19" + (40 + random.nextInt(60)) + "-0" + (1 + random.nextInt(9)) + "-1" + random.nextInt(10);
            String id = String.valueOf(100_000 + random.nextInt(900_000));
            rows.add(RowFactory.create("p" + p + "a", given, surname, born, id, 1L));
            String copy = random.nextDouble() < mistypedIds ? String.valueOf(100_000 + random.nextInt(900_000)) : id;
            rows.add(RowFactory.create("p" + p + "b", given, surname, born, copy, 1L));
            if (p < 4) {
                String twin = String.valueOf(100_000 + random.nextInt(900_000));
                rows.add(RowFactory.create("p" + p + "t", "twin" + random.nextInt(60), surname, born, twin, 1L));
            }
        }
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("given_name", DataTypes.StringType)
                .add("surname", DataTypes.StringType)
                .add("birth_date", DataTypes.StringType)
                .add("national_id", DataTypes.StringType)
                .add("records", DataTypes.LongType);
        return spark.createDataFrame(rows, schema);
    }

    private static RuleCheck veto(Matcher.Result result) {
        return result.parameters().ruleChecks().stream()
                .filter(c -> c.kind().equals(RuleCheck.CANNOT_LINK) && c.rule().equals(VETO))
                .findFirst()
                .orElseThrow();
    }

    /** The decisions taken on the pairs a condition selects. */
    private static List<String> decisions(Matcher.Result result, String pairs) {
        return result.pairs().filter(pairs).select(col("decision")).distinct().collectAsList().stream()
                .map(r -> r.getString(0))
                .sorted()
                .toList();
    }

    /** One person's two records whose national ids differ. */
    private static final String MISTYPED =
            "substr(l_id, 1, length(l_id) - 1) = substr(r_id, 1, length(r_id) - 1) AND l_id NOT LIKE '%t' "
                    + "AND r_id NOT LIKE '%t' AND gamma_national_id = 1";

    private static final String TWINS = "l_id LIKE '%t' OR r_id LIKE '%t'";

    private Matcher.Result match(double mistypedIds, String enforce) {
        return Matcher.run(
                register(mistypedIds), config(enforce), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void aVetoTheDataContradictsIsReportedAndNotApplied() {
        Matcher.Result result = match(0.3, "");

        RuleCheck check = veto(result);
        assertTrue(check.contradicted(), check.describe());
        assertFalse(check.applied(), check.describe());
        assertTrue(check.share() > 0.1, "about a third of the sure duplicates carry other ids: " + check.describe());
        assertTrue(result.pairs().filter(MISTYPED).count() > 40, "the register has duplicates with mistyped ids");
        assertEquals(List.of(Matcher.LINKED), decisions(result, MISTYPED), "linked on names and birth date");
        assertEquals(0, result.pairs().filter("size(vetoes) > 0").count(), "a veto not applied vetoes nothing");
    }

    @Test
    void theSameVetoIsAppliedWhereTheDataConfirmsIt() {
        Matcher.Result result = match(0, "");

        RuleCheck check = veto(result);
        assertFalse(check.contradicted(), check.describe());
        assertTrue(check.applied(), check.describe());
        assertTrue(check.checkedPairs() >= 200, "the duplicates are near-certain matches: " + check.describe());
        assertEquals(List.of(Matcher.VETOED), decisions(result, TWINS), "twins carry their own ids");
    }

    @Test
    void aContradictedVetoThatSaysEnforceAlwaysIsKept() {
        Matcher.Result result = match(0.3, ", enforce: always");

        RuleCheck check = veto(result);
        assertTrue(check.contradicted(), check.describe());
        assertTrue(check.applied(), check.describe());
        assertEquals(
                List.of(Matcher.VETOED), decisions(result, MISTYPED), "enforced: duplicates with other ids stay apart");
    }
}
