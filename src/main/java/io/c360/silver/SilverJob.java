package io.c360.silver;

import static io.c360.lake.TableCatalog.BLOCKING_KEYS;
import static io.c360.lake.TableCatalog.BLOCKING_REPORT;
import static io.c360.lake.TableCatalog.CUSTOMER_ID_MAP;
import static io.c360.lake.TableCatalog.GOLDEN_RECORDS;
import static io.c360.lake.TableCatalog.IDENTITIES;
import static io.c360.lake.TableCatalog.IDENTITY_RECORDS;
import static io.c360.lake.TableCatalog.MATCH_REVIEW;
import static io.c360.lake.TableCatalog.REDIRECTS;
import static io.c360.lake.TableCatalog.SCORED_PAIRS;
import static io.c360.lake.TableCatalog.STEWARD_DECISIONS;
import static io.c360.lake.TableCatalog.STEWARD_DECISIONS_SCHEMA;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.C360Exception;
import io.c360.Concurrently;
import io.c360.Progress;
import io.c360.bronze.Lineage;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.Steps;
import io.c360.lake.TableName;
import io.c360.silver.identity.StableIds;
import io.c360.silver.survivorship.Survivorship;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The silver job: bronze sources → identity records → scored pairs (review queue for stewards) →
 * clusters → stable customer ids (with redirects) → golden records. All reads and writes of the
 * stage are here; the steps themselves are pure transforms.
 */
public final class SilverJob {
    /** What the last silver run wrote: its model, definitions and the table versions (see {@link Resolution}). */
    static final String RESOLUTION_FILE = "silver/_resolution.json";

    /** The blocking rules the key index was made by, when they were chosen from the data (a JSON list). */
    static final String BLOCKING_RULES_FILE = "silver/_blocking_rules.json";

    private static final List<TableName> STATE_TABLES = List.of(
            IDENTITY_RECORDS, SCORED_PAIRS, MATCH_REVIEW, CUSTOMER_ID_MAP, GOLDEN_RECORDS, IDENTITIES, BLOCKING_KEYS);
    /**
     * The state tables an incremental run changes row by row: deletion vectors make a delete or replaced
     * row cost a mark instead of a rewritten file. The tables later stages read (gold's SQL reads these
     * four) also keep a Change Data Feed, so that a reader takes only what changed since a version instead
     * of comparing two whole versions.
     */
    private static final Map<String, String> ROW_CHANGES = Map.of("delta.enableDeletionVectors", "true");

    private static final Map<String, String> ROW_CHANGES_WITH_FEED =
            Map.of("delta.enableDeletionVectors", "true", "delta.enableChangeDataFeed", "true");
    private static final List<TableName> READ_LATER =
            List.of(IDENTITY_RECORDS, SCORED_PAIRS, CUSTOMER_ID_MAP, GOLDEN_RECORDS);

    private final Lake lake;
    private final C360Config config;
    private final SilverConfig silver;
    private final Progress progress;
    private final boolean retrain;
    private final boolean fullRefresh;
    private final ModelStore store;
    /** What the saved models depend on in the matching definitions: a model is reused only under the same one. */
    private final String fingerprint;

    public SilverJob(Lake lake, C360Config config, SilverConfig silver, Progress progress, boolean retrain) {
        this(lake, config, silver, progress, retrain, false);
    }

    /**
     * @param fullRefresh resolve every record again even when the previous run's state would allow an
     *     incremental run (the result is the same; use it when in doubt about that state)
     */
    public SilverJob(
            Lake lake,
            C360Config config,
            SilverConfig silver,
            Progress progress,
            boolean retrain,
            boolean fullRefresh) {
        this.lake = lake;
        this.config = config;
        this.silver = silver;
        this.progress = progress;
        this.retrain = retrain;
        this.fullRefresh = fullRefresh;
        this.store = new ModelStore(lake.root(), lake.spark().sparkContext().hadoopConfiguration());
        this.fingerprint = ModelStore.fingerprint(silver.matching());
    }

    /** How a silver run resolves, decided from the lake's state before anything is matched. */
    public enum Mode {
        /** Nothing changed since the last run: its tables stand and nothing is written. */
        unchanged,
        /** Every identity is matched and clustered. */
        full,
        /** Only what changed since the last run is matched and clustered again. */
        incremental
    }

    /** The figures of the silver tables after the run. */
    public record Counts(
            @JsonProperty("records") long records,
            @JsonProperty("identities") long identities,
            @JsonProperty("candidate_pairs") long candidatePairs,
            @JsonProperty("linked_pairs") long linkedPairs,
            @JsonProperty("review_pairs") long reviewPairs,
            @JsonProperty("vetoed_pairs") long vetoedPairs,
            @JsonProperty("customers") long customers,
            @JsonProperty("redirects") long redirects) {}

    /**
     * What the run computed again. {@code standardizedRecords}: the records standardized from bronze rows (in
     * an incremental run, only the versions bronze delivered since the last one, when it only appended);
     * {@code touchedIdentities} were matched again, {@code scoredPairs} compared and scored, and
     * {@code reclusteredIdentities} clustered again (in a full run all of them; none when unchanged).
     */
    public record Work(
            long standardizedRecords, long touchedIdentities, long scoredPairs, long reclusteredIdentities) {}

    /**
     * The matching model the run scored with, whether the run trained it, the signs that it learned
     * nonsense (see {@link ModelFlags}) and what training found when it checked the rules.
     */
    public record ModelUse(int version, boolean trained, List<ModelFlags.Flag> flags, List<RuleCheck> ruleChecks) {
        public ModelUse {
            flags = List.copyOf(flags);
            ruleChecks = List.copyOf(ruleChecks);
        }
    }

    /** What the silver run did. */
    public record Result(
            String runId,
            Mode mode,
            Counts counts,
            SilverFigures figures,
            Work work,
            ModelUse model,
            Duration elapsed) {
        /** Only what changed was matched and clustered again; an unchanged run is the case where nothing had. */
        public boolean incremental() {
            return mode != Mode.full;
        }
    }

    /**
     * What the last run resolved with, and the versions of the tables it wrote: a later run may build
     * on them only if the model and definitions are the same and nothing else wrote those tables since
     * (an erasure, a crashed run). {@code counts}, {@code figures} and {@code flags} are the figures of the
     * tables it wrote, which a run that finds nothing changed reports without reading them again (absent
     * from a file an earlier version of c360 wrote: then they are measured). Fields a later version of c360
     * adds are ignored.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Resolution(
            @JsonProperty("run_id") String runId,
            @JsonProperty("model_version") int modelVersion,
            @JsonProperty("definitions") String definitions,
            @JsonProperty("tables") Map<String, Long> tables,
            @JsonProperty("bronze") Map<String, BronzeMark> bronze,
            @JsonProperty("counts") Counts counts,
            @JsonProperty("flags") List<ModelFlags.Flag> flags,
            @JsonProperty("figures") SilverFigures figures) {}

    /**
     * How far a run read a source's bronze table: its Delta version and the newest {@code _ingested_at} in it
     * (ISO-8601; null when the table had no row). Rows ingested later are what bronze delivered since.
     */
    record BronzeMark(
            @JsonProperty("version") long version,
            @JsonProperty("ingested_until") String ingestedUntil) {}

    /**
     * The identity records this run resolves and how far it read each bronze table; {@code delivered}
     * when only the record versions bronze delivered since the last run were standardized.
     */
    private record RecordsRead(Dataset<Row> records, Map<String, BronzeMark> marks, Optional<Delivery> delivered) {}

    /**
     * Record versions delivered since the last run: their identity records (materialized) and the
     * {@code record_key} of every record they are versions of, identity record or not (materialized).
     */
    private record Delivery(Dataset<Row> records, Dataset<Row> keys, long count, long birthDatesOutOfRange) {}

    /**
     * The previous run's state an incremental run starts from: its tables at the versions it wrote (this
     * run changes them), read where needed rather than held.
     */
    private record Previous(Dataset<Row> identities, Dataset<Row> pairs, Dataset<Row> idMap, Dataset<Row> keys) {}

    /**
     * What this run does, decided from the lake's state before anything is matched: the identity records
     * it resolves (materialized), the model it reuses, the last run it builds on, the steward decisions and,
     * when it builds on a run, the records added, removed or changed since (materialized).
     */
    private record Plan(
            Mode mode,
            String definitions,
            Optional<ModelStore.Artefact> reuse,
            Optional<Resolution> buildOn,
            RecordsRead read,
            Dataset<Row> records,
            long recordCount,
            long standardized,
            Dataset<Row> steward,
            Optional<Dataset<Row>> recordChanges) {}

    /**
     * The identities the run matches ({@code nodes}, materialized), their hashes, and the term frequencies
     * the reused model was trained with.
     */
    private record MatchInput(
            Dataset<Row> nodes, Dataset<Row> identityHashes, Optional<Dataset<Row>> frozenTermFrequencies) {}

    /**
     * What the computation resolved, nothing written yet: every scored pair and the whole id map (for the
     * run's figures), the redirects this run adds, how each state table is to be written (whole in a full
     * run, as the rows that changed in an incremental one), and how much was computed again.
     */
    private record Resolved(
            MatchInput input,
            Matcher.Result matched,
            Dataset<Row> pairs,
            Dataset<Row> idMap,
            Dataset<Row> redirects,
            Map<TableName, TableWrite> writes,
            long touched,
            long scored,
            long reclustered) {}

    /** How the run changes a silver state table. */
    private sealed interface TableWrite permits Overwrite, Replace {}

    /** The table's rows, all of them (a full run). */
    private record Overwrite(Dataset<Row> rows) implements TableWrite {}

    /**
     * The rows whose {@code key} (SQL expressions over the table's columns) is one of {@code gone} are
     * deleted and {@code rows} appended: what changed, in one commit (see {@link Lake#replace}).
     */
    private record Replace(List<String> key, Dataset<Row> gone, Dataset<Row> rows) implements TableWrite {}

    public Result run() {
        return run(Instant.now().toString());
    }

    /**
     * Runs silver as part of pipeline run {@code runId} (it names the run in id redirects): plans from the
     * lake's state, computes the tables, writes them.
     */
    public Result run(String runId) {
        Instant start = Instant.now();
        if (!lake.exists(STEWARD_DECISIONS)) {
            lake.overwrite(STEWARD_DECISIONS, lake.spark().createDataFrame(List.of(), STEWARD_DECISIONS_SCHEMA));
        }
        Optional<ModelStore.Artefact> reuse = retrain ? Optional.empty() : store.latest(fingerprint);
        String definitions = definitionsFingerprint();
        Optional<Resolution> buildOn = resolutionToBuildOn(reuse, definitions);
        Optional<Resolution> standing = buildOn.filter(this::nothingDeliveredOrDecidedSince);
        if (standing.isPresent()) {
            return unchanged(runId, start, standing.get(), reuse.orElseThrow(), 0);
        }
        Plan plan = Steps.compute(lake.spark(), "silver: standardize", () -> plan(reuse, definitions, buildOn));
        if (plan.mode() == Mode.unchanged) {
            return unchanged(
                    runId, start, plan.buildOn().orElseThrow(), plan.reuse().orElseThrow(), plan.standardized());
        }
        Resolved resolved = plan.mode() == Mode.incremental ? incremental(plan, runId) : full(plan, runId);
        ModelStore.Artefact model = keepModel(plan, resolved.matched());
        long identityCount = resolved.input().nodes().count();
        Counts runCounts = counts(
                plan.recordCount(),
                identityCount,
                resolved.pairs(),
                resolved.idMap(),
                resolved.redirects().count());
        List<ModelFlags.Flag> flags = flags(model, resolved.pairs());
        SilverFigures figures = write(runId, plan, resolved, model, runCounts, flags);

        Result result = new Result(
                runId,
                plan.mode(),
                runCounts,
                figures,
                new Work(plan.standardized(), resolved.touched(), resolved.scored(), resolved.reclustered()),
                new ModelUse(
                        model.version(),
                        resolved.matched().trained(),
                        flags,
                        model.parameters().ruleChecks()),
                Duration.between(start, Instant.now()));
        progress.report("silver: "
                + (plan.mode() == Mode.incremental
                        ? String.format(
                                "incremental, %,d of %,d identities touched, %,d of %,d pairs scored, %,d identities re-clustered",
                                resolved.touched(),
                                identityCount,
                                resolved.scored(),
                                result.counts().candidatePairs(),
                                resolved.reclustered())
                        : String.format("full, %,d identities, %,d pairs scored", identityCount, resolved.scored())));
        progress.report("silver: " + result.counts().customers() + " customers from " + plan.recordCount()
                + " records (" + Progress.seconds(result.elapsed()) + ")");
        return result;
    }

    /**
     * Decides how this run resolves: full when there is no last run to build on (or it may not be built
     * on), unchanged when no record changed and no steward decided anything since, incremental otherwise.
     */
    private Plan plan(Optional<ModelStore.Artefact> reuse, String definitions, Optional<Resolution> buildOn) {
        RecordsRead read = readRecords(lake.spark(), buildOn);
        Dataset<Row> records;
        long recordCount;
        long outOfRange;
        if (read.delivered().isPresent()) {
            records = read.records().localCheckpoint(true);
            recordCount = records.count();
            outOfRange = read.delivered().get().birthDatesOutOfRange();
        } else {
            Dataset<Row> flagged = read.records().localCheckpoint(true);
            long[] counted = counted(flagged);
            recordCount = counted[0];
            outOfRange = counted[1];
            records = flagged.drop(IdentityRecords.BIRTH_DATE_OUT_OF_RANGE);
        }
        long standardized = read.delivered().map(Delivery::count).orElse(recordCount);
        progress.report("silver.identity_records: " + recordCount + " records from "
                + silver.identity().sources().size() + " sources"
                + (read.delivered().isPresent()
                        ? String.format(
                                " (%,d standardized: the versions bronze delivered since the last run)", standardized)
                        : ""));
        if (outOfRange > 0) {
            progress.report(String.format(
                    Locale.ROOT,
                    "silver: %,d birth dates before %s or after today were left out (standardize.earliest_birth_date"
                            + " in identity.yaml sets the earliest one taken as true)",
                    outOfRange,
                    silver.identity().standardization().earliestBirthDate()));
        }
        Dataset<Row> steward = stewardDecisions(records).localCheckpoint(true);
        // Records added, removed or changed since that run, materialized: this run may replace the table.
        // Records bronze did not deliver again are the previous run's rows, unchanged.
        Optional<Dataset<Row>> recordChanges = buildOn.map(last -> read.delivered()
                .map(d -> Increment.recordChanges(
                        d.records(),
                        lake.read(IDENTITY_RECORDS).join(d.keys(), IdentityRecords.RECORD_KEY, "left_semi")))
                .orElseGet(() -> Increment.recordChanges(records, lake.read(IDENTITY_RECORDS)))
                .localCheckpoint(true));
        Mode mode = buildOn.isEmpty()
                ? Mode.full
                : nothingChangedSince(buildOn.get(), recordChanges.get()) ? Mode.unchanged : Mode.incremental;
        return new Plan(
                mode, definitions, reuse, buildOn, read, records, recordCount, standardized, steward, recordChanges);
    }

    /** The identities to match, with the term frequencies of the reused model (measured and saved if it has none). */
    private MatchInput matchInput(Plan plan) {
        Dataset<Row> nodes = Matcher.nodes(plan.records(), silver.matching()).localCheckpoint(true);
        Optional<Dataset<Row>> frozen = plan.reuse()
                .map(a -> store.termFrequencies(lake.spark(), a.version())
                        .orElseGet(() -> store.saveTermFrequencies(
                                a.version(), Matcher.termFrequencies(nodes, silver.matching()))));
        return new MatchInput(nodes, Increment.identityHashes(nodes).localCheckpoint(true), frozen);
    }

    /** Every identity matched and clustered; customer ids stay stable against the id map in the lake, if any. */
    private Resolved full(Plan plan, String runId) {
        MatchInput input = matchInput(plan);
        Dataset<Row> previousMap = lake.exists(CUSTOMER_ID_MAP)
                ? lake.read(CUSTOMER_ID_MAP).select("record_key", "customer_id").localCheckpoint(true)
                : SilverConfig.emptyTable(lake.spark(), "record_key", "customer_id");
        Optional<Dataset<Row>> labels = silver.matching().model().mFromStewardDecisions()
                        && !plan.steward().isEmpty()
                ? Optional.of(plan.steward()
                        .select(
                                col("l").as(Blocking.LEFT),
                                col("r").as(Blocking.RIGHT),
                                col("decision").equalTo("match").as("is_match")))
                : Optional.empty();
        Blocking.Result blocked = Matcher.block(input.nodes(), silver.matching());
        Matcher.Result matched = Matcher.score(
                input.nodes(),
                blocked,
                blocked.pairs(),
                silver.matching(),
                plan.reuse().map(ModelStore.Artefact::parameters),
                input.frozenTermFrequencies(),
                labels);
        Dataset<Row> pairs = scored(matched.pairs(), plan.steward());
        matched.releaseCandidates();
        long scored = pairs.count();
        Resolver.Resolution resolution = Steps.compute(
                lake.spark(),
                "silver: cluster",
                () -> Resolver.cluster(
                        plan.records(), matched, pairs, input.nodes().select("id"), silver, plan.steward()));
        StableIds.Result ids = stableIds(resolution, previousMap, runId);
        Dataset<Row> idMap = ids.idMap();
        Dataset<Row> golden = Survivorship.golden(plan.records().join(idMap, "record_key"), silver.survivorship());
        Dataset<Row> identities = input.identityHashes()
                .join(resolution.identityClusters(), "id")
                .select(
                        col("id").as(IdentityRecords.SIGNATURE),
                        col(Increment.IDENTITY_HASH),
                        col(Increment.COMPONENT));
        Map<TableName, TableWrite> writes = new LinkedHashMap<>();
        writes.put(SCORED_PAIRS, new Overwrite(pairs));
        writes.put(GOLDEN_RECORDS, new Overwrite(golden));
        writes.put(IDENTITY_RECORDS, new Overwrite(plan.records()));
        writes.put(MATCH_REVIEW, new Overwrite(reviewQueue(pairs, plan.records(), input.nodes())));
        writes.put(CUSTOMER_ID_MAP, new Overwrite(idMap));
        writes.put(IDENTITIES, new Overwrite(identities));
        writes.put(BLOCKING_KEYS, new Overwrite(Blocking.keys(input.nodes(), blocked.rules())));
        if (silver.matching().blockingFromData()) {
            keepBlockingRules(blocked.rules());
        }
        long touched = input.identityHashes().count();
        return new Resolved(input, matched, pairs, idMap, ids.redirects(), writes, touched, scored, touched);
    }

    /**
     * Only what changed since the last run: identities touched by changed records or steward decisions are
     * blocked against the key index and matched again, the last run's scores of pairs between untouched
     * identities are kept, and the region those changes reach is clustered again; every other record keeps
     * its customer id and golden record. Each table is written as the rows that changed.
     */
    private Resolved incremental(Plan plan, String runId) {
        // Blocking keys, node attributes and comparisons may call them; a full run registers them as it blocks.
        Comparisons.registerFunctions(lake.spark());
        Previous before = previousState(plan.buildOn().orElseThrow());
        MatchInput input = matchInput(plan);
        Dataset<Row> records = plan.records();
        Dataset<Row> steward = plan.steward();
        Dataset<Row> identityHashes = input.identityHashes();
        Dataset<Row> changes = plan.recordChanges().orElseThrow();
        Dataset<Row> touched = Increment.touched(identityHashes, before.identities(), changes, steward)
                .localCheckpoint(true);
        Dataset<Row> removed =
                Increment.removed(identityHashes, before.identities()).localCheckpoint(true);
        Dataset<Row> gone = touched.union(removed).select(col("id").as(Blocking.SIGNATURE));
        List<MatchingConfig.BlockingRule> rules = blockingRules();
        // Keys only of the touched identities; the others' are in the index as they were.
        Dataset<Row> touchedKeys = Blocking.keys(input.nodes().join(touched, "id", "left_semi"), rules)
                .localCheckpoint(true);
        Dataset<Row> unsettled = Steps.compute(
                lake.spark(), "silver: block", () -> Blocking.crossedCap(before.keys(), gone, touchedKeys, rules));
        Dataset<Row> index =
                before.keys().join(gone, Blocking.SIGNATURE, "left_anti").unionByName(touchedKeys);
        Dataset<Row> seedKeys = touchedKeys.unionByName(before.keys()
                .join(unsettled.select(col("id").as(Blocking.SIGNATURE)), Blocking.SIGNATURE, "left_semi"));
        Blocking.Result blocked =
                Steps.compute(lake.spark(), "silver: block", () -> Blocking.pairsOf(seedKeys, index, rules));
        // Every previous pair with a touched, unsettled or removed side is replaced by what blocking finds now.
        Dataset<Row> changed = touched.union(unsettled).distinct().localCheckpoint(true);
        Dataset<Row> replaced =
                Increment.pairsOf(before.pairs(), changed.union(removed)).localCheckpoint(true);
        Matcher.Result matched = Matcher.score(
                input.nodes(),
                blocked,
                blocked.pairs(),
                silver.matching(),
                plan.reuse().map(ModelStore.Artefact::parameters),
                input.frozenTermFrequencies(),
                Optional.empty());
        Dataset<Row> fresh = scored(matched.pairs(), steward);
        long scored = fresh.count();
        Dataset<Row> pairs = before.pairs()
                .join(
                        replaced.select(Blocking.LEFT, Blocking.RIGHT),
                        new String[] {Blocking.LEFT, Blocking.RIGHT},
                        "left_anti")
                .unionByName(fresh);
        Dataset<Row> region = Increment.toRecluster(
                        identityHashes, changed, removed, before.identities(), Resolver.links(pairs, steward))
                .localCheckpoint(true);
        matched.releaseCandidates();
        Resolver.Resolution resolution = Steps.compute(
                lake.spark(),
                "silver: cluster",
                () -> Resolver.cluster(records, matched, pairs, region, silver, steward));
        StableIds.Result ids = stableIds(resolution, before.idMap(), runId);
        Dataset<Row> reclustered = ids.idMap();
        // Records outside the re-clustered part are exactly the previous run's (same identities, same records):
        // they keep their rows. The others left their row: re-clustered, or gone.
        Dataset<Row> leaving = records.join(
                        region.withColumnRenamed("id", IdentityRecords.SIGNATURE),
                        IdentityRecords.SIGNATURE,
                        "left_semi")
                .select(IdentityRecords.RECORD_KEY)
                .union(changes.filter(col(IdentityRecords.SIGNATURE).isNull()).select(IdentityRecords.RECORD_KEY))
                .distinct()
                .localCheckpoint(true);
        Dataset<Row> stayed = before.idMap().join(leaving, "record_key", "left_anti");
        Dataset<Row> idMap = stayed.unionByName(reclustered);
        Dataset<Row> recomputed = reclustered
                .select("customer_id")
                .union(idMap.join(changes.select("record_key"), "record_key").select("customer_id"))
                .distinct()
                .localCheckpoint(true);
        // A customer whose every record left has no golden record any more.
        Dataset<Row> leftCustomers = before.idMap()
                .join(leaving, "record_key", "left_semi")
                .select("customer_id")
                .distinct();
        Dataset<Row> goneCustomers = leftCustomers
                .join(stayed.join(leftCustomers, "customer_id", "left_semi"), "customer_id", "left_anti")
                .union(recomputed)
                .distinct();
        Dataset<Row> golden = Survivorship.golden(
                records.join(idMap.join(recomputed, "customer_id", "left_semi"), "record_key"), silver.survivorship());
        Dataset<Row> reclusteredIdentities = identityHashes
                .join(resolution.identityClusters(), "id")
                .select(
                        col("id").as(IdentityRecords.SIGNATURE),
                        col(Increment.IDENTITY_HASH),
                        col(Increment.COMPONENT));
        Map<TableName, TableWrite> writes = new LinkedHashMap<>();
        writes.put(
                SCORED_PAIRS,
                new Replace(
                        List.of(Blocking.LEFT, Blocking.RIGHT), replaced.select(Blocking.LEFT, Blocking.RIGHT), fresh));
        writes.put(GOLDEN_RECORDS, new Replace(List.of("customer_id"), goneCustomers, golden));
        writes.put(
                IDENTITY_RECORDS,
                new Replace(
                        List.of(IdentityRecords.RECORD_KEY),
                        changes.select(IdentityRecords.RECORD_KEY),
                        records.join(
                                changes.select(IdentityRecords.RECORD_KEY), IdentityRecords.RECORD_KEY, "left_semi")));
        writes.put(
                MATCH_REVIEW,
                new Replace(
                        List.of("l.id", "r.id"),
                        replaced.filter(col("decision").equalTo(Matcher.REVIEW)).select(Blocking.LEFT, Blocking.RIGHT),
                        reviewQueue(fresh, records, input.nodes())));
        writes.put(CUSTOMER_ID_MAP, new Replace(List.of("record_key"), leaving, reclustered));
        writes.put(
                IDENTITIES,
                new Replace(
                        List.of(IdentityRecords.SIGNATURE),
                        region.union(removed).select(col("id").as(IdentityRecords.SIGNATURE)),
                        reclusteredIdentities));
        writes.put(BLOCKING_KEYS, new Replace(List.of(Blocking.SIGNATURE), gone, touchedKeys));
        return new Resolved(
                input, matched, pairs, idMap, ids.redirects(), writes, touched.count(), scored, region.count());
    }

    /** The scored pairs with the stewards' decisions applied, materialized. */
    private Dataset<Row> scored(Dataset<Row> pairs, Dataset<Row> steward) {
        return Steps.compute(
                lake.spark(),
                "silver: score",
                () -> Resolver.withStewardDecisions(pairs, steward).localCheckpoint(true));
    }

    /** Stable customer ids for the clusters, and the redirects from ids that changed; both materialized. */
    private StableIds.Result stableIds(Resolver.Resolution resolution, Dataset<Row> previousMap, String runId) {
        return Steps.compute(lake.spark(), "silver: ids", () -> {
            StableIds.Result ids = StableIds.assign(resolution.recordClusters(), previousMap, runId);
            return new StableIds.Result(
                    ids.idMap().localCheckpoint(true), ids.redirects().localCheckpoint(true));
        });
    }

    /** The model the run scored with: saved as a new version (with its term frequencies) when the run trained it. */
    private ModelStore.Artefact keepModel(Plan plan, Matcher.Result matched) {
        ModelStore.Artefact model = matched.trained()
                ? store.save(fingerprint, matched.parameters())
                : plan.reuse().orElseThrow();
        if (matched.trained()) {
            store.saveTermFrequencies(model.version(), matched.termFrequencies());
        }
        if (silver.matching().blockingFromData()) {
            progress.report("silver: blocking rules chosen from the data: "
                    + String.join(
                            ", ",
                            matched.blocking().stream()
                                    .map(r -> r.rule() + " (" + r.pairs() + " pairs)")
                                    .toList()));
        }
        progress.report((matched.trained() ? "trained model v" : "reused model v") + model.version() + " ("
                + training(model.parameters()) + ")");
        reportContradictedRules(model.parameters());
        return model;
    }

    /** The signs that the model learned nonsense, each reported in a progress line (names and figures only). */
    private List<ModelFlags.Flag> flags(ModelStore.Artefact model, Dataset<Row> decided) {
        List<MatchingConfig.Comparison> comparisons = silver.matching().comparisons();
        List<ModelFlags.Flag> flags =
                ModelFlags.of(model.parameters(), comparisons, ModelFlags.evidence(decided, comparisons));
        flags.forEach(f -> progress.report("silver: model flag " + f.kind() + ": " + f.message()));
        return flags;
    }

    /** The prior and how EM went, for a progress line. */
    private static String training(FellegiSunter.Parameters p) {
        return String.format("prior %.3g, EM iterations %d, ", p.prior(), p.emIterations())
                + (p.emConverged() ? "converged" : String.format("not converged: last change %.3g", p.emChange()));
    }

    /** One progress line per rule the data contradicts: rule names and shares, never a value. */
    private void reportContradictedRules(FellegiSunter.Parameters p) {
        RuleCheck.contradicted(p.ruleChecks())
                .forEach(c -> progress.report("silver: rule the data contradicts: " + c.describe()));
    }

    /**
     * The one writer: every silver table, then the resolution file. The tables are independent writes, side
     * by side: one table's driver work (planning, Delta's commit) overlaps another's tasks. The resolution
     * file is what makes them count, once all have landed; it records their figures, which are returned.
     */
    private SilverFigures write(
            String runId,
            Plan plan,
            Resolved resolved,
            ModelStore.Artefact model,
            Counts counts,
            List<ModelFlags.Flag> flags) {
        Dataset<Row> blockingReport =
                Blocking.reportTable(lake.spark(), resolved.matched().blocking(), runId);
        List<Runnable> writes = new ArrayList<>();
        resolved.writes().forEach((table, write) -> writes.add(() -> write(table, write)));
        writes.add(() -> Steps.run(
                lake.spark(), "silver: write " + REDIRECTS, () -> lake.append(REDIRECTS, resolved.redirects())));
        writes.add(() -> Steps.run(
                lake.spark(),
                "silver: write " + BLOCKING_REPORT,
                () -> lake.overwrite(BLOCKING_REPORT, blockingReport)));
        Concurrently.map(writes, write -> {
            write.run();
            return true;
        });
        Map<String, Long> versions = new LinkedHashMap<>();
        STATE_TABLES.forEach(t -> versions.put(t.toString(), lake.version(t)));
        versions.put(STEWARD_DECISIONS.toString(), lake.version(STEWARD_DECISIONS));
        SilverFigures figures = SilverFigures.measure(lake);
        writeResolution(new Resolution(
                runId,
                model.version(),
                plan.definitions(),
                versions,
                plan.read().marks(),
                counts,
                flags,
                figures));
        return figures;
    }

    /** Writes a silver state table, its Spark jobs named after it (the golden records are computed in theirs). */
    private void write(TableName table, TableWrite write) {
        Map<String, String> properties = READ_LATER.contains(table) ? ROW_CHANGES_WITH_FEED : ROW_CHANGES;
        Steps.run(lake.spark(), "silver: write " + table, () -> {
            if (write instanceof Replace r) {
                lake.replace(table, r.key(), r.gone(), r.rows());
            } else {
                lake.overwrite(table, ((Overwrite) write).rows(), properties);
            }
        });
    }

    /** The figures of the silver tables: customers from the id map, pairs by decision from the scored pairs. */
    private static Counts counts(
            long records, long identities, Dataset<Row> pairs, Dataset<Row> idMap, long redirects) {
        long customers = idMap.select("customer_id").distinct().count();
        Row byDecision = pairs.groupBy()
                .agg(
                        expr("count(*)"),
                        expr(
                                "sum(CASE WHEN decision IN ('linked', 'linked_by_rule', 'linked_by_steward') THEN 1 ELSE 0 END)"),
                        expr("sum(CASE WHEN decision = 'review' THEN 1 ELSE 0 END)"),
                        expr("sum(CASE WHEN decision = 'vetoed' THEN 1 ELSE 0 END)"))
                .head();
        return new Counts(
                records,
                identities,
                byDecision.getLong(0),
                byDecision.isNullAt(1) ? 0 : byDecision.getLong(1),
                byDecision.isNullAt(2) ? 0 : byDecision.getLong(2),
                byDecision.isNullAt(3) ? 0 : byDecision.getLong(3),
                customers,
                redirects);
    }

    /**
     * No record changed and no steward decided anything since the last run, which used this model and
     * these definitions: matching again would rewrite every silver table with the rows it holds.
     */
    private boolean nothingChangedSince(Resolution last, Dataset<Row> recordChanges) {
        return stewardDecisionsAsOf(last) && recordChanges.isEmpty();
    }

    /**
     * Decided from versions alone, before any record is read: every bronze table the last run read is at
     * the version it read (no delivery since), no other has appeared, and no steward decision arrived.
     * The last run recorded its figures, so they need not be measured again.
     */
    private boolean nothingDeliveredOrDecidedSince(Resolution last) {
        if (last.bronze() == null || last.counts() == null || last.flags() == null || !stewardDecisionsAsOf(last)) {
            return false;
        }
        Map<String, Long> read = new LinkedHashMap<>();
        for (String source : silver.identity().sources().keySet()) {
            TableName table = TableName.bronze(source);
            if (lake.exists(table)) {
                read.put(source, lake.version(table));
            }
        }
        return read.keySet().equals(last.bronze().keySet())
                && read.entrySet().stream()
                        .allMatch(e -> last.bronze().get(e.getKey()).version() == e.getValue());
    }

    /** No steward decision was appended since the last run. */
    private boolean stewardDecisionsAsOf(Resolution last) {
        Long stewardVersion = last.tables().get(STEWARD_DECISIONS.toString());
        return stewardVersion != null && stewardVersion == lake.version(STEWARD_DECISIONS);
    }

    /**
     * The last run's tables stand as they are: nothing is written, and the result describes them with the
     * figures that run recorded (measured from the tables when it recorded none).
     */
    private Result unchanged(
            String runId, Instant start, Resolution last, ModelStore.Artefact model, long standardized) {
        progress.report("reused model v" + model.version() + " (" + training(model.parameters()) + ")");
        reportContradictedRules(model.parameters());
        Counts counts = last.counts() != null
                ? last.counts()
                : counts(
                        lake.read(IDENTITY_RECORDS).count(),
                        lake.read(IDENTITIES).count(),
                        lake.read(SCORED_PAIRS),
                        lake.read(CUSTOMER_ID_MAP),
                        0);
        List<ModelFlags.Flag> flags = last.flags() != null ? last.flags() : flags(model, lake.read(SCORED_PAIRS));
        SilverFigures figures = last.figures() != null ? last.figures() : SilverFigures.measure(lake);
        if (last.flags() != null) {
            flags.forEach(f -> progress.report("silver: model flag " + f.kind() + ": " + f.message()));
        }
        Result result = new Result(
                runId,
                Mode.unchanged,
                new Counts(
                        counts.records(),
                        counts.identities(),
                        counts.candidatePairs(),
                        counts.linkedPairs(),
                        counts.reviewPairs(),
                        counts.vetoedPairs(),
                        counts.customers(),
                        0),
                figures,
                new Work(standardized, 0, 0, 0),
                new ModelUse(model.version(), false, flags, model.parameters().ruleChecks()),
                Duration.between(start, Instant.now()));
        progress.report("silver: nothing changed since run " + last.runId() + "; its tables stand");
        progress.report("silver: " + counts.customers() + " customers from " + counts.records() + " records ("
                + Progress.seconds(result.elapsed()) + ")");
        return result;
    }

    /**
     * What the last run resolved with, when this run may build on its tables; otherwise empty, with
     * the reason in a progress line (a first run says nothing).
     */
    private Optional<Resolution> resolutionToBuildOn(Optional<ModelStore.Artefact> reuse, String definitions) {
        Optional<Resolution> last = readResolution();
        if (last.isEmpty()) {
            return Optional.empty();
        }
        String why = fullRefresh
                ? "--full-refresh"
                : reuse.isEmpty()
                        ? "the model is trained in this run"
                        : reuse.get().version() != last.get().modelVersion()
                                ? "the last run used model v" + last.get().modelVersion()
                                : !definitions.equals(last.get().definitions())
                                        ? "the silver definitions changed"
                                        : !STATE_TABLES.stream()
                                                        .allMatch(t -> lake.exists(t)
                                                                && last.get()
                                                                                .tables()
                                                                                .getOrDefault(t.toString(), -1L)
                                                                        == lake.version(t))
                                                ? "silver tables were written after the last silver run (an erasure, a crashed run)"
                                                : null;
        if (why != null) {
            progress.report("silver: full run (" + why + ")");
            return Optional.empty();
        }
        return last;
    }

    /** The last run's tables as it wrote them: pinned to those versions, so this run's writes do not move them. */
    private Previous previousState(Resolution last) {
        Function<TableName, Dataset<Row>> asWritten =
                t -> lake.read(t, last.tables().get(t.toString()));
        return new Previous(
                asWritten.apply(IDENTITIES),
                asWritten.apply(SCORED_PAIRS),
                asWritten.apply(CUSTOMER_ID_MAP).select("record_key", "customer_id"),
                asWritten.apply(BLOCKING_KEYS));
    }

    /**
     * The blocking rules of this run: the configured ones, or, when they are chosen from the data, the ones
     * the last full run chose (the key index holds their keys; only a full run chooses again).
     */
    private List<MatchingConfig.BlockingRule> blockingRules() {
        if (!silver.matching().blockingFromData()) {
            return silver.matching().blocking();
        }
        return lake.readJson(BLOCKING_RULES_FILE, MatchingConfig.BlockingRule[].class, "run silver with --full-refresh")
                .map(List::of)
                .orElseThrow(() -> new C360Exception("cannot read " + lake.root() + "/" + BLOCKING_RULES_FILE
                        + ": the last full run kept no blocking rules (run silver with --full-refresh)"));
    }

    /** Keeps the blocking rules chosen from the data, for the incremental runs that block against their index. */
    private void keepBlockingRules(List<MatchingConfig.BlockingRule> rules) {
        lake.writeJson(BLOCKING_RULES_FILE, rules);
    }

    private Optional<Resolution> readResolution() {
        return lake.readJson(RESOLUTION_FILE, Resolution.class, "delete it to make the next silver run a full one");
    }

    private void writeResolution(Resolution resolution) {
        lake.writeJson(RESOLUTION_FILE, resolution);
    }

    /** A hash of the silver definitions (the three YAML files and the nickname table): any edit makes the next run a full one. */
    private String definitionsFingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // How signatures are made is part of the definitions: a lake keyed by another kind is resolved afresh.
            sha.update(IdentityRecords.SIGNATURE_KIND.getBytes(StandardCharsets.UTF_8));
            List<Path> files = new ArrayList<>(List.of(
                    silver.folder().resolve("identity.yaml"),
                    silver.folder().resolve("matching.yaml"),
                    silver.folder().resolve("survivorship.yaml")));
            silver.identity().standardization().nicknames().ifPresent(files::add);
            for (Path f : files) {
                sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.exists(f) ? Files.readAllBytes(f) : new byte[0]);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new C360Exception(
                    "cannot read the silver definitions in " + silver.folder() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Identity records of every mapped source, from the newest bronze row of each record. When the run
     * builds on the last one and bronze has only had rows appended since, only the record versions
     * delivered since are standardized; every other record is the last run's identity record as it is.
     */
    private RecordsRead readRecords(SparkSession spark, Optional<Resolution> buildOn) {
        Map<String, TableName> bronze = new LinkedHashMap<>();
        for (String source : silver.identity().sources().keySet()) {
            TableName table = TableName.bronze(source);
            if (lake.exists(table)) {
                bronze.put(source, table);
            } else {
                progress.report("silver: no " + table + " yet; skipped");
            }
        }
        if (bronze.isEmpty()) {
            throw new C360Exception("silver needs bronze tables; none of "
                    + silver.identity().sources().keySet() + " exists in " + lake.root()
                    + " (run --stage bronze first)");
        }
        List<String> sources = List.copyOf(bronze.keySet());
        List<BronzeMark> measured = Concurrently.map(sources, source -> mark(bronze.get(source)));
        Map<String, BronzeMark> marks = new LinkedHashMap<>();
        for (int i = 0; i < sources.size(); i++) {
            marks.put(sources.get(i), measured.get(i));
        }
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(silver.nicknames(spark));
        Optional<Map<String, BronzeMark>> since = buildOn.flatMap(last -> onlyAppendedSince(last, marks));
        if (since.isEmpty()) {
            return new RecordsRead(
                    identityRecords(bronze, source -> lake.read(bronze.get(source)), nicknames),
                    marks,
                    Optional.empty());
        }
        // The bronze rows ingested since the mark, materialized: the records and the keys both read them.
        Map<String, Dataset<Row>> deliveredRows = new LinkedHashMap<>();
        for (String source : sources) {
            Dataset<Row> rows = lake.read(bronze.get(source));
            String until = since.get().get(source).ingestedUntil();
            deliveredRows.put(
                    source,
                    (until == null ? rows : rows.filter(col(Lineage.INGESTED_AT).gt(lit(Instant.parse(until)))))
                            .localCheckpoint(true));
        }
        Dataset<Row> flagged =
                identityRecords(bronze, deliveredRows::get, nicknames).localCheckpoint(true);
        long[] counted = counted(flagged);
        Dataset<Row> delivered = flagged.drop(IdentityRecords.BIRTH_DATE_OUT_OF_RANGE);
        Dataset<Row> keys = sources.stream()
                .map(source -> deliveredRows
                        .get(source)
                        .select(IdentityRecords.recordKey(
                                        source, silver.identity().sources().get(source))
                                .as(IdentityRecords.RECORD_KEY)))
                .reduce(Dataset::union)
                .orElseThrow()
                .distinct()
                .localCheckpoint(true);
        Dataset<Row> records = Increment.withDelivered(lake.read(IDENTITY_RECORDS), delivered, keys);
        return new RecordsRead(records, marks, Optional.of(new Delivery(delivered, keys, counted[0], counted[1])));
    }

    /** How many identity records, and how many of them had a birth date out of the plausible range: one pass. */
    private static long[] counted(Dataset<Row> records) {
        Row counts = records.agg(
                        count(lit(1)),
                        sum(when(col(IdentityRecords.BIRTH_DATE_OUT_OF_RANGE), 1)
                                .otherwise(0)))
                .head();
        return new long[] {counts.getLong(0), counts.isNullAt(1) ? 0 : counts.getLong(1)};
    }

    /** Identity records of the newest version of each record among {@code rows} of each source's bronze table. */
    private Dataset<Row> identityRecords(
            Map<String, TableName> bronze, Function<String, Dataset<Row>> rows, Dataset<Row> nicknames) {
        Dataset<Row> all = null;
        for (String source : bronze.keySet()) {
            IdentityConfig.SourceMapping mapping = silver.identity().sources().get(source);
            String system =
                    config.source(source).map(C360Config.SourceConfig::system).orElse(source);
            Dataset<Row> newest = Lineage.newestVersions(rows.apply(source), expr(mapping.recordId()));
            Dataset<Row> records = IdentityRecords.of(
                    newest,
                    source,
                    system,
                    mapping,
                    silver.identity().standardization(),
                    nicknames,
                    silver.identity().extras());
            all = all == null ? records : all.unionByName(records);
        }
        return all;
    }

    private BronzeMark mark(TableName table) {
        long version = lake.version(table);
        Row newest = lake.read(table).agg(max(col(Lineage.INGESTED_AT))).head();
        return new BronzeMark(
                version,
                newest.isNullAt(0) ? null : newest.getTimestamp(0).toInstant().toString());
    }

    /**
     * The last run's marks, if every bronze table it read has had rows appended since and nothing
     * else (no row deleted or rewritten, no table added or gone): then the records bronze did not
     * deliver again are exactly the ones that run standardized. Otherwise empty, with the reason in a
     * progress line.
     */
    private Optional<Map<String, BronzeMark>> onlyAppendedSince(Resolution last, Map<String, BronzeMark> now) {
        Map<String, BronzeMark> before = last.bronze();
        String why = before == null
                ? "the last run did not record how far it read bronze"
                : !before.keySet().equals(now.keySet())
                        ? "bronze tables were added or removed since the last run"
                        : now.entrySet().stream()
                                .filter(e -> !lake.onlyAppendedAfter(
                                        TableName.bronze(e.getKey()),
                                        before.get(e.getKey()).version()))
                                .map(e -> TableName.bronze(e.getKey())
                                        + " was changed by more than appends since the last run")
                                .findFirst()
                                .orElse(null);
        if (why != null) {
            progress.report("silver: standardizing every record (" + why + ")");
            return Optional.empty();
        }
        return Optional.of(before);
    }

    /**
     * Steward decisions ({@code silver.steward_decisions}: record_key_l, record_key_r, decision
     * match|non_match|revoked, steward, decided_at) as pairs of identities: the newest decision on a pair
     * of records stands unless it revokes, and of those the newest on a pair of identities wins.
     */
    Dataset<Row> stewardDecisions(Dataset<Row> records) {
        Dataset<Row> signatures = records.select(col(IdentityRecords.RECORD_KEY), col(IdentityRecords.SIGNATURE));
        return Resolver.standing(lake.read(STEWARD_DECISIONS))
                .join(
                        signatures.select(
                                col(IdentityRecords.RECORD_KEY).as("record_key_l"),
                                col(IdentityRecords.SIGNATURE).as("signature_l")),
                        "record_key_l")
                .join(
                        signatures.select(
                                col(IdentityRecords.RECORD_KEY).as("record_key_r"),
                                col(IdentityRecords.SIGNATURE).as("signature_r")),
                        "record_key_r")
                .filter(col("signature_l").notEqual(col("signature_r")))
                .select(
                        expr("least(signature_l, signature_r)").as("l"),
                        expr("greatest(signature_l, signature_r)").as("r"),
                        col("decision"),
                        row_number()
                                .over(Window.partitionBy(
                                                expr("least(signature_l, signature_r)"),
                                                expr("greatest(signature_l, signature_r)"))
                                        .orderBy(desc("decided_at")))
                                .as("nth"))
                .filter(col("nth").equalTo(1))
                .drop("nth");
    }

    /**
     * Pairs for stewards: both identities' attributes, their first five record keys in order (the same
     * ones every run, however the records were read), the probability and weights.
     */
    static Dataset<Row> reviewQueue(Dataset<Row> pairs, Dataset<Row> records, Dataset<Row> nodes) {
        Dataset<Row> toReview = pairs.filter(col("decision").equalTo(Matcher.REVIEW));
        // Keys of the identities in pairs to review only: a fraction of all identities.
        Dataset<Row> reviewed = toReview.select(
                        explode(array(col(Blocking.LEFT), col(Blocking.RIGHT))).as("reviewed"))
                .distinct();
        Dataset<Row> keys = records.join(
                        reviewed, col(IdentityRecords.SIGNATURE).equalTo(col("reviewed")), "left_semi")
                .groupBy(IdentityRecords.SIGNATURE)
                .agg(slice(array_sort(collect_list("record_key")), 1, 5).as("keys"));
        List<Column> cols = new ArrayList<>(List.of(
                col("l_keys.keys").as("records_l"),
                col("r_keys.keys").as("records_r"),
                col("match_probability"),
                col("match_weight"),
                col("l"),
                col("r")));
        for (String c : pairs.columns()) {
            if (c.startsWith("w_") || c.startsWith("gamma_")) {
                cols.add(col(c));
            }
        }
        Dataset<Row> l = nodes.select(col("id").as("l_node"), struct(col("*")).as("l"));
        Dataset<Row> r = nodes.select(col("id").as("r_node"), struct(col("*")).as("r"));
        return toReview.join(l, col(Blocking.LEFT).equalTo(col("l_node")))
                .join(r, col(Blocking.RIGHT).equalTo(col("r_node")))
                .join(keys.as("l_keys"), col(Blocking.LEFT).equalTo(col("l_keys." + IdentityRecords.SIGNATURE)))
                .join(keys.as("r_keys"), col(Blocking.RIGHT).equalTo(col("r_keys." + IdentityRecords.SIGNATURE)))
                .select(cols.toArray(Column[]::new));
    }
}
