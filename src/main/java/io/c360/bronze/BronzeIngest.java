package io.c360.bronze;

import static io.c360.lake.TableCatalog.QUARANTINE;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract_all;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.when;

import io.c360.C360Exception;
import io.c360.Concurrently;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.config.C360Config.SourceConfig;
import io.c360.lake.Lake;
import io.c360.lake.Steps;
import io.c360.lake.Suppression;
import io.c360.lake.TableName;
import io.c360.standardize.Identifiers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The bronze job: for each configured source, new landed files are checked against the source's
 * contract; valid rows are appended to {@code bronze.<source>} with lineage, broken rows to
 * {@code bronze._quarantine} with the rule they broke, and every file to {@code bronze._ingest_log}.
 * Re-running adds nothing: known files are skipped and rows already in bronze (same bytes) too.
 *
 * <p>The two shared tables are written once per run, after every source's own table: the broken
 * rows of all sources in one quarantine commit, then every file in one ingest-log commit (a commit
 * costs the driver about as much as a small table's whole ingestion). A run stopped before the log
 * commit logged nothing, so the next run reads those files again and skips their rows as duplicates.
 */
public final class BronzeIngest {
    private static final String VALID = "_valid";
    private static final String DUPLICATE = "_duplicate";
    private static final String SUPPRESSED = "_suppressed";

    private final Lake lake;
    private final C360Config config;
    private final Progress progress;
    private final IngestLog log;
    /** Read when the first source has a file to read (null until then): a run where nothing landed needs none. */
    private Optional<Suppression> suppression;

    private Identifiers identifiers;

    public BronzeIngest(Lake lake, C360Config config, Progress progress) {
        this.lake = lake;
        this.config = config;
        this.progress = progress;
        this.log = new IngestLog(lake);
    }

    /**
     * What one source's ingestion did. A failed source wrote no rows; its message says why.
     * {@code rowsSuppressed}: rows of erased people ({@code ops.suppression_list}), written nowhere.
     * {@code waitingFiles}: files not ready yet (settle time, completion marker), left for the next run.
     */
    public record SourceResult(
            String source,
            int newFiles,
            int skippedFiles,
            int waitingFiles,
            long rowsValid,
            long rowsQuarantined,
            long rowsDuplicate,
            long rowsSuppressed,
            Optional<String> failure) {}

    /** What the bronze run did, source by source. */
    public record Result(String batchId, List<SourceResult> sources, Duration elapsed) {
        public boolean failed() {
            return sources.stream().anyMatch(s -> s.failure().isPresent());
        }

        public List<String> failures() {
            return sources.stream().flatMap(s -> s.failure().stream()).toList();
        }
    }

    /** Ingests every source. Contracts are all loaded first, so a broken contract stops the run before any write. */
    public Result run() {
        Instant start = Instant.now();
        Map<String, SourceContract> contracts = new LinkedHashMap<>();
        for (SourceConfig source : config.sources()) {
            SourceContract contract = SourceContract.load(source.contract());
            if (!contract.source().equals(source.name())) {
                throw new C360Exception(source.contract() + ": source: expected '" + source.name()
                        + "' (the name this contract is configured for in " + config.file() + ") but was '"
                        + contract.source() + "'");
            }
            contracts.put(source.name(), contract);
        }
        Map<String, List<IngestLog.Done>> done = log.done();
        String batchId = newBatchId(start);
        Timestamp ingestedAt = Timestamp.from(start);
        // Sources are independent and each writes only its own table here, so a few are ingested at once.
        List<SourceIngest> ingested = Concurrently.map(config.sources(), source -> {
            Instant t0 = Instant.now();
            SourceIngest r = Steps.compute(
                    lake.spark(),
                    "bronze: " + source.name(),
                    () -> ingest(
                            source,
                            contracts.get(source.name()),
                            done.getOrDefault(source.name(), List.of()),
                            batchId,
                            ingestedAt));
            progress.report(describe(r.result()) + " (" + Progress.seconds(Duration.between(t0, Instant.now())) + ")");
            return r;
        });
        Steps.run(lake.spark(), "bronze: " + QUARANTINE, () -> appendQuarantine(ingested));
        Steps.run(
                lake.spark(),
                "bronze: " + IngestLog.TABLE,
                () -> log.append(
                        ingested.stream().flatMap(r -> r.logEntries().stream()).toList()));
        return new Result(
                batchId, ingested.stream().map(SourceIngest::result).toList(), Duration.between(start, Instant.now()));
    }

    /**
     * One source's ingestion: its result, the ingest-log rows of its files and its broken rows (absent
     * when it read no rows), both still to be written.
     */
    private record SourceIngest(
            SourceResult result, List<IngestLog.Entry> logEntries, Optional<Dataset<Row>> quarantined) {}

    /** Every source's broken rows in one commit; the table is created by the first run that read rows, even without broken ones. */
    private void appendQuarantine(List<SourceIngest> ingested) {
        List<Dataset<Row>> broken =
                ingested.stream().flatMap(r -> r.quarantined().stream()).toList();
        boolean anyBroken = ingested.stream().anyMatch(r -> r.result().rowsQuarantined() > 0);
        if (!broken.isEmpty() && (anyBroken || !lake.exists(QUARANTINE))) {
            lake.append(QUARANTINE, broken.stream().reduce(Dataset::unionByName).orElseThrow(), true);
        }
    }

    /** Rows of a file or a source by what became of them; suppressed rows are of erased people, written nowhere. */
    record RowCounts(long read, long valid, long quarantined, long duplicate, long suppressed) {
        static final RowCounts NONE = new RowCounts(0, 0, 0, 0, 0);

        RowCounts plus(RowCounts o) {
            return new RowCounts(
                    read + o.read,
                    valid + o.valid,
                    quarantined + o.quarantined,
                    duplicate + o.duplicate,
                    suppressed + o.suppressed);
        }
    }

    /** What the checked rows of one landed file came to: its row counts and the columns its records delivered. */
    private record FileRows(RowCounts rows, List<String> deliveredColumns) {
        static final FileRows NONE = new FileRows(RowCounts.NONE, List.of());
    }

    /**
     * One source's ingestion: triage of its landed files, then the batch of the new ones: parsed, checked
     * against the contract, flagged (duplicate, suppressed), counted per file, appended to its bronze table.
     *
     * @param done the source's files earlier runs are done with
     */
    private SourceIngest ingest(
            SourceConfig source,
            SourceContract contract,
            List<IngestLog.Done> done,
            String batchId,
            Timestamp ingestedAt) {
        Configuration hadoop = lake.spark().sparkContext().hadoopConfiguration();
        List<LandedFile> landed =
                LandedFile.find(config.sourceGlob(source), !source.format().equals("parquet"), hadoop);
        if (landed.isEmpty()) {
            progress.report("bronze." + source.name() + ": no files match " + config.sourceGlob(source));
        }
        Timestamp now = new Timestamp(System.currentTimeMillis());
        FileTriage triage = FileTriage.of(landed, done, probe(source, now, hadoop));
        List<IngestLog.Entry> entries = new ArrayList<>(loggedUnread(source, triage, batchId, now));
        if (triage.toRead().isEmpty()) {
            return new SourceIngest(
                    result(source, triage, RowCounts.NONE, Optional.empty()), entries, Optional.empty());
        }

        loadSuppression();
        ParsedFiles parsed = parse(source, contract, triage.toRead(), hadoop);
        if (!parsed.problems().isEmpty()) {
            return failed(source, parsed.problems(), triage, entries, batchId, now);
        }
        // Materialized without lineage: the flags read the very tables written below and at the end of
        // the run, and a cached plan would be recomputed after those writes (seeing its own rows as duplicates).
        Dataset<Row> flagged = flagDuplicates(checked(parsed.raw(), contract, source.name()), known(source.name()))
                .localCheckpoint(true);
        Map<String, FileRows> perFile = perFile(flagged);
        // A JSON file's columns are the keys its lines deliver, known only once it has been read.
        List<String> problems = triage.toRead().stream()
                .flatMap(f -> deliveredColumnsProblem(contract, f, perFile, parsed.notes()).stream())
                .toList();
        if (!problems.isEmpty()) {
            return failed(source, problems, triage, entries, batchId, now);
        }
        RowCounts total = RowCounts.NONE;
        for (LandedFile f : triage.toRead()) {
            RowCounts rows = perFile.getOrDefault(f.path(), FileRows.NONE).rows();
            total = total.plus(rows);
            IngestLog.Status status = rows.read() == 0 ? IngestLog.Status.EMPTY : IngestLog.Status.INGESTED;
            String note = parsed.notes().getOrDefault(f.path(), rows.read() == 0 ? "no records" : null);
            entries.add(entry(source, f, triage.contentHashes().get(f.path()), batchId, status, rows, note, now));
        }
        Dataset<Row> fresh = flagged.filter(not(col(DUPLICATE)).and(not(col(SUPPRESSED))));
        lake.append(
                TableName.bronze(source.name()),
                bronzeRows(fresh.filter(col(VALID)), contract, source.system(), batchId, ingestedAt),
                true);
        return new SourceIngest(
                result(source, triage, total, Optional.empty()),
                entries,
                Optional.of(quarantineRows(fresh.filter(not(col(VALID))), source, batchId, ingestedAt)));
    }

    /** Ingest-log rows of the files triage logged without reading them (waiting, empty, same content). */
    private static List<IngestLog.Entry> loggedUnread(
            SourceConfig source, FileTriage triage, String batchId, Timestamp now) {
        return triage.logged().stream()
                .map(l -> entry(
                        source,
                        l.file(),
                        l.contentHash().orElse(null),
                        batchId,
                        l.status(),
                        RowCounts.NONE,
                        l.message(),
                        now))
                .toList();
    }

    /** Whether a landed file of the source is ready to read (settle time, completion marker) and its content hash. */
    private static FileTriage.Probe probe(SourceConfig source, Timestamp now, Configuration hadoop) {
        return new FileTriage.Probe() {
            @Override
            public Optional<String> notReady(LandedFile file) {
                return file.notReady(source.readiness(), now.getTime(), hadoop);
            }

            @Override
            public String contentHash(LandedFile file) {
                return file.contentHash(hadoop);
            }
        };
    }

    /** Raw records checked against the contract: violations, row hash, valid, and whether an erased person's. */
    private Dataset<Row> checked(Dataset<Row> raw, SourceContract contract, String source) {
        return ContractRules.apply(raw, contract)
                .withColumn(Lineage.ROW_HASH, sha2(col(RawRecords.RECORD), 256))
                .withColumn(VALID, size(col(ContractRules.VIOLATIONS)).equalTo(0))
                .withColumn(SUPPRESSED, suppressed(source, contract));
    }

    /** Each read file's row counts and delivered columns, by path; a file with no record has none. */
    private static Map<String, FileRows> perFile(Dataset<Row> flagged) {
        Column kept = not(col(SUPPRESSED));
        Column fresh = not(col(DUPLICATE));
        Map<String, FileRows> perFile = new HashMap<>();
        for (Row r : flagged.groupBy(Lineage.SOURCE_FILE)
                .agg(
                        count(lit(1)).as("read"),
                        sum(when(kept.and(col(VALID)).and(fresh), 1).otherwise(0))
                                .as("valid"),
                        sum(when(kept.and(not(col(VALID))).and(fresh), 1).otherwise(0))
                                .as("quarantined"),
                        sum(when(kept.and(col(DUPLICATE)), 1).otherwise(0)).as("duplicate"),
                        sum(when(col(SUPPRESSED), 1).otherwise(0)).as("suppressed"),
                        array_sort(array_distinct(flatten(collect_set(col(RawRecords.DELIVERED_KEYS)))))
                                .as("delivered"))
                .collectAsList()) {
            RowCounts rows = new RowCounts(
                    r.<Long>getAs("read"),
                    r.<Long>getAs("valid"),
                    r.<Long>getAs("quarantined"),
                    r.<Long>getAs("duplicate"),
                    r.<Long>getAs("suppressed"));
            perFile.put(r.getAs(Lineage.SOURCE_FILE), new FileRows(rows, r.getList(r.fieldIndex("delivered"))));
        }
        return perFile;
    }

    /** The columns a read file's records delivered, checked against the contract (JSON: the keys of its lines). */
    private static Optional<String> deliveredColumnsProblem(
            SourceContract contract, LandedFile f, Map<String, FileRows> perFile, Map<String, String> notes) {
        List<String> delivered = perFile.getOrDefault(f.path(), FileRows.NONE).deliveredColumns();
        return delivered.isEmpty() ? Optional.empty() : checkColumns(contract, f, delivered, notes);
    }

    private SourceResult result(SourceConfig source, FileTriage triage, RowCounts rows, Optional<String> failure) {
        return new SourceResult(
                source.name(),
                triage.newFiles(),
                triage.alreadyIngested(),
                triage.waiting(),
                rows.valid(),
                rows.quarantined(),
                rows.duplicate(),
                rows.suppressed(),
                failure);
    }

    /** A source that fails as a whole: none of its files is ingested, and each is logged with why. */
    private SourceIngest failed(
            SourceConfig source,
            List<String> problems,
            FileTriage triage,
            List<IngestLog.Entry> entries,
            String batchId,
            Timestamp now) {
        String failure = "source " + source.name() + " failed, nothing of it ingested: " + String.join("; ", problems)
                + " (contract " + source.contract().getFileName() + ")";
        for (LandedFile f : triage.toRead()) {
            entries.add(entry(
                    source,
                    f,
                    triage.contentHashes().get(f.path()),
                    batchId,
                    IngestLog.Status.FAILED,
                    RowCounts.NONE,
                    failure,
                    now));
        }
        return new SourceIngest(
                result(source, triage, RowCounts.NONE, Optional.of(failure)), entries, Optional.empty());
    }

    /** Reads the suppression list once, for the first source with files to read (sources run side by side). */
    private synchronized void loadSuppression() {
        if (suppression == null) {
            suppression = Suppression.load(lake).filter(s -> !s.isEmpty());
            identifiers = suppression.isPresent() ? Identifiers.forConfig(config) : null;
        }
    }

    /**
     * Whether a checked row belongs to an erased person ({@code ops.suppression_list}): one of its
     * e-mail or phone columns (contract {@code pii: email | phone}), standardized as silver does, or
     * its record id ({@code source:key}) is suppressed. A broken row may not have parsed into columns,
     * so its raw line is searched too: for anything shaped like an e-mail address or phone number, and
     * for tokens that are a suppressed record id. Suppressed rows go neither to bronze nor to quarantine.
     */
    private Column suppressed(String source, SourceContract contract) {
        if (suppression.isEmpty()) {
            return lit(false);
        }
        Suppression s = suppression.get();
        Column recordId = contract.key().size() == 1
                ? col(contract.key().get(0)).cast("string")
                : concat_ws(
                        "|",
                        contract.key().stream().map(k -> col(k).cast("string")).toArray(Column[]::new));
        Column hit = s.contains(Suppression.Kind.record, concat(lit(source + ":"), recordId));
        for (SourceContract.Column c : contract.columns()) {
            String pii = c.pii().orElse("");
            if (pii.equals("email") && c.type().kind() == ColumnType.Kind.STRING) {
                hit = hit.or(s.contains(Suppression.Kind.email, identifiers.email(col(c.name()))));
            } else if (pii.equals("phone") && c.type().kind() == ColumnType.Kind.STRING) {
                hit = hit.or(s.contains(Suppression.Kind.phone, identifiers.phone(col(c.name()))));
            }
        }
        Column raw = col(RawRecords.RECORD);
        Column inRawLine = exists(
                        regexp_extract_all(raw, lit(Identifiers.EMAIL_IN_TEXT), lit(0)),
                        e -> s.contains(Suppression.Kind.email, identifiers.email(e)))
                .or(exists(
                        regexp_extract_all(raw, lit(Identifiers.PHONE_IN_TEXT), lit(0)),
                        p -> s.contains(Suppression.Kind.phone, identifiers.phone(p))))
                .or(exists(
                        split(raw, "[^A-Za-z0-9_.:-]+"),
                        t -> s.contains(Suppression.Kind.record, concat(lit(source + ":"), t))));
        return coalesce(hit, lit(false)).or(not(col(VALID)).and(coalesce(inRawLine, lit(false))));
    }

    /**
     * Raw records of the files to read, or the problems that fail the source before any is read (a CSV
     * header missing a required column, ...); a JSON file's keys are checked once its lines are read.
     */
    private record ParsedFiles(Dataset<Row> raw, List<String> problems, Map<String, String> notes) {}

    private ParsedFiles parse(
            SourceConfig source, SourceContract contract, List<LandedFile> files, Configuration hadoop) {
        List<String> problems = new ArrayList<>();
        Map<String, String> notes = new HashMap<>();
        for (LandedFile f : files) {
            if (f.isZip()) {
                int inside = f.zipFiles(hadoop);
                if (inside != 1) {
                    problems.add(f.name() + ": a zip extract must hold one file but holds " + inside);
                }
            }
        }
        if (!problems.isEmpty()) {
            return new ParsedFiles(RawRecords.none(lake.spark(), contract), problems, notes);
        }
        Dataset<Row> raw;
        switch (source.format()) {
            case "csv" -> {
                List<RawRecords.FilePlan> plans = new ArrayList<>();
                for (LandedFile f : files) {
                    List<String> header =
                            source.read().header() ? f.csvHeader(source.read(), hadoop) : contract.columnNames();
                    if (header.isEmpty() || header.stream().allMatch(String::isEmpty)) {
                        continue;
                    }
                    Optional<String> problem = checkColumns(contract, f, header, notes);
                    if (problem.isPresent()) {
                        problems.add(problem.get());
                        continue;
                    }
                    plans.add(RawRecords.FilePlan.csv(f, source.read(), contract, header));
                }
                raw = plans.isEmpty()
                        ? RawRecords.none(lake.spark(), contract)
                        : RawRecords.text(lake.spark(), plans, contract);
            }
            case "json" ->
                raw = RawRecords.text(
                        lake.spark(),
                        files.stream()
                                .map(f -> RawRecords.FilePlan.json(f, source.read(), contract))
                                .toList(),
                        contract);
            default -> raw = RawRecords.parquet(lake.spark(), files, contract);
        }
        return new ParsedFiles(raw, problems, notes);
    }

    /** The columns a file delivers against its contract: a missing required column fails the source. */
    static Optional<String> checkColumns(
            SourceContract contract, LandedFile f, List<String> delivered, Map<String, String> notes) {
        List<String> missing = contract.requiredColumns().stream()
                .filter(c -> RawRecords.indexIgnoreCase(delivered, c) < 0)
                .toList();
        if (!missing.isEmpty()) {
            return Optional.of(f.name() + ": missing required column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList()));
        }
        Set<String> distinct = new HashSet<>();
        for (String d : delivered) {
            if (!distinct.add(d.toLowerCase(Locale.ROOT))) {
                return Optional.of(f.name() + ": column '" + d + "' appears twice in the header");
            }
        }
        List<String> unexpected = delivered.stream()
                .filter(d -> RawRecords.indexIgnoreCase(contract.columnNames(), d) < 0)
                .toList();
        if (!unexpected.isEmpty()) {
            switch (contract.unexpectedColumns()) {
                case FAIL -> {
                    return Optional.of(f.name() + ": columns not in the contract: " + String.join(", ", unexpected)
                            + " (unexpected_columns: fail)");
                }
                case IGNORE ->
                    notes.put(f.path(), "ignored columns not in the contract: " + String.join(", ", unexpected));
                case RESCUE ->
                    notes.put(
                            f.path(), "kept columns not in the contract in _rescued: " + String.join(", ", unexpected));
            }
        }
        return Optional.empty();
    }

    /**
     * The row hashes already delivered into the source's destinations ({@code _known_hash}, and
     * {@code _known_valid}: bronze for valid rows, quarantine for broken ones); empty before any.
     */
    private Optional<Dataset<Row>> known(String source) {
        TableName table = TableName.bronze(source);
        Optional<Dataset<Row>> inBronze = lake.exists(table)
                ? Optional.of(lake.read(table)
                        .select(
                                col(Lineage.ROW_HASH).as("_known_hash"),
                                lit(true).as("_known_valid")))
                : Optional.empty();
        Optional<Dataset<Row>> inQuarantine = lake.exists(QUARANTINE)
                ? Optional.of(lake.read(QUARANTINE)
                        .filter(col("source").equalTo(source))
                        .select(col("row_hash").as("_known_hash"), lit(false).as("_known_valid")))
                : Optional.empty();
        return Stream.concat(inBronze.stream(), inQuarantine.stream()).reduce(Dataset::unionByName);
    }

    /**
     * Marks rows whose exact bytes were already delivered: earlier in this batch, or in an earlier
     * batch into the same destination ({@code known}, see {@link #known}).
     */
    static Dataset<Row> flagDuplicates(Dataset<Row> checked, Optional<Dataset<Row>> known) {
        Column repeatInBatch = row_number()
                .over(Window.partitionBy(Lineage.ROW_HASH, VALID).orderBy(Lineage.SOURCE_FILE, Lineage.SOURCE_ROW))
                .gt(1);
        Dataset<Row> withRepeat = checked.withColumn("_repeat", repeatInBatch);
        if (known.isEmpty()) {
            return withRepeat.withColumn(DUPLICATE, col("_repeat")).drop("_repeat");
        }
        Dataset<Row> k = known.get().distinct();
        return withRepeat
                .join(
                        k,
                        withRepeat
                                .col(Lineage.ROW_HASH)
                                .equalTo(k.col("_known_hash"))
                                .and(withRepeat.col(VALID).equalTo(k.col("_known_valid"))),
                        "left")
                .withColumn(DUPLICATE, col("_repeat").or(col("_known_hash").isNotNull()))
                .drop("_repeat", "_known_hash", "_known_valid");
    }

    private static Dataset<Row> bronzeRows(
            Dataset<Row> valid, SourceContract contract, String system, String batchId, Timestamp at) {
        List<Column> cols = new ArrayList<>();
        contract.columnNames().forEach(c -> cols.add(col(c)));
        cols.add(col(Lineage.RESCUED));
        cols.add(lit(system).as(Lineage.SOURCE_SYSTEM));
        cols.add(col(Lineage.SOURCE_FILE));
        cols.add(col(Lineage.SOURCE_ROW));
        cols.add(lit(batchId).as(Lineage.BATCH_ID));
        cols.add(lit(at).as(Lineage.INGESTED_AT));
        cols.add(col(Lineage.ROW_HASH));
        return valid.select(cols.toArray(Column[]::new));
    }

    private static Dataset<Row> quarantineRows(Dataset<Row> broken, SourceConfig source, String batchId, Timestamp at) {
        Column violations = col(ContractRules.VIOLATIONS);
        Column first = element_at(violations, 1);
        Column reason = concat_ws(
                "; ",
                transform(
                        violations,
                        v -> concat(coalesce(v.getField("column"), lit("record")), lit(": "), v.getField("message"))));
        return broken.select(
                lit(source.name()).as("source"),
                lit(source.system()).as("source_system"),
                col(Lineage.SOURCE_FILE).as("source_file"),
                col(Lineage.SOURCE_ROW).as("source_row"),
                lit(batchId).as("batch_id"),
                lit(at).as("ingested_at"),
                first.getField("rule").as("rule"),
                first.getField("column").as("column"),
                reason.as("reason"),
                violations.as("violations"),
                col(RawRecords.RECORD).as("record"),
                col(Lineage.ROW_HASH).as("row_hash"));
    }

    private static IngestLog.Entry entry(
            SourceConfig s,
            LandedFile f,
            String sha,
            String batchId,
            IngestLog.Status status,
            RowCounts rows,
            String message,
            Timestamp at) {
        return new IngestLog.Entry(
                s.name(),
                f,
                sha,
                batchId,
                status,
                rows.read(),
                rows.valid(),
                rows.quarantined(),
                rows.duplicate(),
                rows.suppressed(),
                message,
                at);
    }

    static String newBatchId(Instant at) {
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                        .withZone(ZoneOffset.UTC)
                        .format(at) + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    static String describe(SourceResult r) {
        String head = "bronze." + r.source() + ": ";
        if (r.failure().isPresent()) {
            return head + "FAILED: " + r.failure().get();
        }
        String waiting = r.waitingFiles() > 0 ? ", " + r.waitingFiles() + " not ready yet (left for the next run)" : "";
        if (r.newFiles() == 0) {
            return head + "no new files (" + r.skippedFiles() + " already ingested" + waiting + ")";
        }
        return head + r.newFiles() + " new file(s), " + r.skippedFiles() + " already ingested" + waiting + " -> "
                + r.rowsValid() + " rows appended, " + r.rowsQuarantined() + " quarantined, "
                + r.rowsDuplicate() + " duplicate rows skipped"
                + (r.rowsSuppressed() > 0 ? ", " + r.rowsSuppressed() + " rows of erased people suppressed" : "");
    }
}
