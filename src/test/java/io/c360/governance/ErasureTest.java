package io.c360.governance;

import static io.c360.test.Cli.c360;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.c360.Progress;
import io.c360.bronze.BronzeIngest;
import io.c360.bronze.SourceContract;
import io.c360.config.C360Config;
import io.c360.gold.Activation;
import io.c360.gold.GoldDefinitions;
import io.c360.lake.Lake;
import io.c360.lake.Suppression;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.standardize.Identifiers;
import io.c360.test.Cli.Outcome;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * GDPR erasure and access end to end on a small generated lake: access shows the person in every
 * layer; bad requests change nothing; after erasure no readable version of any table, no
 * transaction log entry and no activation file holds them, re-delivered files do not bring them
 * back, and the audit names no one.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("pipeline")
class ErasureTest {
    static final Instant AS_OF = SampleLake.AS_OF;
    private final SparkSession spark;
    private Path home;
    private Path landing;
    private Path configFile;
    private Path exportFile;
    private Lake lake;
    private C360Config cfg;
    private String email;
    private Set<String> customerIds;
    private Set<String> recordIds;
    /** Everything that identifies the subject, collected before erasure independently of the erasure code. */
    private Set<String> needles;

    ErasureTest(SparkSession spark) {
        this.spark = spark;
    }

    @BeforeAll
    void lakeWithOnePersonToErase(@TempDir Path dir) throws IOException {
        SampleLake.Site site = SampleLake.copy(dir);
        home = site.home();
        landing = site.landing();
        cfg = site.config();
        lake = site.lake();
        GoldDefinitions gold = site.gold();
        assertTrue(
                SampleLake.sharedRun().succeeded(),
                () -> SampleLake.sharedRun().run().failure().orElse(""));
        // Gold used to be staged under _staging before publication: lakes built then still hold that copy.
        SampleLake.copyTree(home.resolve("lake/gold/customer"), home.resolve("lake/_staging/gold/customer"));
        exportFile = home.resolve("exports/everyone_email.csv");
        Activation.export(lake, cfg, gold, "everyone_email", exportFile);
        configFile = writeConfig();

        // The subject: of the exported customers, the one with the most records; their most frequent e-mail.
        Row pick = spark.sql("""
        SELECT m.customer_id, r.email, count(*) OVER (PARTITION BY m.customer_id) AS records,
               count(*) OVER (PARTITION BY m.customer_id, r.email) AS uses
        FROM silver.identity_records r JOIN silver.customer_id_map m ON m.record_key = r.record_key
        WHERE m.customer_id IN (SELECT customer_id FROM gold.segment_membership WHERE segment = 'everyone_email')
        """)
                .filter(col("email").isNotNull())
                .orderBy(col("records").desc(), col("uses").desc(), col("email"))
                .head();
        email = pick.getString(1);
        customerIds = new TreeSet<>(strings(spark.sql("SELECT DISTINCT m.customer_id FROM silver.identity_records r "
                + "JOIN silver.customer_id_map m ON m.record_key = r.record_key WHERE r.email = '" + email + "'")));
        String ids = customerIds.stream().map(c -> "'" + c + "'").collect(Collectors.joining(","));
        Dataset<Row> records = spark.sql("SELECT r.* FROM silver.identity_records r JOIN silver.customer_id_map m "
                        + "ON m.record_key = r.record_key WHERE m.customer_id IN (" + ids + ")")
                .cache();
        Set<String> recordKeys = new TreeSet<>(strings(records.select("record_key")));
        // An accuracy audit drew a pair of the subject's records: erasure finds it by the record keys.
        List<String> keys = List.copyOf(recordKeys);
        lake.append(
                TableCatalog.AUDIT_ITEMS,
                spark.createDataFrame(
                        List.of(RowFactory.create(
                                "audit-1",
                                1,
                                "rule",
                                keys.get(0),
                                keys.get(1),
                                null,
                                "ann",
                                Timestamp.from(Instant.now()))),
                        TableCatalog.AUDIT_ITEMS_SCHEMA));
        recordIds = new TreeSet<>(strings(records.select("record_id")));
        Set<String> emails = new TreeSet<>(strings(records.select("email")));
        Set<String> phones = new TreeSet<>(strings(records.select("phone")));
        Dataset<Row> others = spark.table("silver.identity_records")
                .filter(col("record_key").isin(recordKeys.toArray()).unary_$bang());
        emails.removeAll(strings(others.select("email")));
        phones.removeAll(strings(others.select("phone")));
        emails.add(email);
        assertTrue(recordIds.size() >= 2, "the subject has several records: " + recordIds);

        needles = new TreeSet<>();
        needles.addAll(customerIds);
        needles.addAll(recordIds);
        needles.addAll(emails);
        needles.addAll(phones);
        needles.addAll(strings(records.select("signature")));
        // How the sources wrote those e-mails and phones (bronze keeps them as delivered).
        Identifiers identifiers = Identifiers.forConfig(cfg);
        for (C360Config.SourceConfig s : cfg.sources()) {
            SourceContract contract = SourceContract.load(s.contract());
            for (SourceContract.Column c : contract.columns()) {
                String pii = c.pii().orElse("");
                if (pii.equals("email") || pii.equals("phone")) {
                    Column standard =
                            pii.equals("email") ? identifiers.email(col(c.name())) : identifiers.phone(col(c.name()));
                    Set<String> subjectValues = pii.equals("email") ? emails : phones;
                    for (Row r : spark.table("bronze." + s.name())
                            .select(col(c.name()), standard)
                            .collectAsList()) {
                        if (!r.isNullAt(1) && subjectValues.contains(r.getString(1))) {
                            needles.add(r.getString(0).trim());
                        }
                    }
                }
            }
        }
        records.unpersist();
    }

    @Test
    @Order(1)
    void accessShowsThePersonInEveryLayer() throws IOException {
        // The test's own search finds the subject before erasure (so finding nothing afterwards means something).
        assertTrue(found(Files.readString(exportFile)), "the subject is in the activation file");
        for (String t : List.of(
                "silver.identity_records",
                "silver.customer_id_map",
                "gold.customer",
                "gold.customer_360",
                "ops.audit_items")) {
            assertTrue(spark.table(t).toJSON().filter(holdsNeedle(col("value"))).count() > 0, t + " holds the subject");
        }
        Path out = home.resolve("sar.json");
        Outcome access = c360(
                "access",
                "--email",
                "  " + email.toUpperCase(Locale.ROOT) + " ",
                "--out",
                out.toString(),
                "--config",
                configFile.toString());
        assertEquals(0, access.code(), access.err());
        JsonNode report = new ObjectMapper().readTree(out.toFile());
        JsonNode tables = report.get("tables");
        List<String> names = new ArrayList<>();
        tables.fieldNames().forEachRemaining(names::add);
        assertTrue(
                names.stream().anyMatch(n -> n.startsWith("bronze.") && !n.startsWith("bronze._")),
                "bronze rows: " + names);
        for (String t : List.of(
                "silver.identity_records",
                "silver.customer_id_map",
                "silver.golden_records",
                "gold.customer",
                "gold.customer_360",
                "gold.customer_xref",
                "gold.consent")) {
            assertTrue(names.contains(t), t + " in " + names);
        }
        assertTrue(
                tables.get("gold.customer_xref").size() >= recordIds.size(), "every record of the subject is listed");
        Set<String> customers = new TreeSet<>();
        report.get("customer_ids").forEach(n -> customers.add(n.asText()));
        assertEquals(customerIds, customers);
        tables.get("gold.customer")
                .forEach(r ->
                        assertTrue(customerIds.contains(r.get("customer_id").asText())));
        assertTrue(
                report.get("activation_exports").has(exportFile.toAbsolutePath().toString()),
                report.get("activation_exports").toString());
    }

    @Test
    @Order(2)
    void badRequestsChangeNothing() {
        Map<String, Long> before = commitFiles();
        Outcome none = c360("erase", "--config", configFile.toString());
        assertEquals(1, none.code());
        assertTrue(
                none.err().startsWith("c360: error: no subject given")
                        && none.err().contains("exactly one of --email, --phone or --customer-id"),
                none.err());
        Outcome two = c360("erase", "--email", email, "--phone", "+1 415 555 0134", "--config", configFile.toString());
        assertEquals(1, two.code());
        assertTrue(two.err().contains("several identifiers given"), two.err());
        Outcome unknown = c360("erase", "--customer-id", "C0000000000000000", "--config", configFile.toString());
        assertEquals(1, unknown.code());
        assertTrue(
                unknown.err().contains("unknown customer id 'C0000000000000000'")
                        && unknown.err().contains("nothing was changed"),
                unknown.err());
        Outcome notAnEmail = c360("erase", "--email", "not-an-address", "--config", configFile.toString());
        assertEquals(1, notAnEmail.code());
        assertTrue(notAnEmail.err().contains("is not an e-mail address"), notAnEmail.err());
        assertEquals(
                1,
                c360("access", "--out", home.resolve("x.json").toString(), "--config", configFile.toString())
                        .code());

        assertEquals(before, commitFiles(), "no table was written");
        assertFalse(Files.exists(home.resolve("lake/ops/_salt")), "no salt was generated");
        assertFalse(lake.exists(Erasure.AUDIT));
        assertFalse(lake.exists(Suppression.TABLE));
    }

    @Test
    @Order(3)
    void erasureLeavesNoReadableTrace() throws IOException {
        long start = System.nanoTime();
        Outcome erase = c360("erase", "--email", email, "--config", configFile.toString());
        assertEquals(0, erase.code(), erase.err());
        assertTrue(erase.out().contains(" completed "), erase.out());
        System.out.printf("erase took %.1fs%n", (System.nanoTime() - start) / 1e9);

        for (Path table : deltaTables()) {
            String location = table.toString();
            long latest = latestVersion(table);
            boolean currentReadable = false;
            for (long v = 0; v <= latest; v++) {
                List<String> found;
                try {
                    Dataset<Row> rows = spark.read()
                            .format("delta")
                            .option("versionAsOf", v)
                            .load(location);
                    found = rows.select(to_json(struct(Arrays.stream(rows.columns())
                                            .map(c -> col("`" + c + "`"))
                                            .toArray(Column[]::new)))
                                    .as("j"))
                            .filter(holdsNeedle(col("j")))
                            .limit(3)
                            .as(org.apache.spark.sql.Encoders.STRING())
                            .collectAsList();
                } catch (Exception e) {
                    continue; // log or files gone: that version cannot be read any more
                }
                currentReadable |= v == latest;
                assertTrue(found.isEmpty(), location + " version " + v + " still holds the subject: " + found);
            }
            assertTrue(currentReadable, location + " is readable at its latest version");
            try (Stream<Path> log = Files.list(table.resolve("_delta_log"))) {
                for (Path f : log.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".parquet")) {
                        assertEquals(
                                0,
                                spark.read()
                                        .parquet(f.toString())
                                        .toJSON()
                                        .filter(holdsNeedle(col("value")))
                                        .count(),
                                f.toString());
                    } else if (!name.endsWith(".crc") || !name.startsWith(".")) {
                        assertFalse(found(Files.readString(f, StandardCharsets.ISO_8859_1)), f + " names the subject");
                    }
                }
            }
            try (Stream<Path> cdc = Files.exists(table.resolve("_change_data"))
                    ? Files.list(table.resolve("_change_data"))
                    : Stream.empty()) {
                assertEquals(
                        List.of(),
                        cdc.filter(p -> p.toString().endsWith(".parquet")).toList(),
                        "change data files are vacuumed");
            }
        }
        String csv = Files.readString(exportFile);
        assertFalse(found(csv), "activation file rewritten without the subject");
        assertTrue(csv.startsWith("customer_id,"), "header kept");
    }

    @Test
    @Order(4)
    void auditNamesNoOne() {
        List<Row> audit = lake.read(Erasure.AUDIT).collectAsList();
        assertEquals(1, audit.size());
        Row a = audit.get(0);
        assertEquals("completed", a.getAs("status"));
        assertEquals("email", a.getAs("identifier_kind"));
        assertTrue(a.<Integer>getAs("records") >= recordIds.size());
        Map<String, Long> removed =
                new TreeMap<>(scala.collection.JavaConverters.mapAsJavaMap(a.getAs("rows_removed")));
        assertTrue(removed.keySet().stream().anyMatch(t -> t.startsWith("bronze.")), removed.toString());
        assertTrue(
                removed.containsKey("silver.identity_records")
                        && removed.containsKey("gold.customer")
                        && removed.containsKey("_staging.gold.customer"),
                removed.toString());
        assertTrue(a.<Long>getAs("files_vacuumed") > 0);
        assertEquals(1, (int) a.<Integer>getAs("export_files_rewritten"));
        String json = lake.read(Erasure.AUDIT).toJSON().head();
        assertFalse(found(json), "audit holds no identifier: " + json);
        for (String n : needles) {
            assertFalse(json.toLowerCase(Locale.ROOT).contains(n.toLowerCase(Locale.ROOT)), "audit contains " + n);
        }
        assertFalse(
                found(String.join("\n", lake.read(Suppression.TABLE).toJSON().collectAsList())),
                "suppression list holds hashes only");
    }

    @Test
    @Order(5)
    void reDeliveredFilesDoNotBringThePersonBack() throws IOException {
        // Same records under new names; one line repeated at the end so the file's bytes (its checksum) differ
        // and bronze reads it instead of skipping it as a file it already has.
        int relanded = 0;
        for (C360Config.SourceConfig s : cfg.sources()) {
            Path pattern = Path.of(s.path());
            Path dir = landing.resolve(
                    pattern.getParent() == null ? "" : pattern.getParent().toString());
            try (DirectoryStream<Path> files =
                    Files.newDirectoryStream(dir, pattern.getFileName().toString())) {
                for (Path f : files) {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    lines.add(lines.get(lines.size() - 1));
                    String name = f.getFileName().toString();
                    int dot = name.lastIndexOf('.');
                    Files.write(
                            f.resolveSibling(name.substring(0, dot) + "_again" + name.substring(dot)),
                            lines,
                            StandardCharsets.UTF_8);
                    relanded++;
                }
            }
        }
        assertTrue(relanded >= cfg.sources().size());
        BronzeIngest.Result again = new BronzeIngest(lake, cfg, Progress.silent()).run();
        assertFalse(again.failed(), again.failures().toString());
        long suppressed = again.sources().stream()
                .mapToLong(BronzeIngest.SourceResult::rowsSuppressed)
                .sum();
        assertTrue(suppressed >= recordIds.size(), "the subject's rows are counted as suppressed: " + again.sources());
        assertEquals(
                0,
                again.sources().stream()
                        .mapToLong(BronzeIngest.SourceResult::rowsValid)
                        .sum(),
                "nothing new: " + again.sources());
        assertEquals(
                0,
                again.sources().stream()
                        .mapToLong(BronzeIngest.SourceResult::rowsQuarantined)
                        .sum(),
                "nothing new: " + again.sources());
        for (C360Config.SourceConfig s : cfg.sources()) {
            assertEquals(
                    0,
                    lake.read(TableName.bronze(s.name()))
                            .toJSON()
                            .filter(holdsNeedle(col("value")))
                            .count(),
                    s.name());
        }
        assertEquals(
                0,
                lake.read(TableCatalog.QUARANTINE)
                        .toJSON()
                        .filter(holdsNeedle(col("value")))
                        .count());
        assertTrue(
                lake.read(TableName.bronze("_ingest_log"))
                                .filter(col("rows_suppressed").gt(0))
                                .count()
                        > 0,
                "the log counts them");
    }

    // --- helpers -------------------------------------------------------------------------------------

    /** The subject's identifiers as whole tokens, case-insensitively (the test's own search, not the erasure's). */
    private boolean found(String text) {
        return found(text, needles);
    }

    static boolean found(String text, Set<String> needles) {
        String t = text.toLowerCase(Locale.ROOT);
        for (String n : needles) {
            String needle = n.toLowerCase(Locale.ROOT);
            for (int at = t.indexOf(needle); at >= 0; at = t.indexOf(needle, at + 1)) {
                boolean before = at == 0 || !token(t.charAt(at - 1));
                boolean after = at + needle.length() == t.length() || !token(t.charAt(at + needle.length()));
                if (before && after) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean token(char c) {
        return Character.isLetterOrDigit(c) || "._%+@-".indexOf(c) >= 0;
    }

    private Column holdsNeedle(Column text) {
        Set<String> n = new HashSet<>(needles);
        return functions
                .udf((UDF1<String, Boolean>) s -> s != null && found(s, n), DataTypes.BooleanType)
                .apply(text);
    }

    /** Every Delta table under the lake root, found on disk (not through Lake). */
    private List<Path> deltaTables() throws IOException {
        try (Stream<Path> all = Files.walk(home.resolve("lake"))) {
            return all.filter(p -> p.getFileName().toString().equals("_delta_log"))
                    .map(Path::getParent)
                    .sorted()
                    .toList();
        }
    }

    /** Every file of every table's transaction log, with its size: a commit to any table adds one. */
    private Map<String, Long> commitFiles() {
        Map<String, Long> files = new TreeMap<>();
        try {
            for (Path t : deltaTables()) {
                try (Stream<Path> log = Files.list(t.resolve("_delta_log"))) {
                    for (Path f : log.filter(Files::isRegularFile).toList()) {
                        files.put(f.toString(), Files.size(f));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    /** A table's latest version: its highest numbered commit in the transaction log. */
    private static long latestVersion(Path table) throws IOException {
        try (Stream<Path> log = Files.list(table.resolve("_delta_log"))) {
            return log.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("\\d{20}\\.json"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, 20)))
                    .max()
                    .orElseThrow(() -> new IllegalStateException(table + " has no commit"));
        }
    }

    private static List<String> strings(Dataset<Row> oneColumn) {
        return oneColumn.collectAsList().stream()
                .filter(r -> !r.isNullAt(0))
                .map(r -> r.getString(0))
                .distinct()
                .toList();
    }

    /** A configuration file for the CLI pointing at this lake and landing folder (absolute paths). */
    private Path writeConfig() throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("lake: {root: '").append(cfg.lakeRoot()).append("'}\n");
        y.append("landing: '").append(cfg.landingRoot()).append("'\n");
        cfg.definitions()
                .bronze()
                .ifPresent(p -> y.append("bronze: '").append(p.toAbsolutePath()).append("'\n"));
        cfg.definitions()
                .silver()
                .ifPresent(p -> y.append("silver: '").append(p.toAbsolutePath()).append("'\n"));
        cfg.definitions()
                .gold()
                .ifPresent(p -> y.append("gold: '").append(p.toAbsolutePath()).append("'\n"));
        y.append("reports: '").append(home.resolve("reports")).append("'\n");
        y.append("spark: {master: 'local[2]', app_name: c360-test}\n");
        y.append("sources:\n");
        for (C360Config.SourceConfig s : cfg.sources()) {
            y.append("  - {name: ")
                    .append(s.name())
                    .append(", system: ")
                    .append(s.system())
                    .append(", format: ")
                    .append(s.format())
                    .append(", path: '")
                    .append(s.path())
                    .append("', contract: '")
                    .append(s.contract().toAbsolutePath())
                    .append("'}\n");
        }
        return Files.writeString(home.resolve("c360.yaml"), y.toString());
    }
}
