package io.c360.gold;

import static io.c360.lake.TableCatalog.SEGMENT_MEMBERSHIP;
import static io.c360.lake.TableCatalog.SEGMENT_SIZES;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.C360Exception;
import io.c360.Concurrently;
import io.c360.Progress;
import io.c360.bronze.Lineage;
import io.c360.bronze.SourceContract;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.Steps;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome;
import io.c360.quality.QualityGate;
import io.c360.silver.IdentityConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    /** A table the engine publishes beside the declared ones: its key and description. */
    private record EngineTable(List<String> key, String description) {}

    private static final Map<TableName, EngineTable> ENGINE_TABLES = Map.of(
            SEGMENT_MEMBERSHIP,
            new EngineTable(
                    List.of("segment", "customer_id"),
                    "Current members of every segment in gold/segments.yaml (consent enforced); history in gold.segment_sizes and Delta versions."),
            TableCatalog.HOUSEHOLD_REPORT,
            new EngineTable(
                    List.of("evidence"),
                    "Per kind of household evidence (gold/households.yaml): the values that linked customers and those held by more customers than the cap, which are no evidence. Counts only, never a value."));
    static final Map<String, String> MEMBERSHIP_COLUMNS = Map.of(
            "segment", "Segment name (gold/segments.yaml)",
            "customer_id", "Unified customer id",
            "purpose", "Segment purpose: marketing, personalization, analytics or service",
            "channel", "How members are contacted: email, sms, phone or post");

    private final Lake lake;
    private final C360Config config;
    private final GoldDefinitions gold;
    private final Progress progress;
    /** How households are formed ({@code gold/households.yaml}), when gold declares them. */
    private final Optional<Households.Rules> households;
    /** When the gate judges the age of the accuracy audit ({@code accuracy_audit:} of the quality file). */
    private final Clock clock;

    public GoldJob(Lake lake, C360Config config, GoldDefinitions gold, Progress progress) {
        this(lake, config, gold, progress, Clock.systemUTC());
    }

    GoldJob(Lake lake, C360Config config, GoldDefinitions gold, Progress progress, Clock clock) {
        this.lake = lake;
        this.config = config;
        this.gold = gold;
        this.progress = progress;
        this.clock = clock;
        this.households = Households.Rules.of(gold.folder());
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
            Duration elapsed,
            Optional<String> unchangedSince) {
        public List<CheckOutcome> blockingFailures() {
            return quality.stream().filter(CheckOutcome::blocks).toList();
        }

        /**
         * Nothing gold reads changed since that run's publication (same definitions, inputs and as-of):
         * nothing was built or published, and the figures and quality outcomes are that publication's, but
         * for an accuracy audit's, judged again ({@code published} is false when it blocks now).
         */
        public boolean unchanged() {
            return unchangedSince.isPresent();
        }
    }

    /**
     * What the last successful publication was made from, in {@link #PUBLICATION_FILE}: the run, the
     * as-of, a hash of the definitions ({@link #definitionsHash}), the Delta version of every silver and
     * bronze table gold read ({@code inputs}, by {@code layer.name}), and what it published: the gold
     * tables' versions after it, their rows and segment sizes (the gate's outcomes are in
     * {@code ops.quality_results} under that run). Fields a later version of c360 adds are ignored.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Publication(
            @JsonProperty("run_id") String runId,
            @JsonProperty("as_of") String asOf,
            @JsonProperty("definitions") String definitions,
            @JsonProperty("inputs") Map<String, Long> inputs,
            @JsonProperty("published") Map<String, Long> published,
            @JsonProperty("rows") Map<String, Long> rows,
            @JsonProperty("segment_sizes") Map<String, Long> segmentSizes) {}

    /** Where the last successful publication is described, under the lake root. */
    public static final String PUBLICATION_FILE = "gold/_publication.json";

    public Result run(String runId, Instant asOf) {
        Instant start = Instant.now();
        // Before anything is built: a column whose personal data only its author can name stops the run.
        GoldLineage.requireDeclared(gold, GoldLineage.analyze(lake, config, gold), GoldLineage.sources(config));
        String definedBy = definitionsHash();
        Map<String, Long> inputs = inputVersions();
        Optional<Publication> standing = standingPublication(definedBy, inputs, asOf);
        if (standing.isPresent()) {
            return unchanged(runId, asOf, standing.get(), start);
        }
        List<CheckOutcome> quality = new ArrayList<>();
        registerInputs(runId, asOf);
        Plan plan = lastPublication(lake)
                .filter(last ->
                        definedBy.equals(last.definitions()) && last.inputs() != null && last.published() != null)
                .map(last -> plan(last, asOf))
                .orElse(Plan.whole());
        Built tables = build(plan, runId);
        Map<TableName, Dataset<Row>> built = tables.whole();
        Map<TableName, Dataset<Row>> touchedRows = tables.touchedRows();
        Map<TableName, GoldDefinitions.Table> definitions = tables.definitions();
        wholeView(built);
        Dataset<Row> base = lake.spark().table("customer_360").join(lake.spark().table("customer"), "customer_id");
        if (households.isPresent()) {
            base = base.join(
                    lake.spark().table(households.get().keptIn()).select("customer_id", "household_id"),
                    new String[] {"customer_id"},
                    "left");
        }
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
                    runId,
                    asOf,
                    false,
                    rows,
                    quality,
                    Map.of(),
                    sizes,
                    Duration.between(start, Instant.now()),
                    Optional.empty());
        }

        progress.report("gold: publishing");
        // A few tables at once: publishing a table is mostly driver work (Delta's commits and log reads),
        // which overlaps. Each table is published in its own commit, one after another or side by side alike.
        List<TableName> names = List.copyOf(built.keySet());
        List<Long> published = Concurrently.map(names, name -> {
            GoldDefinitions.Table t = definitions.get(name);
            List<String> key = t != null ? t.key() : ENGINE_TABLES.get(name).key();
            String description =
                    t != null ? t.description() : ENGINE_TABLES.get(name).description();
            Steps.run(lake.spark(), "gold: publish " + name, () -> {
                if (touchedRows.containsKey(name)) {
                    lake.publishOwned(
                            name,
                            touchedRows.get(name),
                            key,
                            t.description(),
                            t.customerColumn().orElseThrow(),
                            plan.touched().orElseThrow());
                } else {
                    lake.publish(name, built.get(name), key, description);
                }
            });
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
        writePublication(new Publication(runId, asOf.toString(), definedBy, inputs, versions, rows, sizes));
        progress.report("gold: published " + built.size() + " tables");
        return new Result(
                runId,
                asOf,
                true,
                rows,
                quality,
                versions,
                sizes,
                Duration.between(start, Instant.now()),
                Optional.empty());
    }

    /** The last publication, if a gold run as of {@code asOf} would build and publish exactly it again. */
    private Optional<Publication> standingPublication(String definitions, Map<String, Long> inputs, Instant asOf) {
        return lastPublication(lake).filter(last -> standsFor(last, definitions, inputs, asOf));
    }

    /**
     * Whether the last publication stands for this run: same definitions, same versions of every table
     * gold reads, same as-of, and no gold table written since (an erasure, a crashed run).
     */
    private boolean standsFor(Publication last, String definitions, Map<String, Long> inputs, Instant asOf) {
        return definitions.equals(last.definitions())
                && inputs.equals(last.inputs())
                && asOf.equals(Instant.parse(last.asOf()))
                && last.published() != null
                && last.published().entrySet().stream().allMatch(e -> {
                    int dot = e.getKey().indexOf('.');
                    TableName table = new TableName(
                            e.getKey().substring(0, dot), e.getKey().substring(dot + 1));
                    return lake.exists(table) && lake.version(table) == e.getValue();
                });
    }

    /**
     * The last publication stands: nothing is built or written, and the result is that publication's. Its
     * gate's outcomes stand too, but for an {@code accuracy_audit:} check: that one depends on the time, so
     * it is judged again, and an audit that has expired since blocks as it would in a run that builds.
     */
    private Result unchanged(String runId, Instant asOf, Publication last, Instant start) {
        List<CheckOutcome> quality = Files.exists(gold.qualityFile())
                ? QualityGate.load(gold.qualityFile()).standingOutcomes(lake, last.runId(), clock.instant())
                : List.of();
        boolean stands = quality.stream().noneMatch(CheckOutcome::blocks);
        progress.report("gold: unchanged since run " + last.runId() + " (same definitions, inputs and as-of)"
                + (stands
                        ? "; its tables and quality outcomes stand"
                        : ", but its quality gate fails now; previous gold version kept"));
        return new Result(
                runId,
                asOf,
                stands,
                orEmpty(last.rows()),
                quality,
                stands ? last.published() : Map.of(),
                orEmpty(last.segmentSizes()),
                Duration.between(start, Instant.now()),
                Optional.of(last.runId()));
    }

    private static Map<String, Long> orEmpty(Map<String, Long> figures) {
        return figures == null ? Map.of() : figures;
    }

    /** The last successful publication, if gold has published in this lake. */
    public static Optional<Publication> lastPublication(Lake lake) {
        return lake.readJson(
                PUBLICATION_FILE, Publication.class, "delete it to make the next gold run build and publish");
    }

    private void writePublication(Publication publication) {
        lake.writeJson(PUBLICATION_FILE, publication);
    }

    /**
     * The Delta version of every silver and bronze table the gold SQL reads, by {@code layer.name}: a
     * table it names ({@code silver.x}, {@code bronze.x}) or a source whose {@code latest_<source>} view
     * it reads. A table gold names that does not exist yet is left out (the SQL would fail on it).
     */
    Map<String, Long> inputVersions() {
        String sql = searchable(gold.tables().stream());
        Map<String, Long> inputs = new TreeMap<>();
        for (TableName table : lake.layerTables()) {
            if (readBy(sql, table)) {
                inputs.put(table.toString(), lake.version(table));
            }
        }
        return inputs;
    }

    private boolean readBy(String sql, TableName table) {
        return switch (table.layer()) {
            case "silver" -> names(sql, table.toString());
            case "bronze" ->
                names(sql, table.toString())
                        || (config.source(table.name()).isPresent() && names(sql, "latest_" + table.name()));
            default -> false;
        };
    }

    /** The tables' SQL as {@link #names} searches it: one text, lower-cased. */
    private static String searchable(Stream<GoldDefinitions.Table> tables) {
        return tables.map(GoldDefinitions.Table::sql)
                .collect(Collectors.joining("\n"))
                .toLowerCase(Locale.ROOT);
    }

    /** Whether {@code name} occurs in the (lower-cased) SQL as a whole identifier. */
    static boolean names(String sql, String name) {
        return Pattern.compile("(?<![a-z0-9_.])" + Pattern.quote(name) + "(?![a-z0-9_])")
                .matcher(sql)
                .find();
    }

    /**
     * A hash of what gold is defined by: every file of the gold folder (SQL, {@code tables.yaml},
     * {@code segments.yaml}, {@code quality.yaml}), the tables and segments as this job was given them
     * (which may differ from the folder's), and the contract of every configured source (its key decides
     * {@code latest_<source>}).
     */
    String definitionsHash() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> listed = Files.list(gold.folder())) {
                listed.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
            config.sources().forEach(s -> files.add(s.contract()));
            for (Path f : files) {
                sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.exists(f) ? Files.readAllBytes(f) : new byte[0]);
            }
            for (GoldDefinitions.Table t : gold.tables()) {
                sha.update(List.of(t.name(), t.sql(), t.description(), t.key(), t.columns(), t.roles(), t.pii())
                        .toString()
                        .getBytes(StandardCharsets.UTF_8));
            }
            sha.update(gold.segments().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new C360Exception("cannot read the gold definitions in " + gold.folder() + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a run rebuilds: every table whole, or the per-customer tables ({@link GoldDefinitions.Scope#customer})
     * for the touched customers only. {@code touched} is empty for a whole rebuild.
     */
    record Plan(Optional<Dataset<Row>> touched, Set<String> scoped) {
        static Plan whole() {
            return new Plan(Optional.empty(), Set.of());
        }

        boolean scoped(GoldDefinitions.Table t) {
            return scoped.contains(t.name());
        }
    }

    /**
     * Plans the run from the last publication: the per-customer tables are rebuilt for the touched
     * customers only when the definitions are the publication's, every gold table still holds what it
     * published, and the changes of every table gold read can be traced to customers. A per-customer
     * table is rebuilt whole all the same when it reads {@code run_context} and the as-of moved, and (when
     * built) when it reads a table rebuilt whole or its published columns are not the ones it returns now.
     *
     */
    private Plan plan(Publication last, Instant asOf) {
        boolean sameAsOf = asOf.equals(Instant.parse(last.asOf()));
        Map<TableName, Long> read = new LinkedHashMap<>();
        last.inputs().forEach((table, version) -> read.put(tableNamed(table), version));
        boolean untouchedSince = last.published().entrySet().stream().allMatch(e -> {
            TableName table = tableNamed(e.getKey());
            return lake.exists(table) && lake.version(table) == e.getValue();
        });
        if (!untouchedSince) {
            return Plan.whole();
        }
        String scopedSql = searchable(gold.tables().stream().filter(t -> t.scope() == GoldDefinitions.Scope.customer));
        Map<TableName, Long> scopedInputs = new LinkedHashMap<>();
        for (TableName table : lake.layerTables()) {
            if (readBy(scopedSql, table)) {
                if (!read.containsKey(table)) {
                    return Plan.whole(); // a table the publication did not read
                }
                scopedInputs.put(table, read.get(table));
            }
        }
        IdentityConfig identity =
                IdentityConfig.load(config.requireSilverFolder().resolve("identity.yaml"));
        TouchedCustomers.Found found = TouchedCustomers.since(lake, scopedInputs, identity);
        if (found.customers().isEmpty()) {
            progress.report("gold: the changes of " + found.untraced().orElseThrow() + " since run " + last.runId()
                    + " cannot be read or traced to customers; every table is rebuilt whole");
            return Plan.whole();
        }
        Dataset<Row> touched = found.customers().get();
        progress.report("gold: " + touched.count() + " customers touched since run " + last.runId());
        Set<String> scoped = new java.util.LinkedHashSet<>();
        for (GoldDefinitions.Table t : gold.tables()) {
            String sql = t.sql().toLowerCase(Locale.ROOT);
            if (t.scope() == GoldDefinitions.Scope.customer
                    && (sameAsOf || !names(sql, "run_context"))
                    && lake.exists(TableName.gold(t.name()))) {
                scoped.add(t.name());
            }
        }
        return new Plan(Optional.of(touched), scoped);
    }

    /**
     * The gold tables built: each as it is to be published ({@code whole}), and for the tables rebuilt for
     * the touched customers only, those customers' new rows ({@code touchedRows}).
     */
    private record Built(
            Map<TableName, Dataset<Row>> whole,
            Map<TableName, Dataset<Row>> touchedRows,
            Map<TableName, GoldDefinitions.Table> definitions) {}

    /** Builds the tables in their declared order, each whole or for the touched customers as the plan allows. */
    private Built build(Plan plan, String runId) {
        Optional<Dataset<Row>> report = Optional.empty();
        Map<TableName, Dataset<Row>> built = new LinkedHashMap<>();
        Map<TableName, Dataset<Row>> touchedRows = new LinkedHashMap<>();
        Map<TableName, GoldDefinitions.Table> definitions = new LinkedHashMap<>();
        for (GoldDefinitions.Table t : gold.tables()) {
            TableName name = TableName.gold(t.name());
            definitions.put(name, t);
            if (report.isEmpty() && households.isPresent() && readsHouseholds(t)) {
                wholeView(built);
                report = Optional.of(formHouseholds(households.get(), runId));
            }
            Optional<Dataset<Row>> touched =
                    plan.touched().filter(c -> plan.scoped(t) && readsOnly(t, touchedRows.keySet(), built.keySet()));
            if (touched.isPresent()) {
                touchedView(built, touchedRows);
                Dataset<Row> rows = withComments(touchedRows(t, touched.get()), t.columns());
                if (rows.schema().asNullable().equals(lake.read(name).schema())) {
                    progress.report("gold: building " + name + " for the touched customers ("
                            + t.sqlFile().getFileName() + ")");
                    Dataset<Row> changed = Steps.compute(lake.spark(), "gold: build " + name, () -> materialize(rows));
                    touchedRows.put(name, changed);
                    built.put(
                            name,
                            Steps.compute(
                                    lake.spark(),
                                    "gold: complete " + name,
                                    () -> materialize(withUntouchedRows(t, changed, touched.get()))));
                    continue;
                }
            }
            wholeView(built);
            progress.report("gold: building " + name + " (" + t.sqlFile().getFileName() + ")");
            built.put(
                    name,
                    Steps.compute(
                            lake.spark(),
                            "gold: build " + name,
                            () -> materialize(withComments(query(t), t.columns()))));
        }
        report.ifPresent(r -> built.put(TableCatalog.HOUSEHOLD_REPORT, r));
        return new Built(built, touchedRows, definitions);
    }

    private static boolean readsHouseholds(GoldDefinitions.Table t) {
        String sql = t.sql().toLowerCase(Locale.ROOT);
        return names(sql, Households.MEMBERS_VIEW);
    }

    /**
     * Forms the households and registers the view the SQL reads them through, keeping the published ids;
     * returns the report, published beside the tables.
     */
    private Dataset<Row> formHouseholds(Households.Rules rules, String runId) {
        progress.report("gold: forming households (" + rules.file().getFileName() + ")");
        TableName kept = TableName.gold(rules.keptIn());
        Optional<Dataset<Row>> previous = lake.exists(kept)
                ? Optional.of(lake.read(kept).select("customer_id", "household_id"))
                : Optional.empty();
        Households.Formed formed = Steps.compute(
                lake.spark(), "gold: form households", () -> Households.form(lake.spark(), rules, previous, runId));
        formed.register();
        for (Row r : formed.report().where(col("capped_values").gt(0)).collectAsList()) {
            progress.report("gold: households: " + r.getAs("capped_values") + " " + r.getAs("evidence")
                    + " value(s) held by more than " + r.getAs("max_customers")
                    + " customers are no evidence (largest: " + r.getAs("largest_capped") + " customers)");
        }
        return withComments(formed.report(), Households.REPORT_COLUMNS);
    }

    /** A table named {@code layer.name}. */
    private static TableName tableNamed(String name) {
        int dot = name.indexOf('.');
        return new TableName(name.substring(0, dot), name.substring(dot + 1));
    }

    /** Whether every gold table the table's SQL reads was rebuilt for the touched customers only. */
    private static boolean readsOnly(
            GoldDefinitions.Table t, Set<TableName> touchedTables, Set<TableName> builtTables) {
        String sql = t.sql().toLowerCase(Locale.ROOT);
        return builtTables.stream().filter(b -> names(sql, b.name())).allMatch(touchedTables::contains);
    }

    /** Each gold table built so far under its bare name, as it will be published. */
    private static void wholeView(Map<TableName, Dataset<Row>> built) {
        built.forEach((name, rows) -> rows.createOrReplaceTempView(name.name()));
    }

    /** The per-customer tables built so far under their bare names, holding the touched customers' rows only. */
    private static void touchedView(Map<TableName, Dataset<Row>> built, Map<TableName, Dataset<Row>> touchedRows) {
        built.forEach((name, rows) -> touchedRows.getOrDefault(name, rows).createOrReplaceTempView(name.name()));
    }

    /**
     * A per-customer table's rows for the touched customers: its SQL with the silver tables that name a
     * customer ({@code silver.customer_id_map}, {@code silver.golden_records}) read for those customers
     * only, and only rows of those customers kept.
     */
    private Dataset<Row> touchedRows(GoldDefinitions.Table t, Dataset<Row> touched) {
        String sql = t.sql();
        TableCatalog catalog = TableCatalog.engine();
        for (TableName table : lake.layerTables()) {
            Optional<String> customerColumn = catalog.table(table).flatMap(GoldJob::customerColumn);
            if (!table.layer().equals("silver")
                    || customerColumn.isEmpty()
                    || !names(sql.toLowerCase(Locale.ROOT), table.toString())) {
                continue;
            }
            String view = "_touched_" + table.layer() + "_" + table.name();
            forCustomers(lake.read(table), customerColumn.get(), touched).createOrReplaceTempView(view);
            sql = Pattern.compile("(?i)(?<![a-z0-9_.`])" + Pattern.quote(table.toString()) + "(?![a-z0-9_])")
                    .matcher(sql)
                    .replaceAll(view);
        }
        Dataset<Row> rows = query(t, sql);
        return forCustomers(rows, t.customerColumn().orElseThrow(), touched);
    }

    private static Optional<String> customerColumn(TableCatalog.Table table) {
        return table.columns().stream()
                .filter(c -> c.role().equals(Optional.of(TableCatalog.Role.customer_id)))
                .map(TableCatalog.Column::name)
                .findFirst();
    }

    /** The rows whose {@code column} holds one of the ids of {@code customers} (a one-column Dataset; household ids too). */
    static Dataset<Row> forCustomers(Dataset<Row> rows, String column, Dataset<Row> customers) {
        Dataset<Row> c = customers.toDF("_touched_customer");
        return rows.join(c, rows.col(Lake.quote(column)).equalTo(c.col("_touched_customer")), "left_semi");
    }

    /** The table as it will be published: its published rows of the other customers and the touched customers' new rows. */
    private Dataset<Row> withUntouchedRows(GoldDefinitions.Table t, Dataset<Row> touchedRows, Dataset<Row> touched) {
        Dataset<Row> published = lake.read(TableName.gold(t.name()));
        Dataset<Row> c = touched.toDF("_touched_customer");
        String column = t.customerColumn().orElseThrow();
        Dataset<Row> untouched =
                published.join(c, published.col(Lake.quote(column)).equalTo(c.col("_touched_customer")), "left_anti");
        return withComments(untouched.unionByName(touchedRows), t.columns());
    }

    private List<CheckOutcome> goldGate(String runId, Map<TableName, Dataset<Row>> built) {
        Path file = gold.qualityFile();
        return Files.exists(file) ? QualityGate.load(file).verify(lake, runId, built, clock.instant()) : List.of();
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
        registerRunContext(lake.spark(), runId, asOf);
        registerLatestSources(lake, config);
    }

    /** The view {@code run_context}: one row, the run's id and the moment its metrics are measured from. */
    static void registerRunContext(SparkSession spark, String runId, Instant asOf) {
        spark.createDataFrame(
                        List.of(RowFactory.create(runId, Timestamp.from(asOf))),
                        new StructType().add("run_id", DataTypes.StringType).add("as_of", DataTypes.TimestampType))
                .createOrReplaceTempView("run_context");
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
        return query(t, t.sql());
    }

    /** Runs a table's SQL, as written or with inputs replaced, and checks it returns exactly the declared columns. */
    private Dataset<Row> query(GoldDefinitions.Table t, String sql) {
        Dataset<Row> rows;
        try {
            rows = lake.spark().sql(sql);
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
