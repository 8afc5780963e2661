package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.ops.Pipeline;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on generated sources, then what gold promises: documented tables, consent-safe exports, gates. */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("pipeline")
class GoldPipelineTest {
    static final Instant AS_OF = SampleLake.AS_OF;
    private final SparkSession spark;
    private Path home;
    private Lake lake;
    private C360Config cfg;
    private GoldDefinitions gold;
    private Pipeline.Outcome first;

    GoldPipelineTest(SparkSession spark) {
        this.spark = spark;
    }

    @BeforeAll
    void copyOfTheSampleLake(@TempDir Path dir) {
        SampleLake.Site site = SampleLake.copy(dir);
        home = site.home();
        cfg = site.config();
        lake = site.lake();
        gold = site.gold();
        first = SampleLake.sharedRun();
    }

    @Test
    @Order(1)
    void publishesEveryGoldTableWithItsDocumentation() {
        assertTrue(first.succeeded(), () -> "run failed: " + first.run().failure());
        assertTrue(first.run().quality().stream().anyMatch(q -> q.table().equals("gold.consent")), "the gold gate ran");
        assertEquals(
                List.of(),
                first.run().quality().stream().filter(q -> !q.passed()).toList(),
                "every bronze, silver and gold check passes on generated data");
        long customers = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .select("customer_id")
                .distinct()
                .count();
        assertEquals(customers, lake.read(TableName.gold("customer")).count(), "one gold.customer row per unified id");
        assertEquals(customers, lake.read(TableName.gold("customer_360")).count());
        assertEquals(
                0,
                lake.read(TableName.gold("customer_xref"))
                        .join(lake.read(TableName.gold("customer")), "customer_id", "left_anti")
                        .count(),
                "every xref id exists in gold.customer");
        GoldDefinitions.Table c360 = gold.tables().stream()
                .filter(t -> t.name().equals("customer_360"))
                .findFirst()
                .orElseThrow();
        Row revenue = spark.sql("DESCRIBE gold.customer_360")
                .filter("col_name = 'revenue'")
                .head();
        assertEquals(c360.columns().get("revenue"), revenue.getString(2), "column comment from gold/tables.yaml");
        Row detail = spark.sql("DESCRIBE DETAIL gold.customer_360")
                .select("description", "properties")
                .head();
        assertEquals(c360.description(), detail.getString(0));
        assertEquals(
                "true",
                detail.<scala.collection.Map<String, String>>getAs(1)
                        .get("delta.enableChangeDataFeed")
                        .get());
        assertTrue(first.gold().orElseThrow().segmentSizes().get("everyone_email") > 0, "the test segment has members");
    }

    /**
     * The promise marketing relies on, checked against the generator's truth rather than c360's own
     * matching: no exported customer contains a person whose own latest consent event for the
     * channel is a withdrawal, or who is on do-not-contact.
     */
    @Test
    @Order(2)
    void marketingExportsNeverReachAPersonWhoOptedOut() throws Exception {
        for (String channel : List.of("email", "sms")) {
            Path file = home.resolve("export-" + channel + ".csv");
            long exported = Activation.export(lake, cfg, gold, "everyone_" + channel, file);
            assertTrue(exported > 0, "the " + channel + " export has rows");
            List<String> lines = Files.readAllLines(file);
            assertEquals(exported + 1, lines.size(), "header plus one line per customer");
            assertTrue(lines.get(0).endsWith(",consent_check"), lines.get(0));
            String check = "marketing/" + channel + " granted; do_not_contact excluded; "
                    + (channel.equals("email") ? "email" : "phone") + " of opt-outs suppressed; gold.consent v"
                    + lake.version(TableName.gold("consent")) + " as of " + AS_OF + " (run "
                    + first.run().runId()
                    + ")";
            assertTrue(
                    lines.subList(1, lines.size()).stream().allMatch(l -> l.endsWith("," + check)),
                    "every row names the consent check: " + check + "; first row: " + lines.get(1));

            Dataset<Row> truth = spark.read()
                    .option("header", "true")
                    .csv(home.resolve("landing/_truth/truth_*.csv").toString());
            spark.read().option("header", "true").csv(file.toString()).createOrReplaceTempView("exported");
            truth.createOrReplaceTempView("truth");
            lake.read(TableName.gold("customer_xref")).createOrReplaceTempView("xref");
            lake.read(TableName.bronze("consent_events")).createOrReplaceTempView("events");
            Dataset<Row> optedOut = spark.sql("""
          WITH person_events AS (
            SELECT t.person_id, e.purpose, e.channel, e.status, e.event_time, e.consent_event_id
            FROM events e JOIN truth t ON t.source = 'consent_events' AND t.record_id = e.consent_event_id
          ),
          latest AS (
            SELECT person_id, status, purpose, row_number() OVER (PARTITION BY person_id, purpose
                     ORDER BY event_time DESC, CASE status WHEN 'withdrawn' THEN 0 ELSE 1 END, consent_event_id) AS nth
            FROM person_events
            WHERE (purpose = 'marketing' AND channel IN ('%s', 'all')) OR purpose = 'do_not_contact'
          ),
          opted_out AS (
            SELECT DISTINCT person_id FROM latest
            WHERE nth = 1 AND ((purpose = 'marketing' AND status = 'withdrawn') OR (purpose = 'do_not_contact' AND status = 'granted'))
          ),
          exported_persons AS (
            SELECT DISTINCT x.customer_id, t.person_id
            FROM exported ex
            JOIN xref x ON x.customer_id = ex.customer_id
            JOIN truth t ON t.source = x.source AND t.record_id = x.record_id
          )
          SELECT p.customer_id, p.person_id FROM exported_persons p JOIN opted_out o ON o.person_id = p.person_id
          """.formatted(channel));
            List<Row> violations = optedOut.collectAsList();
            assertEquals(List.of(), violations, channel + ": exported customers containing a person who opted out");
        }
    }

    /** No Spark: Delta Kernel reads the published gold tables, so their table features are ones common readers have. */
    @Test
    @Order(3)
    void goldTablesAreReadableWithoutSpark() throws Exception {
        Engine engine = DefaultEngine.create(new Configuration());
        for (String name : List.of(
                "customer", "customer_xref", "customer_360", "consent", "segment_membership", "segment_sizes")) {
            TableName table = TableName.gold(name);
            Snapshot snapshot = Table.forPath(engine, lake.location(table)).getLatestSnapshot(engine);
            assertEquals(
                    List.of(lake.read(table).columns()),
                    snapshot.getSchema(engine).fieldNames(),
                    table + " columns");
            Scan scan = snapshot.getScanBuilder(engine).build();
            io.delta.kernel.data.Row scanState = scan.getScanState(engine);
            StructType physical = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
            long rows = 0;
            try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
                while (files.hasNext()) {
                    try (CloseableIterator<io.delta.kernel.data.Row> fileRows =
                            files.next().getRows()) {
                        while (fileRows.hasNext()) {
                            io.delta.kernel.data.Row file = fileRows.next();
                            CloseableIterator<ColumnarBatch> data = engine.getParquetHandler()
                                    .readParquetFiles(
                                            Utils.singletonCloseableIterator(
                                                    InternalScanFileUtils.getAddFileStatus(file)),
                                            physical,
                                            Optional.empty());
                            try (CloseableIterator<FilteredColumnarBatch> batches =
                                    Scan.transformPhysicalData(engine, scanState, file, data)) {
                                while (batches.hasNext()) {
                                    try (CloseableIterator<io.delta.kernel.data.Row> r =
                                            batches.next().getRows()) {
                                        while (r.hasNext()) {
                                            r.next();
                                            rows++;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            assertEquals(lake.read(table).count(), rows, table + " rows read by Delta Kernel");
        }
    }

    @Test
    @Order(4)
    void aGoldRunWithNothingNewPublishesNothingUntilTheAsOfMoves() {
        GoldJob.Publication marker = GoldJob.lastPublication(lake).orElseThrow();
        assertEquals(first.run().runId(), marker.runId(), "the sample run's publication is described");
        assertEquals(AS_OF, Instant.parse(marker.asOf()));
        assertEquals(
                lake.version(TableCatalog.CUSTOMER_ID_MAP),
                marker.inputs().get(TableCatalog.CUSTOMER_ID_MAP.toString()),
                "the silver tables gold reads are among its inputs: " + marker.inputs());
        assertTrue(marker.inputs().containsKey("bronze.ecommerce_orders"), "latest_ecommerce_orders reads it");
        assertFalse(marker.inputs().containsKey(TableCatalog.MATCH_REVIEW.toString()), "gold does not read it");
        Map<String, Long> goldVersions = goldVersions();

        GoldJob.Result same = new GoldJob(lake, cfg, gold, Progress.silent()).run("run-same-day", AS_OF);

        assertEquals(Optional.of(first.run().runId()), same.unchangedSince());
        assertEquals(goldVersions, goldVersions(), "no gold table written");
        assertEquals(first.gold().orElseThrow().rows(), same.rows(), "the publication's figures stand");
        assertEquals(
                new HashSet<>(first.gold().orElseThrow().quality()),
                new HashSet<>(same.quality()),
                "and so do its quality outcomes");
        assertEquals(marker, GoldJob.lastPublication(lake).orElseThrow(), "the marker is left alone");

        Instant nextDay = AS_OF.plus(Duration.ofDays(1));
        GoldJob.Result later = new GoldJob(lake, cfg, gold, Progress.silent()).run("run-next-day", nextDay);

        assertTrue(later.unchangedSince().isEmpty(), "a new as-of measures recency again");
        assertTrue(later.published());
        assertEquals("run-next-day", GoldJob.lastPublication(lake).orElseThrow().runId());
        assertEquals(
                nextDay,
                Instant.parse(GoldJob.lastPublication(lake).orElseThrow().asOf()));
    }

    private Map<String, Long> goldVersions() {
        Map<String, Long> versions = new TreeMap<>();
        lake.layerTables().stream()
                .filter(t -> t.layer().equals("gold"))
                .forEach(t -> versions.put(t.toString(), lake.version(t)));
        return versions;
    }

    @Test
    @Order(5)
    void aBadSilverResultLeavesPublishedGoldUntouched() {
        long version = lake.version(TableName.gold("customer"));
        Dataset<Row> customersBefore =
                lake.read(TableName.gold("customer")).select("customer_id").localCheckpoint(true);
        Dataset<Row> duplicate = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .limit(1)
                .selectExpr("record_key", "'C-DUPLICATE' AS customer_id");
        long silverVersion = lake.version(TableCatalog.CUSTOMER_ID_MAP);
        lake.append(TableCatalog.CUSTOMER_ID_MAP, duplicate);
        try {
            Pipeline.Outcome bad =
                    new Pipeline(lake, cfg, Progress.silent(), gold).run(List.of(Pipeline.Stage.gold), AS_OF, false);

            assertFalse(bad.succeeded());
            assertTrue(
                    bad.run().failure().orElseThrow().contains("silver.customer_id_map"),
                    bad.run().failure().orElseThrow());
            assertEquals(version, lake.version(TableName.gold("customer")), "gold.customer not published again");
            assertEquals(
                    0,
                    customersBefore
                            .except(lake.read(TableName.gold("customer")).select("customer_id"))
                            .count());
            assertEquals(
                    "failed",
                    spark.sql("SELECT status FROM ops.pipeline_runs WHERE run_id = '"
                                    + bad.run().runId() + "'")
                            .head()
                            .getString(0),
                    "the failed run is logged");
        } finally {
            spark.sql("RESTORE TABLE delta.`" + lake.location(TableCatalog.CUSTOMER_ID_MAP) + "` TO VERSION AS OF "
                    + silverVersion);
        }
    }
}
