package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.standardize.Standardization;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shipped {@code silver/matching.yaml} rules on tiny households: an order shipped as a gift, twins,
 * a household seen only through surname and address, a shared landline. Every pair is given a model
 * probability of 0.99, so what is checked is what the rules make of it.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ShippedMatchingRulesTest {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType)
            .add("g", DataTypes.StringType)
            .add("s", DataTypes.StringType)
            .add("e", DataTypes.StringType)
            .add("t", DataTypes.StringType)
            .add("st", DataTypes.StringType)
            .add("pc", DataTypes.StringType)
            .add("bd", DataTypes.StringType);
    private static final Map<String, String> ATTRIBUTES = Map.of(
            "given_name",
            "g",
            "surname",
            "s",
            "email",
            "e",
            "phone",
            "t",
            "street",
            "st",
            "postcode",
            "pc",
            "birth_date",
            "bd");

    private final SparkSession spark;
    private MatchingConfig matching;
    private final Map<String, Row> pairs = new HashMap<>();
    private final Map<String, Row> nodes = new HashMap<>();

    ShippedMatchingRulesTest(SparkSession spark) {
        this.spark = spark;
    }

    @BeforeEach
    void decideEveryPair() {
        SilverConfig silver = SilverConfig.load(Path.of("silver"));
        matching = silver.matching();
        Comparisons.registerFunctions(spark);
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(silver.nicknames(spark));
        Standardization std = silver.identity().standardization();
        Dataset<Row> crm = spark.createDataFrame(
                List.of(
                        RowFactory.create(
                                "s1",
                                "Sharmaine",
                                "Thompson",
                                "sharmaine@example.org",
                                "415-555-0101",
                                "14 High Ave",
                                "46214",
                                null),
                        RowFactory.create(
                                "p1",
                                "Paul",
                                "Thompson",
                                "paul.t@example.org",
                                "415-555-0102",
                                "14 High Ave",
                                "46214",
                                null),
                        RowFactory.create(
                                "t1",
                                "Ethan",
                                "Miller",
                                "ethan.m@example.org",
                                null,
                                "1 Oak St",
                                "10001",
                                "2001-05-05"),
                        RowFactory.create(
                                "t2", "Mia", "Miller", "mia.m@example.org", null, "1 Oak St", "10001", "2001-05-05"),
                        RowFactory.create(
                                "h1", null, "Garcia", "hg@example.org", null, "9 Elm St", "30301", "1950-01-02"),
                        RowFactory.create(
                                "h2", "Maria", "Garcia", "maria.g@example.org", null, "9 Elm St", "30301", null),
                        RowFactory.create("l1", "Ann", "Lee", null, "212-555-0199", null, null, null),
                        RowFactory.create("l2", "Bob", "Lee", null, "212-555-0199", null, null, null),
                        RowFactory.create("l3", null, null, null, "212-555-0199", null, null, null),
                        RowFactory.create("m1", "Ann", "Lee", "ann.lee@example.org", "212-555-0111", null, null, null),
                        RowFactory.create("m2", null, null, null, "212-555-0111", null, null, null),
                        RowFactory.create("b1", "Robert", "Smith", "rs@example.org", null, null, null, null),
                        RowFactory.create("b2", "Bob", "S.", null, "312-555-0142", null, null, null),
                        RowFactory.create(
                                "c1", "Cindy", "Lewis", "cynthia.lewis99@example.org", null, null, null, null),
                        RowFactory.create(
                                "c2", "Cunthia", "Lewis", "cynthia.lewis99@example.org", null, null, null, null),
                        RowFactory.create("c3", "Carla", "Lewis", "carla.lewis@example.org", null, null, null, null),
                        RowFactory.create(
                                "d1", "Douglas", "Bahringer", "dbahringer@example.org", null, null, null, null),
                        RowFactory.create("d2", "Bahringer", "D.", "dbahringer@example.org", null, null, null, null)),
                SCHEMA);
        Dataset<Row> shop = spark.createDataFrame(
                List.of(
                        // Sharmaine's order shipped to Paul: her e-mail, his name, phone and address
                        RowFactory.create(
                                "o1",
                                "Paul",
                                "Thompson",
                                "sharmaine@example.org",
                                "415-555-0102",
                                "14 High Ave",
                                "46214",
                                null),
                        RowFactory.create(
                                "o2",
                                "Sharmaine",
                                "Thompson",
                                "sharmaine@example.org",
                                null,
                                "14 High Ave",
                                "46214",
                                null)),
                SCHEMA);
        Dataset<Row> records = IdentityRecords.of(
                        crm,
                        "crm",
                        "crm",
                        new IdentityConfig.SourceMapping("id", Optional.empty(), Optional.empty(), ATTRIBUTES),
                        std,
                        nicknames)
                .unionByName(IdentityRecords.of(
                        shop,
                        "shop",
                        "ecommerce",
                        new IdentityConfig.SourceMapping(
                                "id", Optional.empty(), Optional.empty(), ATTRIBUTES, Optional.of("email")),
                        std,
                        nicknames));
        Dataset<Row> keyed = Matcher.nodes(records, matching)
                .join(records.select(col(IdentityRecords.SIGNATURE).as("id"), col("record_id")), "id");
        for (Row n : keyed.collectAsList()) {
            nodes.put(n.getAs("record_id"), n);
        }
        Dataset<Row> l = keyed.select(
                col("record_id").as("a"),
                struct(keyed.drop("record_id").col("*")).as("l"));
        Dataset<Row> r = keyed.select(
                col("record_id").as("b"),
                struct(keyed.drop("record_id").col("*")).as("r"));
        Dataset<Row> all = l.crossJoin(r).filter(col("a").notEqual(col("b")));
        // Parameters that checked no rule: every rule applies.
        FellegiSunter.Parameters unchecked =
                new FellegiSunter.Parameters(0.01, 0.5, java.util.Map.of(), java.util.Map.of(), 1, 1, 1);
        Dataset<Row> decided = Matcher.decide(
                Matcher.evidence(all, matching).withColumn("match_probability", lit(0.99)), matching, unchecked);
        for (Row p : decided.collectAsList()) {
            pairs.put(p.getAs("a") + "~" + p.getAs("b"), p);
        }
    }

    private String decision(String a, String b) {
        return pairs.get(a + "~" + b).getAs("decision");
    }

    private List<String> vetoes(String a, String b) {
        Row p = pairs.get(a + "~" + b);
        return p.getList(p.fieldIndex("vetoes"));
    }

    @Test
    void anOrderBelongsToItsBuyersEmailAndIsNotTheGiftRecipientsRecord() {
        assertTrue(nodes.get("o1").<Boolean>getAs("ship_to_other"), "o1's name is not one its e-mail is known by");
        assertFalse(nodes.get("o2").<Boolean>getAs("ship_to_other"));
        assertEquals(
                Matcher.LINKED_BY_RULE,
                decision("o1", "s1"),
                "same e-mail as the buyer: linked whatever the ship-to name");
        assertTrue(vetoes("o1", "s1").isEmpty(), "a ship-to name vetoes nothing");
        assertEquals(Matcher.LINKED_BY_RULE, decision("o2", "s1"));
        assertEquals(Matcher.VETOED, decision("o1", "p1"));
        assertTrue(vetoes("o1", "p1").contains("gift_recipient"), "the gift is not the recipient's own record");
        assertEquals(Matcher.VETOED, decision("s1", "p1"), "the couple: different given names");
    }

    @Test
    void twinsWithDifferentGivenNamesNeverLink() {
        assertEquals(Matcher.VETOED, decision("t1", "t2"));
        assertTrue(vetoes("t1", "t2").contains("different_given_names"));
    }

    @Test
    void aTypoOfANicknameOrNamesSwappedWithAnInitialAreNotDifferentGivenNames() {
        assertTrue(vetoes("c2", "c1").isEmpty(), "Cunthia is a typo of Cynthia, whose nickname is Cindy");
        assertEquals(Matcher.LINKED, decision("c2", "c1"));
        assertTrue(vetoes("d2", "d1").isEmpty(), "'Bahringer D.' is Douglas Bahringer with the names swapped");
        assertEquals(Matcher.LINKED, decision("d2", "d1"));
        assertTrue(vetoes("c3", "c1").contains("different_given_names"), "Carla is neither Cindy nor Cynthia");
        assertTrue(vetoes("c3", "c2").contains("different_given_names"));
    }

    @Test
    void surnameAndAddressAloneAreHouseholdEvidenceAndGoToReview() {
        assertEquals(
                Matcher.REVIEW, decision("h1", "h2"), "no given name, birth date, e-mail or personal phone in common");
    }

    @Test
    void aLandlineSeveralGivenNamesUseIsNotEnoughButAPersonalPhoneIs() {
        assertEquals(2, nodes.get("l3").<Integer>getAs("phone_given_names"));
        assertEquals(Matcher.REVIEW, decision("l3", "l1"));
        assertEquals(1, nodes.get("m2").<Integer>getAs("phone_given_names"));
        assertEquals(Matcher.LINKED, decision("m2", "m1"));
    }

    @Test
    void aSurnameWrittenAsAnInitialIsItsOwnLevel() {
        Row p = pairs.get("b2~b1");
        MatchingConfig.Comparison surname = matching.comparisons().stream()
                .filter(c -> c.name().equals("surname"))
                .findFirst()
                .orElseThrow();
        int level = p.getAs(Comparisons.gammaColumn(surname));
        assertEquals("initial", surname.levels().get(level).name(), "'S.' against 'Smith'");
        assertEquals(Matcher.LINKED, decision("b2", "b1"), "Bob is a nickname of Robert");
    }
}
