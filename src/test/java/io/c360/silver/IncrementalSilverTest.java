package io.c360.silver;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.min;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c360.Progress;
import io.c360.bronze.BronzeIngest;
import io.c360.config.C360Config;
import io.c360.gold.GoldDefinitions;
import io.c360.gold.GoldJob;
import io.c360.lake.CsvLine;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second landing batch (new records and changed versions of old ones) resolved incrementally gives
 * what a full rebuild from both batches gives with the same model, while scoring fewer pairs and
 * leaving the customers the batch does not touch as they were (in a Spark session of its own, as a run
 * in a new JVM); gold then rebuilds its per-customer tables for the touched customers only and publishes
 * what a whole rebuild publishes.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class IncrementalSilverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant GOLD_AS_OF = Instant.parse("2026-11-02T00:00:00Z");
    private static final List<String> DATA_FOLDERS =
            List.of("crm", "billing", "support", "web", "ecommerce", "consent");
    private final SparkSession spark;

    @TempDir
    Path home;

    IncrementalSilverTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void secondBatchResolvedIncrementallyEqualsFullRebuild() throws IOException {
        Path generated = home.resolve("generated");
        SyntheticSources.generate(GeneratorSettings.defaults(60, 23), generated, Progress.silent());
        Path landing = home.resolve("landing");
        Batches batches = split(generated, landing);
        C360Config shipped = C360Config.load(Path.of(C360Config.DEFAULT_FILE));
        SilverConfig silver = SilverConfig.load(shipped.requireSilverFolder());

        C360Config cfg = shipped.withLocations(home.resolve("lake").toString(), landing.toString());
        Lake lake = new Lake(spark, cfg.lakeRoot());
        new BronzeIngest(lake, cfg, Progress.silent()).run();
        SilverJob.Result first = new SilverJob(lake, cfg, silver, Progress.silent(), false).run("run-1");
        assertTrue(first.model().trained() && !first.incremental());
        assertEquals(
                first.counts().records(), first.work().standardizedRecords(), "a first run standardizes every record");
        Map<Set<String>, String> customersBefore = customers(lake);
        Map<String, Row> goldenBefore = golden(lake);
        GoldDefinitions goldDefinitions = GoldDefinitions.load(shipped.requireGoldFolder());
        assertTrue(new GoldJob(lake, cfg, goldDefinitions, Progress.silent())
                .run("run-1", GOLD_AS_OF)
                .published());

        batches.landSecond();
        new BronzeIngest(lake, cfg, Progress.silent()).run();
        List<String> progress = new ArrayList<>();
        // In a session of its own, as a run of the next day in a new JVM: none of the functions or views the
        // runs before it registered (the session shares the context, not the function registry).
        Lake newJvm = new Lake(spark.newSession(), cfg.lakeRoot());
        SilverJob.Result incremental = new SilverJob(newJvm, cfg, silver, progress::add, false).run("run-2");

        assertTrue(incremental.incremental(), "builds on the previous run: " + progress);
        assertFalse(incremental.model().trained());
        assertTrue(incremental.counts().records() > first.counts().records(), "the second batch added records");
        assertTrue(
                incremental.work().touchedIdentities() > 0
                        && incremental.work().touchedIdentities() * 2
                                < incremental.counts().identities(),
                "some identities touched, a minority: " + incremental);
        assertTrue(
                incremental.work().reclusteredIdentities() * 2
                        < incremental.counts().identities(),
                "only the components the batch reaches are re-clustered: " + incremental);
        assertTrue(
                incremental.work().scoredPairs() < incremental.counts().candidatePairs(),
                "pairs of untouched identities are kept, not scored again: " + incremental);
        assertTrue(
                progress.stream().anyMatch(p -> p.startsWith("silver: incremental, ")),
                "says which path ran: " + progress);

        // Customers the batch left alone keep their id and their golden record.
        Map<Set<String>, String> customersAfter = customers(lake);
        Map<String, Row> goldenAfter = golden(lake);
        Set<String> changedRecords = batches.changedRecordKeys();
        long unchanged = 0;
        for (Map.Entry<Set<String>, String> c : customersBefore.entrySet()) {
            if (customersAfter.containsKey(c.getKey()) && c.getKey().stream().noneMatch(changedRecords::contains)) {
                unchanged++;
                assertEquals(
                        c.getValue(),
                        customersAfter.get(c.getKey()),
                        "an untouched customer keeps its id: " + c.getKey());
                assertEquals(goldenBefore.get(c.getValue()), goldenAfter.get(c.getValue()), "and its golden record");
            }
        }
        assertTrue(unchanged > customersBefore.size() / 2, "most customers are untouched by the batch: " + unchanged);

        // The same landed files on a fresh lake, resolved in one full run with the same model.
        C360Config fresh = shipped.withLocations(home.resolve("lake-full").toString(), landing.toString());
        Lake rebuilt = new Lake(spark, fresh.lakeRoot());
        SampleLake.copyTree(Path.of(cfg.lakeRoot(), "silver", "_model"), Path.of(fresh.lakeRoot(), "silver", "_model"));
        new BronzeIngest(rebuilt, fresh, Progress.silent()).run();
        SilverJob.Result full = new SilverJob(rebuilt, fresh, silver, Progress.silent(), false).run("run-full");
        assertFalse(full.model().trained() || full.incremental(), "a fresh lake: full run, reusing the copied model");
        assertEquals(full.counts().records(), incremental.counts().records());
        assertEquals(
                rows(rebuilt.read(TableCatalog.IDENTITY_RECORDS)),
                rows(lake.read(TableCatalog.IDENTITY_RECORDS)),
                "the same identity records, the anonymous web event's gone");
        assertTrue(
                incremental.work().standardizedRecords() * 2
                        < incremental.counts().records(),
                "only the versions of the second batch were standardized: " + incremental);
        assertEquals(full.counts().candidatePairs(), incremental.counts().candidatePairs());
        assertTrue(
                incremental.work().scoredPairs() < full.work().scoredPairs(),
                "the incremental run scored fewer pairs: " + incremental.work().scoredPairs() + " vs "
                        + full.work().scoredPairs());

        assertEquals(
                rows(rebuilt.read(TableCatalog.SCORED_PAIRS)),
                rows(lake.read(TableCatalog.SCORED_PAIRS)),
                "every candidate pair scored and decided as in the rebuild");
        assertEquals(customers(rebuilt).keySet(), customersAfter.keySet(), "the same records form the same customers");
        assertEquals(goldenByRecords(rebuilt), goldenByRecords(lake), "the same golden records");
        Set<String> onlyRebuilt = rows(rebuilt.read(TableCatalog.IDENTITIES));
        Set<String> onlyIncremental = rows(lake.read(TableCatalog.IDENTITIES));
        Set<String> common = new HashSet<>(onlyRebuilt);
        common.retainAll(onlyIncremental);
        onlyRebuilt.removeAll(common);
        onlyIncremental.removeAll(common);
        assertEquals(onlyRebuilt, onlyIncremental, "the same identities and components");

        // Gold on the incremental silver: the per-customer tables rebuilt for the touched customers only,
        // published as a full rebuild of a copy of the same lake publishes them.
        List<String> goldProgress = new ArrayList<>();
        Instant nextDay = GOLD_AS_OF.plus(Duration.ofDays(1));
        GoldJob.Result incrementalGold =
                new GoldJob(lake, cfg, goldDefinitions, goldProgress::add).run("run-2", nextDay);
        assertTrue(incrementalGold.published(), () -> "gate: " + incrementalGold.blockingFailures());
        for (String table : List.of("customer_xref", "consent", "customer")) {
            assertTrue(
                    goldProgress.contains(
                            "gold: building gold." + table + " for the touched customers (" + table + ".sql)"),
                    "gold." + table + " rebuilt for the touched customers: " + goldProgress);
        }
        Path wholeRoot = home.resolve("lake-gold-whole");
        SampleLake.copyTree(Path.of(cfg.lakeRoot()), wholeRoot);
        Files.delete(wholeRoot.resolve(GoldJob.PUBLICATION_FILE));
        Lake whole = new Lake(spark, wholeRoot.toString());
        List<String> wholeProgress = new ArrayList<>();
        GoldJob.Result wholeGold = new GoldJob(
                        whole,
                        shipped.withLocations(wholeRoot.toString(), landing.toString()),
                        goldDefinitions,
                        wholeProgress::add)
                .run("run-whole", nextDay);
        assertTrue(wholeProgress.stream().noneMatch(p -> p.contains("touched")), "a whole rebuild: " + wholeProgress);
        for (GoldDefinitions.Table t : goldDefinitions.tables()) {
            TableName table = TableName.gold(t.name());
            assertEquals(rows(whole.read(table)), rows(lake.read(table)), table + " as a full rebuild publishes it");
        }
        assertEquals(
                rows(whole.read(TableCatalog.SEGMENT_MEMBERSHIP)),
                rows(lake.read(TableCatalog.SEGMENT_MEMBERSHIP)),
                "the same segment members");
        assertEquals(wholeGold.segmentSizes(), incrementalGold.segmentSizes());
        assertEquals(wholeGold.rows(), incrementalGold.rows());
        assertEquals(
                rows(rebuilt.read(TableCatalog.MATCH_REVIEW)),
                rows(lake.read(TableCatalog.MATCH_REVIEW)),
                "the same pairs to review");
        assertEquals(
                rows(rebuilt.read(TableCatalog.BLOCKING_KEYS)),
                rows(lake.read(TableCatalog.BLOCKING_KEYS)),
                "the same key index, though the incremental run blocked only the touched identities");

        // Each state table took the second batch as one commit of the rows that changed: nothing rewritten.
        for (var table : List.of(
                TableCatalog.IDENTITY_RECORDS,
                TableCatalog.SCORED_PAIRS,
                TableCatalog.MATCH_REVIEW,
                TableCatalog.CUSTOMER_ID_MAP,
                TableCatalog.GOLDEN_RECORDS,
                TableCatalog.IDENTITIES,
                TableCatalog.BLOCKING_KEYS)) {
            Row commit = lake.history(table, 1).head();
            Map<String, String> metrics = commit.getJavaMap(commit.fieldIndex("operationMetrics"));
            // Rows written to data files: inserted, updated and copied ones (an overwrite writes every row).
            long written = Long.parseLong(metrics.getOrDefault("numOutputRows", "0"));
            long deleted = Long.parseLong(metrics.getOrDefault("numTargetRowsDeleted", "0"));
            long now = lake.read(table).count();
            assertEquals("MERGE", commit.getString(commit.fieldIndex("operation")), table + ": " + metrics);
            assertEquals("0", metrics.get("numTargetRowsCopied"), table + " rewrote no kept row: " + metrics);
            assertTrue(
                    written * 2 < now && deleted * 2 < now,
                    table + ": the rows that changed, a minority of its " + now + " rows: " + metrics);
        }
    }

    /** Customers as the set of their record keys → customer id. */
    private static Map<Set<String>, String> customers(Lake lake) {
        return lake
                .read(TableCatalog.CUSTOMER_ID_MAP)
                .groupBy("customer_id")
                .agg(collect_set("record_key").as("keys"))
                .collectAsList()
                .stream()
                .collect(Collectors.toMap(r -> Set.copyOf(r.getList(1)), r -> r.getString(0)));
    }

    private static Map<String, Row> golden(Lake lake) {
        return lake.read(TableCatalog.GOLDEN_RECORDS).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("customer_id")), r -> r));
    }

    /** Golden records named by their customer's smallest record key instead of the customer id (ids differ between lakes). */
    private static Set<String> goldenByRecords(Lake lake) {
        Dataset<Row> firstKey = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .groupBy("customer_id")
                .agg(min("record_key").as("first_key"));
        return rows(lake.read(TableCatalog.GOLDEN_RECORDS)
                .join(firstKey, "customer_id")
                .drop("customer_id"));
    }

    /** A table's rows as comparable text, arrays sorted (a collected set has no order). */
    private static Set<String> rows(Dataset<Row> table) {
        Column[] columns = Stream.of(table.schema().fields())
                .map(f -> f.dataType() instanceof ArrayType
                                && !(((ArrayType) f.dataType()).elementType()
                                        instanceof org.apache.spark.sql.types.StructType)
                        ? array_sort(col(f.name())).as(f.name())
                        : col(f.name()))
                .toArray(Column[]::new);
        return new HashSet<>(table.select(columns).toJSON().collectAsList());
    }

    /** The generated files, split into two landing batches. */
    private record Batches(Path landing, List<Path[]> second, Set<String> changedRecordKeys) {
        void landSecond() throws IOException {
            for (Path[] move : second) {
                Files.move(move[0], move[1]);
            }
        }
    }

    /**
     * Batch 1, landed now: most records. Batch 2, held back: every record of one person in eight (new
     * customers), one in forty of the other records (existing customers' new records), and changed
     * versions of a few batch-1 CRM contacts (a new e-mail, a new surname).
     */
    private static Batches split(Path generated, Path landing) throws IOException {
        Set<String> newcomers = newcomersRecordIds(generated);
        Path held = landing.resolveSibling("held");
        List<Path[]> second = new ArrayList<>();
        Set<String> changed = new HashSet<>();
        for (String folder : DATA_FOLDERS) {
            Files.createDirectories(landing.resolve(folder));
            Files.createDirectories(held.resolve(folder));
            try (Stream<Path> files = Files.list(generated.resolve(folder))) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    boolean csv = name.endsWith(".csv");
                    List<String> lines = Files.readAllLines(file);
                    List<String> header = csv ? lines.subList(0, 1) : List.of();
                    List<String> body = csv ? lines.subList(1, lines.size()) : lines;
                    List<String> one = new ArrayList<>(header);
                    List<String> two = new ArrayList<>(header);
                    for (int i = 0; i < body.size(); i++) {
                        String line = body.get(i);
                        boolean later = i % 40 == 39
                                || Stream.of(line.split("[^A-Za-z0-9-]+")).anyMatch(newcomers::contains);
                        (later ? two : one).add(line);
                    }
                    if (folder.equals("crm")) {
                        two.addAll(changedContacts(header.get(0), one.subList(1, one.size()), changed));
                    }
                    if (folder.equals("web")) {
                        two.add(anonymousAgain(one, changed));
                    }
                    Files.write(landing.resolve(folder).resolve(name), one);
                    String secondName = name.replaceFirst("_(\\d+)\\.", "_$1b.");
                    Path pending = held.resolve(folder).resolve(secondName);
                    Files.write(pending, two);
                    second.add(new Path[] {pending, landing.resolve(folder).resolve(secondName)});
                }
            }
        }
        return new Batches(landing, second, changed);
    }

    /** Record ids of every eighth true person (the generator's truth: source, record_id, person_id). */
    private static Set<String> newcomersRecordIds(Path generated) throws IOException {
        Set<String> ids = new HashSet<>();
        try (Stream<Path> files = Files.list(generated.resolve("_truth"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("truth_"))
                    .toList()) {
                for (String line : Files.readAllLines(file)
                        .subList(1, Files.readAllLines(file).size())) {
                    String[] f = line.split(",");
                    if (Math.floorMod(f[2].hashCode(), 8) == 0) {
                        ids.add(f[1]);
                    }
                }
            }
        }
        assertFalse(ids.isEmpty());
        return ids;
    }

    /**
     * A new version of the first web event with a user: without the user's e-mail, so that it is no
     * identity record any more (web_events maps only events with a user).
     */
    private static String anonymousAgain(List<String> events, Set<String> changedKeys) throws IOException {
        for (String line : events) {
            ObjectNode event = (ObjectNode) JSON.readTree(line);
            if (event.hasNonNull("event_id") && event.hasNonNull("user_email")) {
                event.remove("user_email");
                changedKeys.add("web_events:" + event.get("event_id").asText());
                return JSON.writeValueAsString(event);
            }
        }
        throw new AssertionError("no web event with a user");
    }

    /** New versions of the first three contacts with an e-mail: two with another e-mail, one with another surname. */
    private static List<String> changedContacts(String header, List<String> contacts, Set<String> changedKeys) {
        List<String> columns = List.of(header.split(","));
        int id = columns.indexOf("contact_id");
        int email = columns.indexOf("email");
        int surname = columns.indexOf("last_name");
        int updated = columns.indexOf("updated_at");
        List<String> out = new ArrayList<>();
        for (String line : contacts) {
            List<String> fields = CsvLine.fields(line);
            if (fields.size() != columns.size()
                    || fields.get(email).isEmpty()
                    || fields.get(surname).isEmpty()) {
                continue;
            }
            int n = out.size();
            if (n < 2) {
                fields.set(email, "moved" + n + "." + fields.get(email));
            } else {
                fields.set(surname, fields.get(surname) + "-Newman");
            }
            fields.set(updated, "2026-10-30 12:00:00");
            changedKeys.add("crm_contacts:" + fields.get(id));
            out.add(CsvLine.join(fields));
            if (out.size() == 3) {
                break;
            }
        }
        assertEquals(3, out.size(), "three contacts to change");
        return out;
    }
}
