package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.c360.lake.Lake;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The activation file as a spreadsheet and a loader see it: text a spreadsheet would run as a formula
 * is neutralized, numbers stay numbers, and the consent check is a column of its own.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ActivationFileTest {
    private final SparkSession spark;

    ActivationFileTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void textThatASpreadsheetWouldRunIsWrittenAsTextAndNumbersStayNumbers(@TempDir Path dir) throws Exception {
        StructType schema = new StructType()
                .add("customer_id", DataTypes.StringType)
                .add("given_name", DataTypes.StringType)
                .add("phone", DataTypes.StringType)
                .add("balance", DataTypes.IntegerType);
        List<org.apache.spark.sql.Row> rows = List.of(
                RowFactory.create("c1", "=HYPERLINK(\"http://x.example\",\"see\")", "+15551234567", -5),
                RowFactory.create("c2", "+1+cmd|' /C calc'!A0", "-5", 3),
                RowFactory.create("c3", "@SUM(A1)", null, 0),
                RowFactory.create("c4", "-2+3", "\t=1", -12),
                RowFactory.create("c5", "\r=1", "Ann-Marie", 7));
        Path file = dir.resolve("out.csv");
        Activation.write(
                new Lake(spark, dir.resolve("lake").toString()), spark.createDataFrame(rows, schema), file.toString());

        CsvParserSettings settings = new CsvParserSettings();
        settings.setNullValue("");
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        List<String[]> records = new CsvParser(settings).parseAll(file.toFile(), "UTF-8");
        assertEquals(List.of("customer_id", "given_name", "phone", "balance"), List.of(records.get(0)));
        Map<String, List<String>> byId = new HashMap<>();
        for (String[] fields : records.subList(1, records.size())) {
            byId.put(fields[0], List.of(fields));
        }
        assertEquals(5, byId.size(), "a quoted tab or carriage return stays inside its field");
        assertEquals(
                List.of("c1", "'=HYPERLINK(\"http://x.example\",\"see\")", "+15551234567", "-5"),
                byId.get("c1"),
                "a formula gets a leading quote; an E.164 phone and a negative number stay as they are");
        assertEquals(List.of("c2", "'+1+cmd|' /C calc'!A0", "-5", "3"), byId.get("c2"));
        assertEquals(List.of("c3", "'@SUM(A1)", "", "0"), byId.get("c3"));
        assertEquals(List.of("c4", "'-2+3", "'\t=1", "-12"), byId.get("c4"), "a sum is no plain number");
        assertEquals(List.of("c5", "'\r=1", "Ann-Marie", "7"), byId.get("c5"), "a dash inside a value is harmless");
    }

    @Test
    void theConsentCheckNamesPurposeChannelExclusionsAndTheConsentItWasCheckedAgainst() {
        GoldDefinitions.Segment email =
                new GoldDefinitions.Segment("winback", "d", "marketing", Optional.of("email"), "true");
        GoldJob.Publication published = new GoldJob.Publication(
                "r1", "2026-11-01T00:00:00Z", "h", Map.of(), Map.of("gold.consent", 4L), Map.of(), Map.of());
        assertEquals(
                "marketing/email granted; do_not_contact excluded; email of opt-outs suppressed;"
                        + " gold.consent v4 as of 2026-11-01T00:00:00Z (run r1)",
                Activation.consentCheck(email, "email", 4, Optional.of(published)));
        assertEquals(
                "marketing/email granted; do_not_contact excluded; email of opt-outs suppressed; gold.consent v5",
                Activation.consentCheck(email, "email", 5, Optional.of(published)),
                "a version the publication did not write has no as-of of its own");
        GoldDefinitions.Segment post =
                new GoldDefinitions.Segment("letters", "d", "marketing", Optional.of("post"), "true");
        assertEquals(
                "marketing/post granted; do_not_contact excluded; gold.consent v4 as of 2026-11-01T00:00:00Z (run r1)",
                Activation.consentCheck(post, "post", 4, Optional.of(published)));
        GoldDefinitions.Segment service =
                new GoldDefinitions.Segment("recall", "d", "service", Optional.of("email"), "true");
        assertEquals(
                "none: a service segment is not checked for consent; gold.consent v4 as of 2026-11-01T00:00:00Z (run r1)",
                Activation.consentCheck(service, "email", 4, Optional.of(published)));
    }
}
