package io.c360.silver.survivorship;

import static org.apache.spark.sql.functions.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
class SurvivorshipTest {
    private static final List<String> META =
            List.of("customer_id", "record_key", "source", "source_system", "record_id");
    private static final List<String> TEXT_ATTRIBUTES = List.of(
            "given_name",
            "surname",
            "email",
            "phone",
            "street",
            "unit",
            "city",
            "state",
            "postcode",
            "house_number",
            "national_id");
    private static final StructType SCHEMA = schema();

    private final SparkSession spark;

    SurvivorshipTest(SparkSession spark) {
        this.spark = spark;
    }

    private static StructType schema() {
        StructType s = new StructType();
        for (String c : META) {
            s = s.add(c, DataTypes.StringType);
        }
        s = s.add("record_time", DataTypes.TimestampType).add("birth_date", DataTypes.DateType);
        for (String c : TEXT_ATTRIBUTES) {
            s = s.add(c, DataTypes.StringType);
        }
        return s;
    }

    /** One resolved source record; attributes not set are null. Its record_key is {@code system:id}. */
    private static final class Rec {
        private final Map<String, Object> values = new HashMap<>();

        Rec(String customer, String system, String id, String day) {
            values.put("customer_id", customer);
            values.put("record_key", system + ":" + id);
            values.put("source", system + "_records");
            values.put("source_system", system);
            values.put("record_id", id);
            values.put("record_time", day == null ? null : Timestamp.valueOf(day + " 00:00:00"));
        }

        Rec with(String field, Object value) {
            values.put(field, value);
            return this;
        }

        Row row() {
            return RowFactory.create(
                    Arrays.stream(SCHEMA.fieldNames()).map(values::get).toArray());
        }
    }

    private static Rec rec(String customer, String system, String id, String day) {
        return new Rec(customer, system, id, day);
    }

    private Dataset<Row> records(Rec... recs) {
        return spark.createDataFrame(Arrays.stream(recs).map(Rec::row).toList(), SCHEMA);
    }

    private static SurvivorshipRules rules(String yaml) {
        return SurvivorshipRules.parse("test.yaml", "source_priority: [crm, billing, web]\n" + yaml);
    }

    /** Golden rows by customer_id. */
    private static Map<String, Row> golden(Dataset<Row> records, SurvivorshipRules rules) {
        return Survivorship.golden(records, rules).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getAs("customer_id"), r -> r));
    }

    /** The lineage entry of a field: which record its value came from; null if it has none. */
    private static Row lineage(Row golden, String field) {
        Map<String, Row> lineage = golden.getJavaMap(golden.fieldIndex("lineage"));
        return lineage.get(field);
    }

    private static String lineageKey(Row golden, String field) {
        Row entry = lineage(golden, field);
        return entry == null ? null : entry.getAs("record_key");
    }

    @Test
    void mostRecentTakesTheLatestValueAndNullsNeverWin() {
        Map<String, Row> g = golden(
                records(
                        rec("c1", "crm", "1", "2024-01-01").with("email", "old@x.com"),
                        rec("c1", "web", "2", "2024-06-01").with("email", "new@x.com"),
                        rec("c1", "billing", "3", "2024-09-01"),
                        rec("c1", "crm", "4", null).with("email", "undated@x.com"),
                        rec("c2", "crm", "5", null).with("email", "undated@x.com"),
                        rec("c2", "web", "6", "2024-06-01"),
                        rec("c3", "web", "7", "2024-06-01")),
                rules("fields: [{name: email, rule: most_recent}]"));

        assertEquals("new@x.com", g.get("c1").getAs("email"));
        Row email = lineage(g.get("c1"), "email");
        assertEquals(
                List.of("web", "2", "web:2"),
                List.of(email.getAs("source_system"), email.getAs("record_id"), email.getAs("record_key")));
        assertEquals("undated@x.com", g.get("c2").getAs("email"));
        assertNull(g.get("c3").getAs("email"));
        assertNull(lineageKey(g.get("c3"), "email"));
    }

    @Test
    void sourcePriorityTakesTheBestRankedSystemAndSourcesLimitWhoMaySupply() {
        Map<String, Row> g = golden(
                records(
                        rec("c1", "web", "1", "2024-09-01")
                                .with("national_id", "111")
                                .with("phone", "+1555000001"),
                        rec("c1", "billing", "2", "2024-01-01")
                                .with("national_id", "222")
                                .with("phone", "+1555000002"),
                        rec("c1", "crm", "3", "2024-06-01").with("phone", "+1555000003"),
                        rec("c2", "ecommerce", "4", "2024-09-01").with("national_id", "444"),
                        rec("c2", "web", "5", "2024-01-01")
                                .with("national_id", "555")
                                .with("phone", "+1555000005"),
                        rec("c2", "crm", "6", "2024-01-01").with("phone", "+1555000006")),
                rules("""
            fields:
              - {name: national_id, rule: source_priority}
              - {name: phone, rule: source_priority, sources: [billing]}
            """));

        assertEquals("222", g.get("c1").getAs("national_id"));
        assertEquals("billing:2", lineageKey(g.get("c1"), "national_id"));
        assertEquals("+1555000002", g.get("c1").getAs("phone"), "crm ranks higher but may not supply phone");
        assertEquals("555", g.get("c2").getAs("national_id"), "a listed system beats an unlisted one");
        assertNull(g.get("c2").getAs("phone"));
        assertNull(lineageKey(g.get("c2"), "phone"));
    }

    @Test
    void aFieldsOwnPriorityOverridesTheGlobalOne() {
        Map<String, Row> g = golden(
                records(
                        rec("c1", "crm", "1", "2024-09-01").with("phone", "+1555000001"),
                        rec("c1", "web", "2", "2024-01-01").with("phone", "+1555000002")),
                rules("fields: [{name: phone, rule: source_priority, priority: [web, crm]}]"));
        assertEquals("+1555000002", g.get("c1").getAs("phone"));
    }

    @Test
    void mostFrequentTakesTheValueMostRecordsAgreeOn() {
        Map<String, Row> g = golden(
                records(
                        rec("c1", "crm", "1", "2024-09-01")
                                .with("given_name", "Anna")
                                .with("birth_date", Date.valueOf("1980-07-03")),
                        rec("c1", "web", "2", "2024-01-01")
                                .with("given_name", "Ann")
                                .with("birth_date", Date.valueOf("1980-03-07")),
                        rec("c1", "web", "3", "2024-03-01")
                                .with("given_name", "Ann")
                                .with("birth_date", Date.valueOf("1980-03-07")),
                        rec("c1", "billing", "4", "2024-12-01"),
                        rec("c1", "billing", "5", "2024-12-01")),
                rules("fields: [{name: given_name, rule: most_frequent}, {name: birth_date, rule: most_frequent}]"));

        assertEquals("Ann", g.get("c1").getAs("given_name"), "two records without a name do not outvote it");
        assertEquals("web:3", lineageKey(g.get("c1"), "given_name"), "of the agreeing records, the latest");
        assertEquals(Date.valueOf("1980-03-07"), g.get("c1").getAs("birth_date"));
    }

    @Test
    void mostFrequentCountsOnlyRecordsOfTheAllowedSources() {
        Map<String, Row> g = golden(
                records(
                        rec("c1", "web", "1", "2024-01-01").with("given_name", "Ann"),
                        rec("c1", "web", "2", "2024-01-01").with("given_name", "Ann"),
                        rec("c1", "crm", "3", "2024-01-01").with("given_name", "Anna"),
                        rec("c1", "billing", "4", "2023-01-01").with("given_name", "Annie"),
                        rec("c1", "billing", "5", "2023-01-01").with("given_name", "Annie")),
                rules("fields: [{name: given_name, rule: most_frequent, sources: [crm, billing]}]"));
        assertEquals("Annie", g.get("c1").getAs("given_name"));
    }

    @Test
    void longestTakesTheLongestValue() {
        Map<String, Row> g = golden(
                records(
                        rec("c1", "crm", "1", "2024-09-01").with("given_name", "Al"),
                        rec("c1", "web", "2", "2024-01-01").with("given_name", "Albert"),
                        rec("c1", "web", "3", "2024-12-01")),
                rules("fields: [{name: given_name, rule: longest}]"));
        assertEquals("Albert", g.get("c1").getAs("given_name"));
        assertEquals("web:2", lineageKey(g.get("c1"), "given_name"));
    }

    @Test
    void aGroupComesFromOneRecordThatHasTheRequiredFields() {
        Map<String, Row> g = golden(
                records(
                        rec("c1", "web", "1", "2024-09-01")
                                .with("city", "Springfield")
                                .with("postcode", "99999"),
                        rec("c1", "crm", "2", "2024-06-01")
                                .with("street", "1 main st")
                                .with("city", "Shelbyville"),
                        rec("c1", "billing", "3", "2024-01-01")
                                .with("street", "9 elm st")
                                .with("unit", "4b")
                                .with("city", "Ogden")
                                .with("postcode", "84401")),
                rules(
                        "groups: [{name: address, fields: [street, unit, city, postcode], rule: most_recent, require: [street]}]"));

        Row c1 = g.get("c1");
        assertEquals(
                Arrays.asList("1 main st", null, "Shelbyville", null),
                Arrays.asList(c1.getAs("street"), c1.getAs("unit"), c1.getAs("city"), c1.getAs("postcode")),
                "the newest record lacks a street; the next one wins whole, its gaps are not filled from others");
        for (String field : List.of("street", "unit", "city", "postcode")) {
            assertEquals("crm:2", lineageKey(c1, field), field);
        }
    }

    @Test
    void mostCompleteTakesTheRecordWithTheMostFieldsOfTheGroup() {
        Map<String, Row> g = golden(
                records(
                        rec("c1", "crm", "1", "2024-09-01")
                                .with("street", "1 main st")
                                .with("city", "Shelbyville"),
                        rec("c1", "billing", "2", "2024-01-01")
                                .with("street", "9 elm st")
                                .with("city", "Ogden")
                                .with("postcode", "84401"),
                        rec("c1", "web", "3", "2024-12-01")
                                .with("city", "Ogden")
                                .with("postcode", "84401")
                                .with("unit", "4b")),
                rules(
                        "groups: [{name: address, fields: [street, unit, city, postcode], rule: most_complete, require: [street]}]"));
        assertEquals(
                Arrays.asList("9 elm st", null, "Ogden", "84401"),
                Arrays.asList(
                        g.get("c1").getAs("street"),
                        g.get("c1").getAs("unit"),
                        g.get("c1").getAs("city"),
                        g.get("c1").getAs("postcode")));
    }

    /** Each customer has two one-vote names; the winner's sorts first, so no tie can fall to it by row order. */
    @Test
    void tiesGoToTheLatestRecordThenTheBetterSystemThenTheSmallerRecordKeyInAnyInputOrder() {
        List<Rec> recs = List.of(
                rec("latest", "crm", "1", "2024-01-01").with("given_name", "Zoe"),
                rec("latest", "web", "2", "2024-06-01").with("given_name", "Ann"),
                rec("system", "web", "3", "2024-01-01").with("given_name", "Zoe"),
                rec("system", "crm", "4", "2024-01-01").with("given_name", "Ann"),
                rec("key", "crm", "b", "2024-01-01").with("given_name", "Zoe"),
                rec("key", "crm", "a", "2024-01-01").with("given_name", "Ann"));
        SurvivorshipRules rules = rules("fields: [{name: given_name, rule: most_frequent}]");
        List<Rec> reversed = new ArrayList<>(recs);
        Collections.reverse(reversed);
        for (List<Rec> order : List.of(recs, reversed)) {
            Map<String, Row> g = golden(records(order.toArray(Rec[]::new)), rules);
            for (String customer : List.of("latest", "system", "key")) {
                assertEquals("Ann", g.get(customer).getAs("given_name"), customer);
            }
        }
    }

    @Test
    void theShippedRulesGiveTheSameGoldenRecordsWhateverTheInputOrder() {
        Dataset<Row> records = records(
                rec("c1", "crm", "1", "2024-01-01")
                        .with("given_name", "Ann")
                        .with("surname", "Lee")
                        .with("email", "a@x.com")
                        .with("street", "1 main st")
                        .with("city", "Ogden")
                        .with("house_number", "1"),
                rec("c1", "billing", "2", "2024-01-01")
                        .with("given_name", "Anna")
                        .with("surname", "Lee")
                        .with("national_id", "123456789")
                        .with("street", "9 elm st")
                        .with("postcode", "84401"),
                rec("c1", "web", "3", "2024-01-01").with("email", "b@x.com").with("given_name", "Anna"),
                rec("c1", "support", "4", "2024-01-01")
                        .with("given_name", "Ann")
                        .with("phone", "+15550001"),
                rec("c2", "web", "5", null).with("email", "c@x.com"),
                rec("c2", "ecommerce", "6", null)
                        .with("email", "d@x.com")
                        .with("birth_date", Date.valueOf("1990-01-01")),
                rec("c2", "web", "7", null).with("email", "e@x.com"));
        SurvivorshipRules shipped = SurvivorshipRules.load(Path.of("silver/survivorship.yaml"));
        List<Row> expected =
                Survivorship.golden(records, shipped).orderBy("customer_id").collectAsList();

        for (long seed = 1; seed <= 4; seed++) {
            Dataset<Row> shuffled = records.repartition(3).orderBy(rand(seed)).repartition(2);
            assertEquals(
                    expected,
                    Survivorship.golden(shuffled, shipped)
                            .orderBy("customer_id")
                            .collectAsList(),
                    "seed " + seed);
        }

        Row c1 = expected.get(0);
        assertEquals("Ann", c1.getAs("given_name"), "Ann and Anna both twice: crm outranks billing");
        assertEquals("crm:1", lineageKey(c1, "given_name"));
        assertEquals("a@x.com", c1.getAs("email"), "same time: crm outranks web");
        assertEquals("123456789", c1.getAs("national_id"));
        assertEquals("1 main st", c1.getAs("street"));
        assertNull(c1.getAs("postcode"));
        assertEquals(4L, (long) c1.getAs("record_count"));
        assertEquals(List.of("billing", "crm", "support", "web"), c1.getList(c1.fieldIndex("source_systems")));
        Row c2 = expected.get(1);
        assertEquals("d@x.com", c2.getAs("email"), "no times: ecommerce outranks web");
        assertNull(lineage(c2, "street"));
    }

    @Test
    void theOutputHasTheFieldsInRuleOrderThenCountsAndLineage() {
        SurvivorshipRules shipped = SurvivorshipRules.load(Path.of("silver/survivorship.yaml"));
        Dataset<Row> golden = Survivorship.golden(records(rec("c1", "crm", "1", "2024-01-01")), shipped);
        List<String> expected = new ArrayList<>(List.of("customer_id"));
        expected.addAll(shipped.fields());
        expected.addAll(List.of("record_count", "source_systems", "lineage"));
        assertArrayEquals(expected.toArray(), golden.columns());
        assertEquals(DataTypes.DateType, golden.schema().apply("birth_date").dataType());
        assertEquals(
                "map<string,struct<source_system:string,record_id:string,record_key:string>>",
                golden.schema().apply("lineage").dataType().simpleString());
    }

    @Test
    void anyAttributeColumnOfAnyTypeCanSurvive() {
        Dataset<Row> records = spark.sql("""
        SELECT * FROM VALUES
          ('c1', 'crm:1', 'crm', '1', TIMESTAMP'2024-09-01 00:00:00', 3, array('a')),
          ('c1', 'web:2', 'web', '2', TIMESTAMP'2024-01-01 00:00:00', 1, array('a', 'b', 'c')),
          ('c1', 'web:3', 'web', '3', TIMESTAMP'2024-02-01 00:00:00', 1, CAST(NULL AS array<string>))
        AS t(customer_id, record_key, source_system, record_id, record_time, loyalty_tier, interests)
        """);
        Row c1 = golden(records, rules("""
        fields:
          - {name: loyalty_tier, rule: most_frequent}
          - {name: interests, rule: longest}
        """)).get("c1");
        assertEquals(1, (int) c1.getAs("loyalty_tier"));
        assertEquals(List.of("a", "b", "c"), c1.getList(c1.fieldIndex("interests")));
    }

    @Test
    void aColumnTheRulesNeedButTheRecordsLackIsNamed() {
        String message = assertThrows(
                        C360Exception.class,
                        () -> Survivorship.golden(
                                records(rec("c1", "crm", "1", "2024-01-01")),
                                rules("fields: [{name: loyalty_tier, rule: most_recent}]")))
                .getMessage();
        assertTrue(message.contains("test.yaml") && message.contains("loyalty_tier"), message);
    }
}
