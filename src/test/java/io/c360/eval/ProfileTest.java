package io.c360.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.silver.IdentityConfig;
import io.c360.silver.IdentityRecords;
import io.c360.silver.MatchingConfig;
import io.c360.standardize.Standardization;
import io.c360.test.SparkExtension;
import java.util.ArrayList;
import java.util.List;
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
class ProfileTest {
    private static final IdentityConfig.SourceMapping MAPPING = IdentityConfig.SourceMapping.parse(
            "test",
            "{record_id: id, given_name: first, surname: last, birth_date: born, city: town,"
                    + " occupation: {column: job, type: text}}");

    private final SparkSession spark;

    ProfileTest(SparkSession spark) {
        this.spark = spark;
    }

    /** Six persons with two records each; a town a form filled in for most of them, and an occupation left 'n/a'. */
    private Dataset<Row> records() {
        String[][] persons = {
            {"anna", "meyer", "1980-03-14", "bremen", "nurse"},
            {"boris", "kowalski", "1975-11-02", "lodz", "baker"},
            {"chloe", "dubois", "1991-07-21", "lyon", "n/a"},
            {"david", "okafor", "1968-01-30", "lagos", "teacher"},
            {"elena", "rossi", "1983-09-09", "milano", "n/a"},
            {"farid", "haddad", "1979-05-17", "beirut", "pilot"}
        };
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < persons.length; p++) {
            String[] v = persons[p];
            rows.add(RowFactory.create("p" + p + "a", v[0], v[1], v[2], "anytown", v[4]));
            rows.add(RowFactory.create("p" + p + "b", v[0], v[1] + "s", v[2], p == 0 ? v[3] : "anytown", v[4]));
        }
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("first", DataTypes.StringType)
                .add("last", DataTypes.StringType)
                .add("born", DataTypes.StringType)
                .add("town", DataTypes.StringType)
                .add("job", DataTypes.StringType);
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(spark.createDataFrame(
                List.of(),
                new StructType().add("nickname", DataTypes.StringType).add("canonical", DataTypes.StringType)));
        return IdentityRecords.of(
                spark.createDataFrame(rows, schema), "test", "test", MAPPING, Standardization.defaults(), nicknames);
    }

    @Test
    void aValueFarMoreFrequentThanTheRestAndAPlaceholderWordAreFlagged() {
        Profile.Result profile = Profile.of(records(), MAPPING.types());

        Profile.Attribute city = attribute(profile, "city");
        assertEquals("anytown", city.top().get(0).value());
        assertEquals(List.of(new Profile.Value("anytown", 11)), city.placeholders());
        Profile.Attribute occupation = attribute(profile, "occupation");
        assertEquals(
                List.of(new Profile.Value("n a", 4)),
                occupation.placeholders(),
                "standardized as text, 'n/a' reads 'n a'");
        assertEquals(0.0, occupation.nullRate());
        assertTrue(attribute(profile, "surname").placeholders().isEmpty(), "surnames are all genuine");
        assertTrue(Profile.format(profile).contains("looks like a placeholder"), Profile.format(profile));
    }

    @Test
    void keyedInValuesAreTold() {
        for (String junk : List.of("unknown", "N/A", "000000", "00", "xxx", "5555555", "123456", "1234567890")) {
            assertTrue(Profile.placeholder(junk), junk);
        }
        for (String genuine : List.of("2222", "777", "anna", "1980-03-14", "12 main st", "0412345678")) {
            assertFalse(Profile.placeholder(genuine), genuine);
        }
    }

    @Test
    void theWrittenMatchingFileReadsBackToTheSameRules() {
        Profile.Result profile = Profile.of(records(), MAPPING.types());
        assertFalse(profile.matching().blocking().isEmpty(), "rules were chosen");

        MatchingConfig read = MatchingConfig.parse("derived.yaml", Profile.matchingFile(profile, "test.yaml"))
                .over(MAPPING.types(), "derived.yaml");

        MatchingConfig derived = profile.matching();
        assertEquals(derived.blocking(), read.blocking());
        assertEquals(derived.model(), read.model());
        assertEquals(derived.attributes(), read.attributes());
        assertEquals(derived.comparisons().size(), read.comparisons().size());
        for (int i = 0; i < derived.comparisons().size(); i++) {
            MatchingConfig.Comparison d = derived.comparisons().get(i);
            MatchingConfig.Comparison r = read.comparisons().get(i);
            assertEquals(d.name(), r.name());
            assertEquals(d.nullWhen(), r.nullWhen());
            assertEquals(d.levels(), r.levels(), d.name());
        }
    }

    private static Profile.Attribute attribute(Profile.Result profile, String name) {
        return profile.attributes().stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
