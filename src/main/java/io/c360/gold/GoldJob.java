package io.c360.gold;

import static io.c360.lake.TableCatalog.SEGMENT_MEMBERSHIP;
import static io.c360.lake.TableCatalog.SEGMENT_SIZES;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.c360.C360Exception;
import io.c360.Concurrently;
import io.c360.Progress;
import io.c360.bronze.Lineage;
import io.c360.bronze.SourceContract;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.Steps;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome;
import io.c360.quality.QualityGate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;

/**
 * The gold stage: gold tables from the SQL in {@code gold/} (materialized) → segment membership →
 * gold quality gate → publication. Nothing is published unless the gate passes, so a broken metric
 * never reaches the previously published gold; silver's own gate, run by the pipeline before gold
 * starts, keeps a bad silver result out.
 */
public final class GoldJob {
    static final String MEMBERSHIP_DESCRIPTION =
            "Current members of every segment in gold/segments.yaml (consent enforced); history in gold.segment_sizes and Delta versions.";
    static final Map<String, String> MEMBERSHIP_COLUMNS = Map.of(
            "segment", "Segment name (gold/segments.yaml)",
            "customer_id", "Unified customer id",
            "purpose", "Segment purpose: marketing, personalization, analytics or service",
            "channel", "How members are contacted: email, sms, phone or post");

    private final Lake lake;
    private final C360Config config;
    private final GoldDefinitions gold;
    private final Progress progress;

    public GoldJob(Lake lake, C360Config config, GoldDefinitions gold, Progress progress) {
        this.lake = lake;
        this.config = config;
        this.gold = gold;
        this.progress = progress;
    }

    /**
     * What the gold run did. {@code published} is false when a blocking quality check failed; the
     * gold tables then still hold their previous version.
     */
    public record Result(
            String runId,
            Instant asOf,
            boolean published,
            Map<String, Long> rows,
            List<CheckOutcome> quality,
            Map<String, Long> versions,
            Map<String, Long> segmentSizes,
            Duration elapsed) {
        public List<CheckOutcome> blockingFailures() {
            return quality.stream().filter(CheckOutcome::blocks).toList();
        }
    }

    public Result run(String runId, Instant asOf) {
        Instant start = Instant.now();
        List<CheckOutcome> quality = new ArrayList<>();
        registerInputs(runId, asOf);
        Map<TableName, Dataset<Row>> built = new LinkedHashMap<>();
        Map<TableName, GoldDefinitions.Table> definitions = new LinkedHashMap<>();
        for (GoldDefinitions.Table t : gold.tables()) {
            TableName name = TableName.gold(t.name());
            progress.report("gold: building " + name + " (" + t.sqlFile().getFileName() + ")");
            Dataset<Row> rows = Steps.compute(
                    lake.spark(), "gold: build " + name, () -> materialize(withComments(query(t), t.columns())));
            rows.createOrReplaceTempView(t.name());
            built.put(name, rows);
            definitions.put(name, t);
        }
        Dataset<Row> base = lake.spark().table("customer_360").join(lake.spark().table("customer"), "customer_id");
        Dataset<Row> members = Segments.membership(
                gold.segments(),
                base,
                lake.spark().table("consent"),
                gold.folder().resolve("segments.yaml").toString());
        built.put(
                SEGMENT_MEMBERSHIP,
                Steps.compute(
                        lake.spark(),
                        "gold: build " + SEGMENT_MEMBERSHIP,
                        () -> materialize(withComments(members, orderedMembershipColumns()))));

        progress.report("gold: checking the built tables (" + gold.qualityFile() + ")");
        quality.addAll(goldGate(runId, built));
        Map<String, Long> rows = new LinkedHashMap<>();
        built.forEach((name, df) -> rows.put(name.toString(), df.count()));
        Map<String, Long> sizes = segmentSizes(built.get(SEGMENT_MEMBERSHIP));
        if (quality.stream().anyMatch(CheckOutcome::blocks)) {
            progress.report("gold: quality gate failed; previous gold version kept");
            return new Result(
                    runId, asOf, false, rows, quality, Map.of(), sizes, Duration.between(start, Instant.now()));
        }

        progress.report("gold: publishing");
        // A few tables at once: publishing a table is mostly driver work (Delta's commits and log reads),
        // which overlaps. Each table is published in its own commit, one after another or side by side alike.
        List<TableName> names = List.copyOf(built.keySet());
        List<Long> published = Concurrently.map(names, name -> {
            GoldDefinitions.Table t = definitions.get(name);
            List<String> key = t != null ? t.key() : List.of("segment", "customer_id");
            Steps.run(
                    lake.spark(),
                    "gold: publish " + name,
                    () -> lake.publish(
                            name, built.get(name), key, t != null ? t.description() : MEMBERSHIP_DESCRIPTION));
            long version = lake.version(name);
            progress.report("gold: published " + name + " (version " + version + ")");
            return version;
        });
        Map<String, Long> versions = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            versions.put(names.get(i).toString(), published.get(i));
        }
        lake.append(SEGMENT_SIZES, sizeHistory(runId, asOf, sizes));
        versions.put(SEGMENT_SIZES.toString(), lake.version(SEGMENT_SIZES));
        progress.report("gold: published " + built.size() + " tables");
        return new Result(runId, asOf, true, rows, quality, versions, sizes, Duration.between(start, Instant.now()));
    }

    private List<CheckOutcome> goldGate(String runId, Map<TableName, Dataset<Row>> built) {
        Path file = gold.qualityFile();
        return Files.exists(file) ? QualityGate.load(file).verify(lake, runId, built) : List.of();
    }

    /**
     * Computes a table once and keeps the result on the executors (memory, spilling to disk) without
     * its lineage: the gate, the later tables' SQL and the publication all read these very rows, and
     * nothing is written to storage before the gate has passed.
     */
    private static Dataset<Row> materialize(Dataset<Row> table) {
        return table.localCheckpoint(true);
    }

    /**
     * The views the gold SQL reads besides the lake's tables: {@code run_context} and
     * {@code latest_<source>}.
     */
    void registerInputs(String runId, Instant asOf) {
        SparkSession spark = lake.spark();
        spark.createDataFrame(
                        List.of(RowFactory.create(runId, Timestamp.from(asOf))),
                        new StructType().add("run_id", DataTypes.StringType).add("as_of", DataTypes.TimestampType))
                .createOrReplaceTempView("run_context");
        registerLatestSources(lake, config);
    }

    /**
     * Registers the lake's tables and, per configured source, the view {@code latest_<source>}: the
     * newest delivered version of each bronze record, by its contract key.
     */
    public static void registerLatestSources(Lake lake, C360Config config) {
        lake.registerAll();
        for (C360Config.SourceConfig source : config.sources()) {
            SourceContract contract = SourceContract.load(source.contract());
            TableName bronze = TableName.bronze(source.name());
            Dataset<Row> latest = lake.exists(bronze)
                    ? Lineage.newestVersions(
                            lake.read(bronze),
                            struct(contract.key().stream().map(k -> col(k)).toArray(Column[]::new)))
                    : emptyBronze(lake.spark(), contract);
            latest.createOrReplaceTempView("latest_" + source.name());
        }
    }

    /** A source that has delivered nothing yet reads as no rows of its contract's columns. */
    private static Dataset<Row> emptyBronze(SparkSession spark, SourceContract contract) {
        StructType schema = new StructType();
        for (SourceContract.Column c : contract.columns()) {
            schema = schema.add(c.name(), c.type().sparkType());
        }
        schema = schema.add(Lineage.RESCUED, DataTypes.StringType)
                .add(Lineage.SOURCE_SYSTEM, DataTypes.StringType)
                .add(Lineage.SOURCE_FILE, DataTypes.StringType)
                .add(Lineage.SOURCE_ROW, DataTypes.LongType)
                .add(Lineage.BATCH_ID, DataTypes.StringType)
                .add(Lineage.INGESTED_AT, DataTypes.TimestampType)
                .add(Lineage.ROW_HASH, DataTypes.StringType);
        return spark.createDataFrame(List.of(), schema);
    }

    /** Runs a table's SQL and checks it returns exactly the declared columns. */
    private Dataset<Row> query(GoldDefinitions.Table t) {
        Dataset<Row> rows;
        try {
            rows = lake.spark().sql(t.sql());
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
            throw new C360Exception(t.sqlFile() + ": " + firstLine(e.getMessage()), e);
        }
        List<String> returned = Arrays.asList(rows.columns());
        Set<String> declared = t.columns().keySet();
        if (!returned.equals(List.copyOf(declared))) {
            throw new C360Exception(t.sqlFile() + ": returns columns " + returned + " but "
                    + gold.folder().resolve("tables.yaml") + " declares " + declared + " for gold." + t.name()
                    + " (same names, same order)");
        }
        return rows;
    }

    /** Column comments travel in the schema, so DESCRIBE, JDBC metadata and Delta readers all see them. */
    static Dataset<Row> withComments(Dataset<Row> rows, Map<String, String> comments) {
        return rows.select(comments.entrySet().stream()
                .map(e -> col(e.getKey()).as(e.getKey(), comment(e.getValue())))
                .toArray(Column[]::new));
    }

    private static Map<String, String> orderedMembershipColumns() {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String c : List.of("segment", "customer_id", "purpose", "channel")) {
            ordered.put(c, MEMBERSHIP_COLUMNS.get(c));
        }
        return ordered;
    }

    private static Metadata comment(String text) {
        return new MetadataBuilder().putString("comment", text).build();
    }

    private Map<String, Long> segmentSizes(Dataset<Row> membership) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        gold.segments().forEach(s -> sizes.put(s.name(), 0L));
        for (Row r : membership.groupBy("segment").agg(count(lit(1))).collectAsList()) {
            sizes.put(r.getString(0), r.getLong(1));
        }
        return sizes;
    }

    private Dataset<Row> sizeHistory(String runId, Instant asOf, Map<String, Long> sizes) {
        List<Row> rows = gold.segments().stream()
                .map(s -> RowFactory.create(
                        runId,
                        Timestamp.from(asOf),
                        s.name(),
                        s.purpose(),
                        s.channel().orElse(null),
                        sizes.get(s.name())))
                .collect(Collectors.toList());
        StructType schema = new StructType()
                .add("run_id", DataTypes.StringType, false, comment("Pipeline run that computed the size"))
                .add("as_of", DataTypes.TimestampType, false, comment("The run's as-of time"))
                .add("segment", DataTypes.StringType, false, comment("Segment name"))
                .add("purpose", DataTypes.StringType, true, comment("Segment purpose"))
                .add("channel", DataTypes.StringType, true, comment("Segment channel"))
                .add("customers", DataTypes.LongType, false, comment("Members in that run"));
        return lake.spark().createDataFrame(rows, schema);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
