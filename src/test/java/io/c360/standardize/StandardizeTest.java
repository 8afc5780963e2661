package io.c360.standardize;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.c360.test.SparkExtension;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
@Tag("spark")
class StandardizeTest {
    private final SparkSession spark;

    StandardizeTest(SparkSession spark) {
        this.spark = spark;
    }

    /** Applies a column function to each input and returns the outputs in order. */
    private List<String> apply(Function<Column, Column> f, String... inputs) {
        return spark.createDataset(Arrays.asList(inputs), Encoders.STRING())
                .toDF("v")
                .select(f.apply(col("v")).cast("string"))
                .as(Encoders.STRING())
                .collectAsList();
    }

    @Test
    void textFoldsAccentsCaseAndPunctuation() {
        assertEquals(
                Arrays.asList("jose nunez", "zoe muller", "o brien", "strasse", "caesar aetna", "a b", null, null),
                apply(
                        Standardize::text,
                        "  JOSÉ  Núñez ",
                        "Zoë Müller",
                        "O'Brien",
                        "Straße",
                        "Cæsar ÆTNA",
                        "a \t-\n b",
                        "  ",
                        null));
        assertEquals(Arrays.asList("maryann", "obrien"), apply(Standardize::name, "Mary-Ann", "O'Brien"));
    }

    @Test
    void emailsAreLowerCasedAndOptionallyCanonical() {
        assertEquals(
                Arrays.asList("j.smith+news@gmail.com", null, null),
                apply(c -> Standardize.email(c, false, List.of()), " J.Smith+news@Gmail.com ", "not-an-email", "a@b"));
        assertEquals(
                Arrays.asList("jsmith@gmail.com", "jsmith@gmail.com", "j.smith@acme.com"),
                apply(
                        c -> Standardize.email(c, true, List.of()),
                        "J.Smith+news@gmail.com",
                        "jsmith@googlemail.com",
                        "j.smith+x@acme.com"));
    }

    @Test
    void aMistypedDomainIsCorrectedToTheOneKnownDomainItIsNearest() {
        List<String> known =
                List.of("gmail.com", "ymail.com", "outlook.com", "comcast.net", "me.com", "mac.com", "aol.com");
        assertEquals(
                Arrays.asList(
                        "son4310@outlook.com",
                        "jlewis@comcast.net",
                        "ann@gmail.com",
                        "bo@aol.com",
                        "ann@ymail.com",
                        "ann@gmail.com",
                        "x@mc.com",
                        "x@acme.com",
                        "x@gmail.com",
                        "x@gmx.de"),
                apply(
                        c -> Standardize.email(c, true, known),
                        "son4310@outlook.xom",
                        "JLewis@Commcast.net",
                        "a.n.n@gmial.com",
                        "bo@aol.cm",
                        "ann@ymail.com",
                        "ann@googlemail.com",
                        "x@mc.com",
                        "x@acme.com",
                        "x@gmai.com",
                        "x@gmx.de"));
        assertEquals(
                Arrays.asList("son4310@outlook.xom", null),
                apply(c -> Standardize.email(c, false, List.of()), "son4310@outlook.xom", "no-domain@"));
    }

    @Test
    void theDomainCorrectionRunsUnderAnsiMode() {
        List<String> known = List.of("gmail.com", "me.com", "mac.com");
        String ansi = spark.conf().get("spark.sql.ansi.enabled");
        spark.conf().set("spark.sql.ansi.enabled", "true");
        try {
            assertEquals(
                    Arrays.asList("ann@gmail.com", "x@mc.com", "x@acme.com"),
                    apply(c -> Standardize.email(c, false, known), "ann@gmial.com", "x@mc.com", "x@acme.com"),
                    "one near domain, two equally near, none near");
        } finally {
            spark.conf().set("spark.sql.ansi.enabled", ansi);
        }
    }

    @Test
    void phonesBecomeE164AndInvalidOnesNull() {
        assertEquals(
                Arrays.asList("+14155550134", "+14155550134", "+14155550134", "+14155550134", null, null, null),
                apply(
                        c -> Phones.e164(c, "US"),
                        "(415) 555-0134",
                        "415.555.0134",
                        "+1 415 555 0134",
                        "4155550134",
                        "000-000-0000",
                        "n/a",
                        null));
    }

    @Test
    void datesParseInSeveralFormats() {
        List<String> formats = List.of("yyyy-MM-dd", "MM/dd/yyyy", "dd.MM.yyyy", "yyyyMMdd");
        assertEquals(
                Arrays.asList("1980-03-07", "1980-03-07", "1980-03-07", "1980-03-07", null),
                apply(
                        c -> Standardize.date(c, formats),
                        "1980-03-07",
                        "03/07/1980",
                        "07.03.1980",
                        "19800307",
                        "March 7"));
    }

    @Test
    void addressesSplitNumberStreetAndUnit() {
        Map<String, String> abbreviations = new LinkedHashMap<>();
        abbreviations.put("street", "st");
        abbreviations.put("avenue", "ave");
        abbreviations.put("north", "n");
        abbreviations.put("mount saint", "mt st"); // more than one word: searched, not looked up
        assertEquals(
                Arrays.asList("12 n main st", "12 n main st", "7 oak ave", "3 northway st", "9 mt st helens rd"),
                apply(
                        c -> Standardize.street(c, abbreviations),
                        "12 North Main Street Apt 4B",
                        "12 N. Main St., #4b",
                        "7 Oak Avenue",
                        "3 Northway Street",
                        "9 Mount Saint Helens Rd"));
        String ansi = spark.conf().get("spark.sql.ansi.enabled");
        spark.conf().set("spark.sql.ansi.enabled", "true");
        try {
            assertEquals(
                    List.of("7 oak ave"),
                    apply(c -> Standardize.street(c, abbreviations), "7 Oak Avenue"),
                    "words without an abbreviation stay as they are under ANSI mode");
        } finally {
            spark.conf().set("spark.sql.ansi.enabled", ansi);
        }
        assertEquals(
                Arrays.asList("12", "7a", null),
                apply(Standardize::houseNumber, "12 North Main", "7A Oak Ave", "Main St"));
        assertEquals(
                Arrays.asList("4b", "4b", "12", null),
                apply(Standardize::unit, "12 Main St Apt 4B", "12 Main St #4B", "1 Elm Suite 12", "1 Elm St"));
        assertEquals(
                Arrays.asList("94110", "94110", "SW1A1AA"),
                apply(Standardize::postcode, "94110-1234", "94110", "sw1a 1aa"));
    }

    @Test
    void junkAndPlaceholderIdsBecomeNull() {
        assertEquals(
                Arrays.asList("123456789", null, null),
                apply(Standardize::nationalId, "123-45-6789", "000-00-0000", "12"));
        List<String> junk = List.of("n a", "none", "unknown", "test test com");
        assertEquals(
                Arrays.asList("Ann", null, null),
                apply(c -> Standardize.unlessJunk(c, Standardize.text(c), junk), "Ann", "N/A", "test@test.com"));
        assertNull(apply(c -> Standardize.unlessJunk(c, Standardize.text(c), junk), (String) null)
                .get(0));
    }
}
