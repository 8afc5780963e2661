package io.c360.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class BronzeIngestTest {
    private static final String HEADER = "id,name,status,amount,seen_at\n";
    private static final TableName PEOPLE = TableName.bronze("people");

    private final SparkSession spark;

    @TempDir
    Path home;

    BronzeIngestTest(SparkSession spark) {
        this.spark = spark;
    }

    private BronzeFixture people() {
        return new BronzeFixture(spark, home).source("people", "csv", "people/*.csv", BronzeFixture.PEOPLE_CONTRACT);
    }

    /** Quarantined rows as line number -> rule. */
    private Map<Long, String> quarantineRules(BronzeFixture f) {
        return f.lake.read(TableCatalog.QUARANTINE).collectAsList().stream()
                .collect(Collectors.toMap(
                        r -> r.<Long>getAs("source_row"), r -> r.<String>getAs("rule"), (a, b) -> a, TreeMap::new));
    }

    @Test
    void validRowsLandTypedWithLineage() {
        BronzeFixture f = people();
        f.land("people/a.csv", HEADER + "P1,Ann,active,10.50,2025-01-02 03:04:05\nP2,,closed,,\n");

        BronzeIngest.Result result = f.ingest();

        assertFalse(result.failed(), () -> "unexpected failure: " + result.failures());
        List<Row> rows = f.lake.read(PEOPLE).orderBy("_source_row").collectAsList();
        assertEquals(2, rows.size());
        Row ann = rows.get(0);
        assertEquals("P1", ann.getAs("id"));
        assertEquals(new java.math.BigDecimal("10.50"), ann.getAs("amount"));
        assertEquals(java.sql.Timestamp.valueOf("2025-01-02 03:04:05"), ann.getAs("seen_at"));
        assertEquals("people_system", ann.getAs(Lineage.SOURCE_SYSTEM));
        assertTrue(ann.<String>getAs(Lineage.SOURCE_FILE).endsWith("people/a.csv"));
        assertEquals(2L, ann.<Long>getAs(Lineage.SOURCE_ROW), "line 1 is the header");
        assertEquals(result.batchId(), ann.getAs(Lineage.BATCH_ID));
        assertEquals(64, ann.<String>getAs(Lineage.ROW_HASH).length());
        assertNull(rows.get(1).getAs("name"), "an empty field is null, not an empty string");
    }

    @Test
    void eachBrokenRuleGoesToQuarantineWithTheRuleAndTheGoodRowsLand() {
        BronzeFixture f = people();
        f.land(
                "people/a.csv",
                HEADER
                        + "P1,Ann,active,1.00,2025-01-02 03:04:05\n" // 2 valid
                        + ",NoId,active,1.00,2025-01-02 03:04:05\n" // 3 required
                        + "X9,BadId,active,1.00,2025-01-02 03:04:05\n" // 4 pattern
                        + "P4,BadTime,active,1.00,02/01/2025\n" // 5 type
                        + "P5,BadStatus,sleeping,1.00,2025-01-02 03:04:05\n" // 6 values
                        + "P6,Negative,active,-3,2025-01-02 03:04:05\n" // 7 range
                        + "P7,BadAmount,active,12;50,2025-01-02 03:04:05\n" // 8 type
                        + "P8,Too,many,fields,here,now\n" // 9 malformed
                        + "P9,\"unbalanced,active,1.00,2025-01-02 03:04:05\n" // 10 malformed
                        + "P10,Zoë,active,2.00,2025-01-02 03:04:05\n"); // 11 valid

        BronzeIngest.Result result = f.ingest();

        assertFalse(result.failed());
        Map<Long, String> expected = new TreeMap<>(Map.of(
                3L,
                "required",
                4L,
                "pattern",
                5L,
                "type",
                6L,
                "values",
                7L,
                "range",
                8L,
                "type",
                9L,
                "malformed",
                10L,
                "malformed"));
        assertEquals(expected, quarantineRules(f));
        assertEquals(
                List.of("P1", "P10"),
                f.lake.read(PEOPLE)
                        .orderBy("_source_row")
                        .select("id")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
        Row pattern =
                f.lake.read(TableCatalog.QUARANTINE).filter("source_row = 4").first();
        assertEquals("id", pattern.getAs("column"));
        assertTrue(pattern.<String>getAs("reason").contains("but was 'X9'"), pattern.<String>getAs("reason"));
        assertTrue(pattern.<String>getAs("record").startsWith("X9,BadId"), "the record is kept as delivered");
        assertEquals(2L, result.sources().get(0).rowsValid());
        assertEquals(8L, result.sources().get(0).rowsQuarantined());
    }

    @Test
    void invalidUtf8LineIsQuarantinedAndItsNeighboursLand() throws Exception {
        BronzeFixture f = people();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write((HEADER + "P1,Ann,active,1.00,2025-01-02 03:04:05\n").getBytes(StandardCharsets.UTF_8));
        bytes.write("P2,M".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xFC); // 'ü' in Latin-1: not UTF-8
        bytes.write("ller,active,1.00,2025-01-02 03:04:05\nP3,Bo,closed,2.00,2025-01-02 03:04:05\n"
                .getBytes(StandardCharsets.UTF_8));
        f.landBytes("people/latin1.csv", bytes.toByteArray());

        f.ingest();

        assertEquals(Map.of(3L, "malformed"), quarantineRules(f));
        assertTrue(f.lake.read(TableCatalog.QUARANTINE)
                .first()
                .<String>getAs("reason")
                .contains("UTF-8"));
        assertEquals(2, f.lake.read(PEOPLE).count());
    }

    @Test
    void malformedJsonLineCostsOnlyItselfAndUnknownKeysAreRescued() {
        BronzeFixture f = new BronzeFixture(spark, home)
                .source("people", "json", "people/*.jsonl", BronzeFixture.PEOPLE_CONTRACT);
        f.land("people/a.jsonl", """
        {"id":"P1","name":"Ann","status":"active","amount":1.5,"seen_at":"2025-01-02 03:04:05","loyalty_tier":"gold"}
        {"id":"P2","name":"Bob","status":"act
        [1,2]
        {"id":"P3","amount":"7"}
        """);

        f.ingest();

        assertEquals(Map.of(2L, "malformed", 3L, "malformed"), quarantineRules(f));
        List<Row> rows = f.lake.read(PEOPLE).orderBy("id").collectAsList();
        assertEquals(2, rows.size());
        assertEquals("{\"loyalty_tier\":\"gold\"}", rows.get(0).getAs(Lineage.RESCUED));
        assertEquals(
                new java.math.BigDecimal("7.00"),
                rows.get(1).getAs("amount"),
                "a JSON string holding a number is typed too");
    }

    @Test
    void aFileReadInSeveralPartsKeepsItsLineNumbersAndItsFirstCopyOfARepeatedLine() {
        String previous = spark.conf().get("spark.sql.files.maxPartitionBytes");
        spark.conf().set("spark.sql.files.maxPartitionBytes", "300"); // a few lines per task
        try {
            BronzeFixture f = new BronzeFixture(spark, home)
                    .source("people", "json", "people/*.jsonl", BronzeFixture.PEOPLE_CONTRACT);
            StringBuilder lines = new StringBuilder();
            for (int i = 1; i <= 20; i++) {
                int id = i == 17 ? 5 : i; // line 17 repeats line 5
                lines.append(
                                i == 13
                                        ? "{\"id\":\"P13\",\"name\":"
                                        : "{\"id\":\"P" + id + "\",\"name\":\"N" + id
                                                + "\",\"status\":\"active\",\"amount\":1,\"seen_at\":\"2025-01-02 03:04:05\"}")
                        .append('\n');
            }
            Path file = f.land("people/a.jsonl", lines.toString());
            assertTrue(
                    spark.read().text(file.toString()).javaRDD().getNumPartitions() > 3,
                    "the file is read in several parts");

            BronzeIngest.Result result = f.ingest();

            assertEquals(Map.of(13L, "malformed"), quarantineRules(f));
            Map<String, Long> lineOf = f.lake.read(PEOPLE).collectAsList().stream()
                    .collect(Collectors.toMap(r -> r.<String>getAs("id"), r -> r.<Long>getAs(Lineage.SOURCE_ROW)));
            Map<String, Long> expected = new TreeMap<>();
            for (long i = 1; i <= 20; i++) {
                if (i != 13 && i != 17) {
                    expected.put("P" + i, i);
                }
            }
            assertEquals(expected, new TreeMap<>(lineOf));
            assertEquals(1L, result.sources().get(0).rowsDuplicate());
        } finally {
            spark.conf().set("spark.sql.files.maxPartitionBytes", previous);
        }
    }

    @Test
    void missingRequiredColumnFailsThatSourceNamingItAndOtherSourcesStillLand() {
        BronzeFixture f = people().source("orders", "csv", "orders/*.csv", """
        source: orders
        owner: shop
        columns:
          - {name: order_id, type: string, required: true}
          - {name: total, type: double}
        """);
        f.land("people/a.csv", HEADER + "P1,Ann,active,1.00,2025-01-02 03:04:05\n");
        f.land("orders/o1.csv", "order_id,total\nO1,3.5\n");
        f.land("orders/o2.csv", "ordr_id,total\nO2,4.5\n");

        BronzeIngest.Result result = f.ingest();

        assertTrue(result.failed());
        String failure = result.failures().get(0);
        assertTrue(
                failure.contains("o2.csv") && failure.contains("'order_id'") && failure.contains("orders.yaml"),
                failure);
        assertFalse(
                f.lake.exists(TableName.bronze("orders")),
                "a failed source writes no rows, not even from its good file");
        assertEquals(1, f.lake.read(PEOPLE).count());
        long failedLogged = f.lake.read(IngestLog.TABLE)
                .filter("source = 'orders' AND status = 'failed'")
                .count();
        assertEquals(2, failedLogged);

        Path fixed = f.landing.resolve("orders/o2.csv");
        f.land("orders/o2.csv", "order_id,total\nO2,4.5\n");
        fixed.toFile().setLastModified(System.currentTimeMillis() + 2000);
        assertFalse(f.ingest().failed(), "after the file is fixed the source ingests");
        assertEquals(2, f.lake.read(TableName.bronze("orders")).count());
    }

    @Test
    void aJsonFileWhoseLinesNeverCarryARequiredKeyFailsItsSourceOnceRead() {
        BronzeFixture f = new BronzeFixture(spark, home)
                .source("people", "json", "people/*.jsonl", BronzeFixture.PEOPLE_CONTRACT);
        f.land("people/a.jsonl", """
        {"id":"P1","name":"Ann"}
        {"name":"Bob"}
        """);
        f.land("people/b.jsonl", """
        {"ident":"P2","name":"Cy","shoe_size":44}
        {"ident":"P3","name":"Di"}
        """);

        BronzeIngest.Result result = f.ingest();

        String failure = result.failures().get(0);
        assertTrue(
                failure.contains("b.jsonl: missing required column 'id'") && failure.contains("people.yaml"), failure);
        assertFalse(failure.contains("a.jsonl"), "a key carried by some lines of a file is delivered: " + failure);
        assertFalse(f.lake.exists(PEOPLE), "a failed source writes no rows, not even from its good file");
        assertEquals(
                2,
                f.lake.read(IngestLog.TABLE)
                        .filter("source = 'people' AND status = 'failed'")
                        .count());
    }

    @Test
    void emptyFilesAreLoggedAndDoNotFail() {
        BronzeFixture f = people();
        f.land("people/empty.csv", "");
        f.land("people/header_only.csv", HEADER);
        f.land("people/a.csv", HEADER + "P1,Ann,active,1.00,2025-01-02 03:04:05\n");

        BronzeIngest.Result result = f.ingest();

        assertFalse(result.failed());
        Map<String, String> status = f.lake.read(IngestLog.TABLE).collectAsList().stream()
                .collect(Collectors.toMap(
                        r -> Path.of(r.<String>getAs("file").replace("file:", ""))
                                .getFileName()
                                .toString(),
                        r -> r.getAs("status")));
        assertEquals(Map.of("empty.csv", "empty", "header_only.csv", "empty", "a.csv", "ingested"), status);
        assertEquals(1, f.lake.read(PEOPLE).count());
    }

    @Test
    void rerunAddsNothingAndANewFileIsPickedUp() {
        BronzeFixture f = people();
        f.land("people/day1.csv", HEADER + "P1,Ann,active,1.00,2025-01-02 03:04:05\nbad-row\n");
        f.ingest();
        long bronze = f.lake.read(PEOPLE).count();
        long quarantine = f.lake.read(TableCatalog.QUARANTINE).count();

        BronzeIngest.Result again = f.ingest();

        assertEquals(0, again.sources().get(0).newFiles());
        assertEquals(bronze, f.lake.read(PEOPLE).count());
        assertEquals(quarantine, f.lake.read(TableCatalog.QUARANTINE).count());

        f.land("people/day2.csv", HEADER + "P2,Bob,active,2.00,2025-01-03 03:04:05\n");
        BronzeIngest.Result third = f.ingest();
        assertEquals(1, third.sources().get(0).newFiles());
        assertEquals(bronze + 1, f.lake.read(PEOPLE).count());
    }

    @Test
    void duplicateDeliveriesAddNoRows() throws Exception {
        BronzeFixture f = people();
        String day1 = HEADER + "P1,Ann,active,1.00,2025-01-02 03:04:05\nP2,Bob,active,2.00,2025-01-02 03:04:05\n";
        f.land("people/day1.csv", day1);
        f.ingest();

        f.land("people/day1_resent.csv", day1); // the same bytes again under another name
        f.land(
                "people/day2.csv",
                HEADER + "P2,Bob,active,2.00,2025-01-02 03:04:05\nP3,Cy,closed,3.00,2025-01-04 03:04:05\n"
                        + "P3,Cy,closed,3.00,2025-01-04 03:04:05\n"); // one row already in bronze, one repeated in the
        // file
        BronzeIngest.Result result = f.ingest();

        assertEquals(3, f.lake.read(PEOPLE).count(), "P1, P2 and P3 once each");
        assertEquals(2L, result.sources().get(0).rowsDuplicate());
        Row resent = f.lake.read(IngestLog.TABLE)
                .filter("file LIKE '%day1_resent.csv'")
                .first();
        assertEquals("duplicate_file", resent.getAs("status"));
        assertTrue(resent.<String>getAs("message").contains("day1.csv"));
        assertTrue(Files.exists(f.landing.resolve("people/day1_resent.csv")), "landing files are never deleted");
    }
}
