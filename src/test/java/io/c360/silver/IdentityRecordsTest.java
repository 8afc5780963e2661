package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.standardize.Standardization;
import io.c360.test.SparkExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
class IdentityRecordsTest {
    private final SparkSession spark;

    IdentityRecordsTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void recordsMapStandardizeAndShareASignatureOnlyWhenTheyHoldTheSameIdentity() {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("name", DataTypes.StringType)
                .add("mail", DataTypes.StringType)
                .add("tel", DataTypes.StringType)
                .add("born", DataTypes.StringType);
        Dataset<Row> rows = spark.createDataFrame(
                List.of(
                        RowFactory.create(
                                "1", "SMITH, Bob", "Bob.Smith+shop@Gmail.com", "(415) 555-0134", "1984-03-07"),
                        RowFactory.create("2", "Bob Smith", "bobsmith@gmail.com", "415.555.0134", "03/07/1984"),
                        RowFactory.create("3", "N/A", "test@test.com", "000-000-0000", "01/01/1900"),
                        RowFactory.create("4", null, null, null, null)),
                schema);
        IdentityConfig.SourceMapping mapping = new IdentityConfig.SourceMapping(
                "id",
                Optional.empty(),
                Optional.empty(),
                Map.of("full_name", "name", "email", "mail", "phone", "tel", "birth_date", "born"));
        Standardization std = new Standardization(
                "US",
                true,
                List.of(),
                List.of("yyyy-MM-dd", "MM/dd/yyyy"),
                java.time.LocalDate.of(1880, 1, 1),
                Optional.empty(),
                Map.of(),
                Map.of("name", List.of("n a"), "email", List.of("test test com"), "birth_date", List.of("1900 01 01")));
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(spark.createDataFrame(
                List.of(RowFactory.create("bob", "robert")),
                new StructType().add("nickname", DataTypes.StringType).add("canonical", DataTypes.StringType)));

        Map<String, Row> byId =
                IdentityRecords.of(rows, "shop", "ecommerce", mapping, std, nicknames).collectAsList().stream()
                        .collect(Collectors.toMap(r -> r.getAs("record_id"), r -> r));

        Row bob = byId.get("1");
        assertEquals("shop:1", bob.getAs(IdentityRecords.RECORD_KEY));
        assertEquals("bob", bob.getAs("given_name"), "'LAST, First' is split at the comma");
        assertEquals("smith", bob.getAs("surname"));
        assertEquals("bobsmith@gmail.com", bob.getAs("email"));
        assertEquals("+14155550134", bob.getAs("phone"));
        assertTrue(bob.getList(bob.fieldIndex("given_name_variants")).containsAll(List.of("bob", "robert")));
        assertEquals(
                bob.<String>getAs(IdentityRecords.SIGNATURE),
                byId.get("2").getAs(IdentityRecords.SIGNATURE),
                "the same identity written two ways is one signature");
        assertTrue(
                bob.<String>getAs(IdentityRecords.SIGNATURE).matches("[0-9a-f]{32}"),
                "128 bits in hex: " + bob.getAs(IdentityRecords.SIGNATURE));
        Row junk = byId.get("3");
        assertNull(junk.getAs("given_name"));
        assertNull(junk.getAs("email"));
        assertNull(junk.getAs("phone"));
        assertNull(junk.getAs("birth_date"), "a placeholder birth date is junk in whatever format it came");
        assertEquals(java.sql.Date.valueOf("1984-03-07"), bob.getAs("birth_date"));
        assertNotEquals(
                junk.<String>getAs(IdentityRecords.SIGNATURE),
                byId.get("4").getAs(IdentityRecords.SIGNATURE),
                "records with nothing to match are not one identity");
    }

    @Test
    void aSourceOwnedByAnAttributeMarksTheRecordsThatHaveIt() {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("mail", DataTypes.StringType)
                .add("ship_to", DataTypes.StringType);
        Dataset<Row> rows = spark.createDataFrame(
                List.of(
                        RowFactory.create("1", "buyer@example.org", "Paul Thompson"),
                        RowFactory.create("2", null, "Paul Thompson")),
                schema);
        IdentityConfig.SourceMapping mapping = IdentityConfig.SourceMapping.parse(
                "test", "{record_id: id, email: mail, full_name: ship_to, owned_by: email}");
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(spark.createDataFrame(
                List.of(),
                new StructType().add("nickname", DataTypes.StringType).add("canonical", DataTypes.StringType)));

        Map<String, Row> byId =
                IdentityRecords.of(rows, "shop", "ecommerce", mapping, Standardization.defaults(), nicknames)
                        .collectAsList()
                        .stream()
                        .collect(Collectors.toMap(r -> r.getAs("record_id"), r -> r));

        assertEquals(
                "email", byId.get("1").getAs(IdentityRecords.OWNED_BY), "the buyer's e-mail says whose order it is");
        assertNull(byId.get("2").getAs(IdentityRecords.OWNED_BY), "without it, the record is an ordinary one");
        io.c360.C360Exception e = org.junit.jupiter.api.Assertions.assertThrows(
                io.c360.C360Exception.class,
                () -> IdentityConfig.SourceMapping.parse("test", "{record_id: id, email: mail, owned_by: phone}"));
        assertTrue(e.getMessage().contains("owned_by"), e.getMessage());
    }

    @Test
    void extraAttributesAreStandardizedByTheirTypeAndAnImplausibleBirthDateIsFlagged() {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("job", DataTypes.StringType)
                .add("card", DataTypes.StringType)
                .add("born", DataTypes.StringType)
                .add("height", DataTypes.StringType);
        Dataset<Row> rows = spark.createDataFrame(
                List.of(
                        RowFactory.create("1", "  Senior ENGINEER ", "ab-123 45", "1851-06-02", "1.80"),
                        RowFactory.create("2", null, "0000", "1975-06-02", "tall")),
                schema);
        IdentityConfig.SourceMapping mapping = IdentityConfig.SourceMapping.parse(
                "test",
                "{record_id: id, birth_date: born, occupation: {column: job, type: text},"
                        + " card: {column: card, type: identifier}, height: {column: height, type: number}}");
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(spark.createDataFrame(
                List.of(),
                new StructType().add("nickname", DataTypes.StringType).add("canonical", DataTypes.StringType)));

        Map<String, Row> byId =
                IdentityRecords.of(rows, "hr", "hr", mapping, Standardization.defaults(), nicknames)
                        .collectAsList()
                        .stream()
                        .collect(Collectors.toMap(r -> r.getAs("record_id"), r -> r));

        Row one = byId.get("1");
        assertEquals("senior engineer", one.getAs("occupation"));
        assertEquals("AB12345", one.getAs("card"));
        assertEquals(1.80, one.<Double>getAs("height"), 1e-9);
        assertNull(one.getAs("birth_date"), "a birth date before 1880 is left out for living customers");
        assertTrue(one.<Boolean>getAs(IdentityRecords.BIRTH_DATE_OUT_OF_RANGE), "and flagged, to be counted");
        Row two = byId.get("2");
        assertNull(two.getAs("card"), "one character repeated is a placeholder");
        assertNull(two.getAs("height"), "not a number");
        assertEquals(false, two.<Boolean>getAs(IdentityRecords.BIRTH_DATE_OUT_OF_RANGE));

        Standardization historical = IdentityConfig.parse(
                        "identity.yaml",
                        "standardize: {earliest_birth_date: 1800-01-01}\nsources: {hr: {record_id: id, email: m}}")
                .standardization();
        Row kept = IdentityRecords.of(rows, "hr", "hr", mapping, historical, nicknames)
                .filter("record_id = '1'")
                .head();
        assertEquals(java.sql.Date.valueOf("1851-06-02"), kept.getAs("birth_date"));
    }
}
