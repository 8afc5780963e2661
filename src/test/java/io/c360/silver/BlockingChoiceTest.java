package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.SparkExtension;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
@Tag("spark")
class BlockingChoiceTest {
    private static final Map<String, AttributeType> TYPES = types();
    private static final int CAP = 5;

    private final SparkSession spark;

    BlockingChoiceTest(SparkSession spark) {
        this.spark = spark;
    }

    private static Map<String, AttributeType> types() {
        Map<String, AttributeType> types = new LinkedHashMap<>();
        types.put("given_name", AttributeType.GIVEN_NAME);
        types.put("surname", AttributeType.SURNAME);
        types.put("birth_date", AttributeType.DATE);
        types.put("email", AttributeType.EMAIL);
        return types;
    }

    /**
     * Eight persons with three records each, every record corrupting a different attribute (so no single
     * key catches all of a person's pairs), and eight strangers behind one placeholder e-mail address.
     */
    private Dataset<Row> nodes() {
        String[][] persons = {
            {"anna", "meyer", "1980-03-14", "anna.meyer@mail.org"},
            {"boris", "kowalski", "1975-11-02", "boris.k@web.net"},
            {"chloe", "dubois", "1991-07-21", "chloe.d@post.fr"},
            {"david", "okafor", "1968-01-30", "d.okafor@mail.org"},
            {"elena", "rossi", "1983-09-09", "elena.rossi@web.net"},
            {"farid", "haddad", "1979-05-17", "farid.h@post.fr"},
            {"greta", "lindqvist", "1995-12-03", "greta.l@mail.org"},
            {"hiro", "tanaka", "1988-04-26", "hiro.t@web.net"}
        };
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < persons.length; p++) {
            String[] v = persons[p];
            rows.add(row("p" + p + "a", v[0], v[1], v[2], v[3]));
            rows.add(row("p" + p + "b", v[0], v[1] + "e", v[2], null));
            rows.add(row("p" + p + "c", v[0].substring(0, v[0].length() - 1) + "y", v[1], dayOff(v[2]), v[3]));
        }
        String[] strangers = {"ivan", "julia", "karl", "lena", "mario", "nora", "oscar", "petra"};
        for (int s = 0; s < strangers.length; s++) {
            rows.add(row("j" + s, strangers[s], "stranger" + s, "19" + (40 + s) + "-06-0" + (s + 1), "none@none.com"));
        }
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("given_name", DataTypes.StringType)
                .add("surname", DataTypes.StringType)
                .add("birth_date", DataTypes.DateType)
                .add("email", DataTypes.StringType);
        return spark.createDataFrame(rows, schema);
    }

    /** The date with its day one off (a typo in the last digit). */
    private static String dayOff(String date) {
        char last = date.charAt(date.length() - 1);
        return date.substring(0, date.length() - 1) + (char) (last < '8' ? last + 1 : last - 1);
    }

    private static Row row(String id, String given, String surname, String birth, String email) {
        return RowFactory.create(id, given, surname, Date.valueOf(birth), email);
    }

    @Test
    void theSameIdentitiesInAnyOrderGiveTheSameRules() {
        Dataset<Row> nodes = nodes();
        BlockingChoice.Choice first = BlockingChoice.choose(nodes, TYPES, 1_000, CAP);
        BlockingChoice.Choice again = BlockingChoice.choose(nodes.repartition(3).orderBy("email"), TYPES, 1_000, CAP);

        assertFalse(first.rules().isEmpty());
        assertEquals(first.rules(), again.rules());
        assertEquals(first.measures(), again.measures());
        assertTrue(first.coverage() > 0.99, "the chosen rules catch every corrupted duplicate: " + first.lines());
    }

    @Test
    void aKeySharedByMoreIdentitiesThanTheCapIsSkippedAndReported() {
        BlockingChoice.Choice choice = BlockingChoice.choose(nodes(), TYPES, 1_000, CAP);

        BlockingChoice.Measure email = choice.measures().stream()
                .filter(m -> m.candidate().name().equals("email"))
                .findFirst()
                .orElseThrow();
        assertEquals(1, email.skippedKeys(), "the placeholder address is one key over the cap");
        assertEquals(8, email.skippedIdentities());
        assertEquals(8, email.pairs(), "the persons' own addresses still pair (two records each carry one)");
        assertEquals(8, email.largestBlock());
    }

    @Test
    void theChosenRulesStayWithinThePairBudget() {
        Dataset<Row> nodes = nodes();
        BlockingChoice.Choice ample = BlockingChoice.choose(nodes, TYPES, 1_000, CAP);
        long amplePairs = pairs(ample);
        long budget = amplePairs / 2;

        BlockingChoice.Choice tight = BlockingChoice.choose(nodes, TYPES, budget, CAP);

        assertTrue(pairs(tight) <= budget, pairs(tight) + " pairs for a budget of " + budget);
        assertFalse(tight.rules().isEmpty(), "a budget of half as many pairs still affords some rule");
        assertTrue(tight.coverage() < ample.coverage(), "a tighter budget catches less: " + tight.lines());
    }

    private static long pairs(BlockingChoice.Choice choice) {
        return choice.measures().stream()
                .filter(BlockingChoice.Measure::chosen)
                .mapToLong(BlockingChoice.Measure::pairs)
                .sum();
    }
}
