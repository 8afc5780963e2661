package io.c360.governance;

import static io.c360.test.Cli.c360;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.Suppression;
import io.c360.lake.TableName;
import io.c360.standardize.Identifiers;
import io.c360.test.Cli.Outcome;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure that cannot take the wrong people, on a lake of six records written by hand: four customers
 * share one landline (Dee has a second record with her mobile), Eve has a number of her own. A shared
 * phone is refused listing the four and changes nothing; a dry run counts and changes nothing; an
 * e-mail found nowhere is refused and writes nothing; {@code --all-customers-sharing} erases the four.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class ErasureSafetyTest {
    private static final String LANDLINE = "(650) 253-0000";
    private static final String DEE_MOBILE = "(646) 201-7712";
    private static final String EVE_PHONE = "(212) 736-5000";
    /** Record id, name, e-mail, phone as delivered, customer. */
    private static final List<List<String>> PEOPLE = List.of(
            List.of("P1", "Ann Archer", "ann.archer@example.com", LANDLINE, "C1"),
            List.of("P2", "Bob Archer", "bob.archer@example.com", "650.253.0000", "C2"),
            List.of("P3", "Cid Archer", "cid.archer@example.com", "+1 650 253 0000", "C3"),
            List.of("P4", "Dee Archer", "dee.archer@example.com", "6502530000", "C4"),
            List.of("P5", "Dee Archer", "dee.archer@example.com", DEE_MOBILE, "C4"),
            List.of("P6", "Eve Baker", "eve.baker@example.com", EVE_PHONE, "C5"));

    private static final List<TableName> TABLES = List.of(
            TableName.bronze("people"),
            TableName.silver("identity_records"),
            TableName.silver("customer_id_map"),
            TableName.gold("customer"));

    private final SparkSession spark;

    @TempDir
    Path home;

    private Path configFile;
    private C360Config cfg;
    private Lake lake;

    ErasureSafetyTest(SparkSession spark) {
        this.spark = spark;
    }

    @BeforeEach
    void lakeOfFourCustomersSharingALandline() throws IOException {
        Files.writeString(home.resolve("people.yaml"), """
        source: people
        owner: test
        key: [id]
        columns:
          - {name: id, type: string, required: true}
          - {name: name, type: string, pii: name}
          - {name: email, type: string, pii: email}
          - {name: phone, type: string, pii: phone}
        """);
        configFile = Files.writeString(home.resolve("c360.yaml"), """
        lake: {root: lake}
        landing: landing
        sources:
          - {name: people, system: hr, format: csv, path: 'people/*.csv', contract: people.yaml}
        spark: {master: 'local[2]'}
        """);
        cfg = C360Config.load(configFile);
        lake = new Lake(spark, cfg.lakeRoot());
        Identifiers identifiers = Identifiers.forConfig(cfg);

        StructType bronze = strings("id", "name", "email", "phone");
        StructType records = strings("record_key", "source", "record_id", "email", "phone", "signature");
        StructType ids = strings("record_key", "customer_id");
        List<Row> bronzeRows = new ArrayList<>();
        List<Row> recordRows = new ArrayList<>();
        List<Row> idRows = new ArrayList<>();
        Set<Row> customers = new LinkedHashSet<>();
        for (List<String> p : PEOPLE) {
            String key = "people:" + p.get(0);
            String phone = identifiers.phone(spark, p.get(3)).orElseThrow();
            bronzeRows.add(RowFactory.create(p.get(0), p.get(1), p.get(2), p.get(3)));
            recordRows.add(RowFactory.create(
                    key,
                    "people",
                    p.get(0),
                    identifiers.email(spark, p.get(2)).orElseThrow(),
                    phone,
                    "sig-" + p.get(0)));
            idRows.add(RowFactory.create(key, p.get(4)));
            customers.add(RowFactory.create(p.get(4), p.get(1)));
        }
        // A row deleted before: its file is still on disk, and only a VACUUM would remove it.
        lake.append(
                TableName.bronze("people"),
                spark.createDataFrame(List.of(RowFactory.create("P9", "Old Row", null, null)), bronze));
        lake.delete(lake.location(TableName.bronze("people")), col("id").equalTo("P9"));
        lake.append(
                TableName.bronze("people"),
                spark.createDataFrame(bronzeRows, bronze).coalesce(1));
        lake.append(
                TableName.silver("identity_records"),
                spark.createDataFrame(recordRows, records).coalesce(1));
        lake.append(
                TableName.silver("customer_id_map"),
                spark.createDataFrame(idRows, ids).coalesce(1));
        lake.append(
                TableName.gold("customer"),
                spark.createDataFrame(List.copyOf(customers), strings("customer_id", "name"))
                        .coalesce(1));
    }

    @Test
    void aPhoneSharedByFourCustomersIsRefusedListingThemAndNothingChanges() {
        Map<String, String> files = files();
        Map<TableName, Long> rows = rowCounts();

        Outcome erase = c360("erase", "--phone", LANDLINE, "--config", configFile.toString());
        assertEquals(3, erase.code(), erase.err());
        assertEquals("", erase.out());
        assertTrue(
                erase.err()
                        .startsWith(
                                "c360: error: the given phone number is on the records of 4 customers; nothing was changed."),
                erase.err());
        assertTrue(erase.err().contains("--all-customers-sharing"), erase.err());
        for (String line : List.of(
                "C1  1 record(s)  people",
                "C2  1 record(s)  people",
                "C3  1 record(s)  people",
                "C4  2 record(s)  people")) {
            assertTrue(erase.err().contains("\n  " + line), "lists " + line + ": " + erase.err());
        }
        assertFalse(erase.err().contains("C5"), "Eve does not share the number: " + erase.err());
        assertNoPersonalData(erase.err());

        Outcome dryRun = c360("erase", "--phone", LANDLINE, "--dry-run", "--config", configFile.toString());
        assertEquals(3, dryRun.code(), "a dry run refuses as the erasure would: " + dryRun.err());

        Path report = home.resolve("sar.json");
        Outcome access =
                c360("access", "--phone", LANDLINE, "--out", report.toString(), "--config", configFile.toString());
        assertEquals(3, access.code(), access.err());
        assertFalse(Files.exists(report), "no access report of four people");

        SharedIdentifierException refused = assertThrows(
                SharedIdentifierException.class,
                () -> new Erasure(lake, cfg, Progress.silent())
                        .erase(new ErasureRequest(ErasureRequest.Kind.phone, "+16502530000", false), 0));
        assertEquals(
                List.of("C1", "C2", "C3", "C4"),
                refused.customers().stream().map(Subject.Customer::customerId).toList());
        assertEquals(
                List.of(1, 1, 1, 2),
                refused.customers().stream().map(Subject.Customer::records).toList());

        assertEquals(rows, rowCounts(), "row counts");
        assertEquals(
                files,
                files(),
                "no file of the lake written, deleted (vacuumed) or added (lock, salt, suppression, audit)");
    }

    @Test
    void aDryRunCountsWhatWouldGoAndChangesNothing() {
        Map<String, String> files = files();

        Outcome plan = c360(
                "erase",
                "--phone",
                LANDLINE,
                "--all-customers-sharing",
                "--dry-run",
                "--config",
                configFile.toString());
        assertEquals(0, plan.code(), plan.err());
        String out = plan.out();
        assertTrue(out.startsWith("erasure dry run: nothing was changed"), out);
        assertTrue(out.contains("4 customer(s), 5 record(s)") && out.contains("C4  2 record(s)  people"), out);
        assertRowsWouldGo(out, "bronze.people", 5);
        assertRowsWouldGo(out, "silver.identity_records", 5);
        assertRowsWouldGo(out, "silver.customer_id_map", 5);
        assertRowsWouldGo(out, "gold.customer", 4);
        // Four e-mails; the landline and Dee's mobile (no one else's); the five records.
        assertTrue(out.contains("would add 4 email, 2 phone, 5 record hash(es)"), out);
        assertTrue(out.contains("then 4 table(s) would be vacuumed"), out);
        assertNoPersonalData(out + plan.err());

        Outcome eve = c360("erase", "--phone", EVE_PHONE, "--dry-run", "--config", configFile.toString());
        assertEquals(0, eve.code(), "one customer's own number needs no flag: " + eve.err());
        assertTrue(
                eve.out().contains("1 customer(s), 1 record(s)") && eve.out().contains("C5  1 record(s)  people"),
                eve.out());
        assertRowsWouldGo(eve.out(), "gold.customer", 1);

        assertEquals(
                files,
                files(),
                "a dry run writes nothing: no lock, salt, suppression row, delete, vacuum or audit row");
    }

    @Test
    void anEMailFoundNowhereIsRefusedAndNothingIsWritten() {
        Map<String, String> files = files();

        Outcome erase = c360("erase", "--email", "Nobody.Here@Example.org", "--config", configFile.toString());
        assertEquals(1, erase.code());
        assertEquals(
                "c360: error: no customer or record matches the given e-mail; nothing erased",
                erase.err().strip());
        assertEquals("", erase.out(), "nothing reported as completed");
        Outcome dryRun =
                c360("erase", "--email", "Nobody.Here@Example.org", "--dry-run", "--config", configFile.toString());
        assertEquals(1, dryRun.code());
        assertTrue(dryRun.err().contains("no customer or record matches the given e-mail"), dryRun.err());
        C360Exception thrown = assertThrows(
                C360Exception.class,
                () -> new Erasure(lake, cfg, Progress.silent())
                        .erase(new ErasureRequest(ErasureRequest.Kind.email, "nobody.here@example.org", false), 0));
        assertFalse(thrown.getMessage().toLowerCase(Locale.ROOT).contains("nobody"), thrown.getMessage());

        assertEquals(files, files(), "no suppression entry, salt, audit row or lock left behind");
    }

    @Test
    void allCustomersSharingErasesThemAllAndOnlyThem() throws IOException {
        List<String> oldDataFiles = files().keySet().stream()
                .filter(f -> f.startsWith("bronze/people/part-"))
                .toList();
        Outcome erase =
                c360("erase", "--phone", LANDLINE, "--all-customers-sharing", "--config", configFile.toString());
        assertEquals(0, erase.code(), erase.err());
        assertTrue(
                erase.out().contains(" completed ")
                        && erase.out().contains("4 customer(s), 5 record(s); 11 identifier hash(es)"),
                erase.out());

        assertEquals(
                List.of("P6"), strings(lake.read(TableName.bronze("people")).select("id")));
        assertEquals(
                List.of("people:P6"),
                strings(lake.read(TableName.silver("identity_records")).select("record_key")));
        assertEquals(
                List.of("C5"),
                strings(lake.read(TableName.silver("customer_id_map")).select("customer_id")));
        assertEquals(
                List.of("C5"), strings(lake.read(TableName.gold("customer")).select("customer_id")));
        Map<String, Long> kinds = new TreeMap<>();
        lake.read(Suppression.TABLE)
                .groupBy("kind")
                .count()
                .collectAsList()
                .forEach(r -> kinds.put(r.getString(0), r.getLong(1)));
        assertEquals(Map.of("email", 4L, "phone", 2L, "record", 5L), kinds);
        Row audit = lake.read(Erasure.AUDIT).head();
        assertEquals("completed", audit.getAs("status"));
        assertEquals(4, (int) audit.<Integer>getAs("customers"));
        // The deleted row's file and the one the erasure rewrote: neither is left to read.
        assertEquals(
                List.of(), oldDataFiles.stream().filter(files()::containsKey).toList(), "vacuumed");

        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("lake/ops/_salt"))));
    }

    // --- helpers -------------------------------------------------------------------------------------

    private static void assertRowsWouldGo(String out, String table, long rows) {
        assertTrue(
                out.matches("(?s).*\\n  " + table.replace(".", "\\.") + " +" + rows + " rows would be deleted\\n.*"),
                table + ": " + out);
    }

    /** Neither the numbers, nor names, nor e-mail addresses of anyone. */
    private static void assertNoPersonalData(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (String s : List.of("650", "253", "646", "201-7712", "736", "archer", "baker", "@example.com")) {
            assertFalse(t.contains(s), "names " + s + ": " + text);
        }
    }

    /** Every file under the lake root with its size and modification time. */
    private Map<String, String> files() {
        Map<String, String> files = new TreeMap<>();
        Path root = home.resolve("lake");
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(
                        root.relativize(p).toString(),
                        Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    private Map<TableName, Long> rowCounts() {
        Map<TableName, Long> counts = new TreeMap<>(Comparator.comparing(TableName::toString));
        TABLES.forEach(t -> counts.put(t, lake.read(t).count()));
        return counts;
    }

    private static List<String> strings(Dataset<Row> oneColumn) {
        return oneColumn.collectAsList().stream()
                .map(r -> r.getString(0))
                .sorted()
                .toList();
    }

    private static StructType strings(String... names) {
        StructType t = new StructType();
        for (String n : names) {
            t = t.add(n, DataTypes.StringType, true);
        }
        return t;
    }
}
