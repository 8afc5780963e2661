package io.c360.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.config.C360Config.Readiness;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalogue of bad and awkward input as real exports deliver it. Each case asserts that every
 * valid record lands in bronze with its values intact and that every rejected record is in
 * quarantine with a reason.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class BadInputTest {
    private static final String HEADER = "id,name,status,amount,seen_at\n";
    private static final String AT = "2025-01-02 03:04:05";
    private static final TableName PEOPLE = TableName.bronze("people");

    private final SparkSession spark;

    @TempDir
    Path home;

    BadInputTest(SparkSession spark) {
        this.spark = spark;
    }

    private BronzeFixture csv(Map<String, String> options) {
        return new BronzeFixture(spark, home)
                .source("people", "csv", "people/*.csv", BronzeFixture.PEOPLE_CONTRACT, options, Readiness.AT_ONCE);
    }

    private BronzeFixture json() {
        return new BronzeFixture(spark, home).source("people", "json", "people/*.jsonl", BronzeFixture.PEOPLE_CONTRACT);
    }

    /** Bronze rows as id -> name. */
    private static Map<String, String> names(BronzeFixture f) {
        if (!f.lake.exists(PEOPLE)) {
            return Map.of();
        }
        return f.lake.read(PEOPLE).collectAsList().stream()
                .collect(Collectors.toMap(
                        r -> r.<String>getAs("id"),
                        r -> String.valueOf(r.<String>getAs("name")),
                        (a, b) -> a,
                        TreeMap::new));
    }

    /** Quarantined records as line -> reason; every one must carry a reason. */
    private static Map<Long, String> quarantined(BronzeFixture f) {
        if (!f.lake.exists(TableCatalog.QUARANTINE)) {
            return Map.of();
        }
        Map<Long, String> out = new TreeMap<>();
        for (Row r : f.lake.read(TableCatalog.QUARANTINE).collectAsList()) {
            String reason = r.getAs("reason");
            assertTrue(
                    reason != null && !reason.isBlank(),
                    "a quarantined record without a reason: line " + r.getAs("source_row"));
            out.put(r.getAs("source_row"), reason);
        }
        return out;
    }

    private static String row(String id, String name) {
        return id + "," + name + ",active,1.00," + AT;
    }

    @Test
    void quotedLineBreaksAndDoubledQuotesLandWhole() {
        BronzeFixture f = csv(Map.of());
        f.land(
                "people/a.csv",
                HEADER
                        + row("P1", "\"Ann\nSecond line\"") + "\n"
                        + row("P2", "\"Bob \"\"the builder\"\", Jr\"") + "\r\n"
                        + row("P3", "\"Cy \"\"Q\"\"\"") + "\n"
                        + row("P4", "\"Di\r\nWindows break\"") + "\r\n"
                        + row("P5", "Ed") + "\n");

        f.ingest();

        assertEquals(Map.of(), quarantined(f));
        assertEquals(
                Map.of(
                        "P1",
                        "Ann\nSecond line",
                        "P2",
                        "Bob \"the builder\", Jr",
                        "P3",
                        "Cy \"Q\"",
                        "P4",
                        "Di\r\nWindows break",
                        "P5",
                        "Ed"),
                names(f));
        Map<String, Long> lines = f.lake.read(PEOPLE).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.<String>getAs("id"), r -> r.<Long>getAs(Lineage.SOURCE_ROW)));
        assertEquals(
                Map.of("P1", 2L, "P2", 4L, "P3", 5L, "P4", 6L, "P5", 8L),
                lines,
                "a record's line is the line it starts on");
    }

    @Test
    void aStrayQuoteCostsOnlyItsOwnLine() {
        BronzeFixture f = csv(Map.of());
        f.land(
                "people/a.csv",
                HEADER
                        + row("P1", "Ann") + "\n"
                        + row("P2", "\"Bob") + "\n" // opens a quote nothing closes
                        + row("P3", "O\"Brien") + "\n" // a quote inside an unquoted field is text
                        + row("P4", "\"Di\nstill Di\"") + "\n"
                        + row("P5", "Ed") + "\n"
                        + row("P6", "\"Fay") + "\n"); // open at the end of the file

        f.ingest();

        Map<Long, String> q = quarantined(f);
        assertEquals(List.of(3L, 8L), List.copyOf(q.keySet()));
        assertTrue(q.get(3L).contains("quoted field"), q.get(3L));
        assertEquals(Map.of("P1", "Ann", "P3", "O\"Brien", "P4", "Di\nstill Di", "P5", "Ed"), names(f));
    }

    @Test
    void compressedExtractsAreFoundByTheSourcesGlobAndReadWhole() throws IOException {
        BronzeFixture f = csv(Map.of());
        f.landBytes("people/a.csv.gz", gzip(HEADER + row("P1", "\"Ann\nGz\"") + "\n" + row("P2", "Bob") + "\n"));
        f.landBytes("people/b.csv.bz2", bzip2(HEADER + row("P3", "Cy") + "\n"));
        f.land("people/c.csv", HEADER + row("P4", "Di") + "\n");
        f.landBytes("people/d.csv.zip", zip(Map.of("d.csv", HEADER + row("P5", "Ed") + "\n")));

        BronzeIngest.Result result = f.ingest();

        assertFalse(result.failed(), () -> String.valueOf(result.failures()));
        assertEquals(Map.of("P1", "Ann\nGz", "P2", "Bob", "P3", "Cy", "P4", "Di", "P5", "Ed"), names(f));
        assertEquals(
                4, f.lake.read(IngestLog.TABLE).filter("status = 'ingested'").count());

        f.landBytes("people/e.csv.zip", zip(Map.of("e1.csv", HEADER + row("P6", "Fay") + "\n", "e2.csv", HEADER)));
        BronzeIngest.Result two = f.ingest();
        assertTrue(
                two.failed()
                        && two.failures().get(0).contains("e.csv.zip: a zip extract must hold one file but holds 2"),
                String.valueOf(two.failures()));
    }

    @Test
    void aTruncatedCompressedFileKeepsTheRecordsBeforeTheCutAndSaysWhereReadingStopped() throws IOException {
        BronzeFixture f = csv(Map.of());
        StringBuilder text = new StringBuilder(HEADER);
        for (int i = 1; i <= 400; i++) {
            text.append(row("P" + i, "Name" + Integer.toHexString(i * 7919))).append('\n');
        }
        byte[] whole = gzip(text.toString());
        f.landBytes("people/a.csv.gz", java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        f.land("people/b.csv", HEADER + row("P999", "Zed") + "\n");

        BronzeIngest.Result result = f.ingest();

        assertFalse(result.failed(), () -> String.valueOf(result.failures()));
        Map<Long, String> q = quarantined(f);
        assertEquals(1, q.size(), q.toString());
        assertTrue(q.values().iterator().next().contains("the file ends early"), q.toString());
        Map<String, String> landed = names(f);
        assertTrue(
                landed.containsKey("P999") && landed.containsKey("P1") && landed.size() < 400, landed.size() + " rows");
        for (int i = 1; i < landed.size(); i++) {
            assertTrue(landed.containsKey("P" + i), "the rows before the cut land in order: P" + i);
        }
    }

    @Test
    void aSourcesEncodingDecodesItsFilesAndWrongBytesAreQuarantinedNamingIt() throws IOException {
        Charset latin1 = StandardCharsets.ISO_8859_1;
        BronzeFixture f = csv(Map.of("encoding", "ISO-8859-1"));
        f.landBytes("people/a.csv", (HEADER + row("P1", "Zoë Müller") + "\n").getBytes(latin1));
        f.ingest();
        assertEquals(Map.of("P1", "Zoë Müller"), names(f));

        BronzeFixture utf8 = new BronzeFixture(spark, home.resolve("second"))
                .source("people", "csv", "people/*.csv", BronzeFixture.PEOPLE_CONTRACT);
        utf8.landBytes("people/a.csv", (HEADER + row("P1", "Zoë") + "\n" + row("P2", "Bo") + "\n").getBytes(latin1));
        utf8.ingest();
        assertEquals(Map.of("P2", "Bo"), names(utf8));
        assertTrue(
                quarantined(utf8).get(2L).contains("UTF-8"), quarantined(utf8).toString());
    }

    @Test
    void delimiterQuoteEscapeAndHeaderAreOptionsOfTheSource() {
        BronzeFixture f = csv(Map.of("delimiter", ";", "quote", "'", "escape", "\\", "header", "false"));
        f.land("people/a.csv", "P1;'Ann \\'A\\'; x';active;1.00;" + AT + "\nP2;Bob;active;2.00;" + AT + "\n");

        f.ingest();

        assertEquals(Map.of(), quarantined(f));
        assertEquals(Map.of("P1", "Ann 'A'; x", "P2", "Bob"), names(f));
    }

    @Test
    void headerVariantsBomCrlfReorderedExtraAndMissingOptionalColumns() throws IOException {
        BronzeFixture f = csv(Map.of());
        ByteArrayOutputStream bom = new ByteArrayOutputStream();
        bom.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bom.write(("id,name,status,amount,seen_at\r\n" + row("P1", "Ann") + "\r\n").getBytes(StandardCharsets.UTF_8));
        f.landBytes("people/bom_crlf.csv", bom.toByteArray());
        f.land("people/reordered.csv", "seen_at,status,Name,ID,amount,shoe_size\n" + AT + ",active,Bob,P2,2.00,44\n");
        f.land("people/fewer.csv", "id,seen_at\nP3," + AT + "\n");

        BronzeIngest.Result result = f.ingest();

        assertFalse(result.failed(), () -> String.valueOf(result.failures()));
        assertEquals(Map.of(), quarantined(f));
        assertEquals(Map.of("P1", "Ann", "P2", "Bob", "P3", "null"), names(f));
        Row bob = f.lake.read(PEOPLE).filter("id = 'P2'").first();
        assertEquals("{\"shoe_size\":\"44\"}", bob.getAs(Lineage.RESCUED));
        assertEquals(
                Timestamp.valueOf(AT),
                f.lake.read(PEOPLE).filter("id = 'P1'").first().getAs("seen_at"),
                "no \\r left in the last field");
    }

    @Test
    void nulCharactersLongLinesAndTruncatedRecordsCostOnlyThemselves() {
        BronzeFixture f = csv(Map.of("max_record_chars", "6000000"));
        String longName = "x".repeat(5 * 1024 * 1024);
        f.land(
                "people/a.csv",
                HEADER
                        + row("P1", "Ann") + "\n"
                        + row("P2", "B\0b") + "\n"
                        + row("P3", longName) + "\n"
                        + row("P4", "y".repeat(6_000_001)) + "\n"
                        + row("P5", "Ed") + "\n"
                        + "P6,Fay,act"); // cut short mid-record

        f.ingest();

        Map<Long, String> q = quarantined(f);
        assertEquals(List.of(3L, 5L, 7L), List.copyOf(q.keySet()));
        assertTrue(q.get(3L).contains("NUL"), q.get(3L));
        assertTrue(q.get(5L).contains("max_record_chars"), q.get(5L));
        Map<String, String> landed = names(f);
        assertEquals(List.of("P1", "P3", "P5"), List.copyOf(landed.keySet()));
        assertEquals(longName, landed.get("P3"), "a 5 MB field lands whole");
    }

    @Test
    void jsonValuesAreCheckedAgainstTheContractType() {
        BronzeFixture f = json();
        f.land("people/a.jsonl", """
        {"id":"P1","name":{"first":"nestor","last":"probe"},"amount":1}
        {"id":"P2","name":["a","b"]}
        {"id":"P3","name":"Cy","amount":12.50,"seen_at":"2025-01-02 03:04:05"}
        {"id":"P4","name":"Di","name":"Dee"}
        {"id":"P5","name":null,"amount":{"value":3}}
        """);

        f.ingest();

        Map<Long, String> q = quarantined(f);
        assertEquals(List.of(1L, 2L, 4L, 5L), List.copyOf(q.keySet()));
        assertTrue(q.get(1L).contains("name: expected a single string value but was an object or array"), q.get(1L));
        assertTrue(q.get(4L).contains("a key appears twice"), q.get(4L));
        assertTrue(q.get(5L).contains("amount"), q.get(5L));
        assertEquals(Map.of("P3", "Cy"), names(f));
        assertEquals(
                new java.math.BigDecimal("12.50"), f.lake.read(PEOPLE).first().getAs("amount"));
    }

    @Test
    void parquetTypedTimestampsAreTakenAsTypedWhateverTheTextFormat() {
        BronzeFixture f = new BronzeFixture(spark, home)
                .source("people", "parquet", "people/*.parquet", BronzeFixture.PEOPLE_CONTRACT);
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("name", DataTypes.StringType)
                .add("status", DataTypes.StringType)
                .add("amount", DataTypes.createDecimalType(10, 2))
                .add("seen_at", DataTypes.TimestampType);
        Timestamp at = Timestamp.valueOf("2025-01-02 03:04:05.123");
        spark.createDataFrame(
                        List.of(
                                RowFactory.create("P1", "Ann", "active", new java.math.BigDecimal("1.50"), at),
                                RowFactory.create("X2", "Bad id", "active", new java.math.BigDecimal("1.50"), at)),
                        schema)
                .coalesce(1)
                .write()
                .parquet(f.landing.resolve("people/part").toString());
        Path file = only(f.landing.resolve("people/part"), ".parquet");
        Path landed = f.landing.resolve("people/a.parquet");
        move(file, landed);

        f.ingest();

        Row ann = f.lake.read(PEOPLE).first();
        assertEquals(at, ann.getAs("seen_at"), "a typed timestamp needs no text format");
        assertEquals(1, quarantined(f).size());
    }

    @Test
    void filesStillBeingWrittenWaitForTheNextRun() throws IOException {
        BronzeFixture settling = new BronzeFixture(spark, home)
                .source(
                        "people",
                        "csv",
                        "people/*.csv",
                        BronzeFixture.PEOPLE_CONTRACT,
                        Map.of(),
                        new Readiness(Duration.ofMinutes(5), Optional.empty()));
        Path fresh = settling.land("people/fresh.csv", HEADER + row("P1", "An") + "\n");
        Path old = settling.land("people/old.csv", HEADER + row("P2", "Bob") + "\n");
        old.toFile()
                .setLastModified(
                        System.currentTimeMillis() - Duration.ofMinutes(10).toMillis());

        BronzeIngest.Result first = settling.ingest();

        assertEquals(1, first.sources().get(0).waitingFiles());
        assertEquals(Map.of("P2", "Bob"), names(settling));
        Row waiting =
                settling.lake.read(IngestLog.TABLE).filter("status = 'waiting'").first();
        assertTrue(waiting.<String>getAs("file").endsWith("fresh.csv")
                && waiting.<String>getAs("message").contains("settle_time"));
        settling.land("people/fresh.csv", HEADER + row("P1", "Ann") + "\n"); // the writer finishes
        fresh.toFile()
                .setLastModified(
                        System.currentTimeMillis() - Duration.ofMinutes(10).toMillis());
        settling.ingest();
        assertEquals(Map.of("P1", "Ann", "P2", "Bob"), names(settling), "the complete version only");

        BronzeFixture marked = new BronzeFixture(spark, home.resolve("marked"))
                .source(
                        "people",
                        "csv",
                        "people/*.csv",
                        BronzeFixture.PEOPLE_CONTRACT,
                        Map.of(),
                        new Readiness(Duration.ZERO, Optional.of("_SUCCESS")));
        marked.land("people/a.csv", HEADER + row("P3", "Cy") + "\n");
        assertEquals(1, marked.ingest().sources().get(0).waitingFiles());
        assertFalse(marked.lake.exists(PEOPLE));
        marked.land("people/_SUCCESS", "");
        assertEquals(0, marked.ingest().sources().get(0).waitingFiles());
        assertEquals(Map.of("P3", "Cy"), names(marked));
    }

    @Test
    void unknownOrBadReaderOptionsAreRefusedNamingTheKey() {
        for (Map<String, String> bad : List.of(
                Map.of("delimeter", ";"),
                Map.of("encoding", "klingon"),
                Map.of("quote", "\"\""),
                Map.of("header", "maybe"))) {
            String key = bad.keySet().iterator().next();
            io.c360.C360Exception e =
                    org.junit.jupiter.api.Assertions.assertThrows(io.c360.C360Exception.class, () -> csv(bad));
            assertTrue(e.getMessage().contains("options: " + key + ":"), e.getMessage());
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static byte[] zip(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : new TreeMap<>(files).entrySet()) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] bzip2(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new BZip2CompressorOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static Path only(Path folder, String suffix) {
        try (var files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
            try (var rest = Files.walk(from.getParent())) {
                rest.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
