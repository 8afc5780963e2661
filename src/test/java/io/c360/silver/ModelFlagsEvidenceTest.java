package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the decided pairs tell {@link ModelFlags}, counted in one aggregation. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ModelFlagsEvidenceTest {
    private final SparkSession spark;

    ModelFlagsEvidenceTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void countsLinksOnOneAgreementAndThePairsAtEachLevel() {
        MatchingConfig matching = MatchingConfig.parse("matching.yaml", """
                blocking: {rules: [{name: email, keys: [email]}]}
                comparisons:
                  - name: email
                    levels: [{name: exact, when: 'l.email = r.email'}, {name: else}]
                  - name: surname
                    levels: [{name: exact, when: 'l.surname = r.surname'}, {name: similar, when: 'true'}, {name: else}]
                model: {}
                """);
        // Levels: email exact 0 / else 1 (-1 missing); surname exact 0, similar 1, else 2.
        var decided = spark.createDataFrame(
                List.of(
                        RowFactory.create(0, 0, "linked"), // two agreements
                        RowFactory.create(0, 2, "linked"), // one: the e-mail
                        RowFactory.create(0, -1, "linked_by_rule"), // one, the surname missing
                        RowFactory.create(1, 1, "non_link"),
                        RowFactory.create(-1, 2, "review")),
                StructType.fromDDL("gamma_email int, gamma_surname int, decision string"));

        ModelFlags.Evidence e = ModelFlags.evidence(decided, matching.comparisons());

        assertEquals(5, e.candidatePairs());
        assertEquals(3, e.linkedPairs());
        assertEquals(2, e.linkedOnOne());
        assertArrayEquals(new long[] {3, 1}, e.levelPairs().get("email"));
        assertArrayEquals(new long[] {1, 1, 2}, e.levelPairs().get("surname"));
    }
}
