package io.c360.governance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.c360.C360Exception;
import io.c360.Concurrently;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.gold.GoldDefinitions;
import io.c360.gold.Households;
import io.c360.lake.Lake;
import io.c360.lake.LakeLock;
import io.c360.lake.Suppression;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * GDPR erasure (right to be forgotten) of one person, across every layer of the lake:
 *
 * <ol>
 *   <li>find the person ({@link SubjectSearch#resolve}); an unknown customer id, or an e-mail or phone
 *       on the records of several customers (unless the request takes all of them), stops here,
 *       nothing changed;</li>
 *   <li>count their rows in every table and their lines in activation files; an identifier found
 *       nowhere stops here, nothing changed (suppressing it would only risk dropping a stranger's
 *       records later, e.g. of a mistyped address, while erasing nobody);</li>
 *   <li>add keyed hashes of their identifiers to {@code ops.suppression_list}, first, so that a crash
 *       later cannot let a re-delivery bring them back ({@link Suppression});</li>
 *   <li>delete their rows from every Delta table under the lake root (bronze, quarantine, silver,
 *       gold, the gold staging copies, ops) with Delta DELETE, conditions written as functions so the
 *       table history records no identifier; {@code silver.blocking_report} only loses the example
 *       key naming them;</li>
 *   <li>take them out of their households: the gold tables keyed by household ({@code gold.household}) are
 *       recomputed for the subject's households from what is left ({@link Households#afterErasure}), so a
 *       household loses them and one they were alone in goes;</li>
 *   <li>rewrite the activation files listed in {@code ops.exports} without their rows;</li>
 *   <li>purge: VACUUM every table with the given retention (0 by default) and, at 0, drop the
 *       transaction log before a fresh checkpoint, so no reachable version, no change-data file and
 *       no log statistic holds them (time travel to earlier versions fails from then on);</li>
 *   <li>append an audit row to {@code ops.erasure_audit}: request id, times, kind of identifier,
 *       counts per table, files vacuumed, operator ({@code $USER}), status. No personal data.</li>
 * </ol>
 *
 * It holds the lake lock ({@link LakeLock}) throughout: VACUUM at 0 hours would remove the files
 * of a write that is not committed yet, so it refuses while a pipeline run writes the lake, and a
 * run refuses while it erases. {@link #dryRun} takes the first two steps only.
 */
public final class Erasure {
    public static final TableName AUDIT = TableName.ops("erasure_audit");
    /** The column of {@code silver.blocking_report} naming the largest blocking key a rule skipped: an example, maybe of the subject. */
    private static final String SKIPPED_KEY = "largest_skipped_key";

    private static final DateTimeFormatter REQUEST_ID =
            DateTimeFormatter.ofPattern("'erasure-'uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    static final StructType AUDIT_SCHEMA = new StructType()
            .add("request_id", DataTypes.StringType, false)
            .add("requested_at", DataTypes.TimestampType, false)
            .add("completed_at", DataTypes.TimestampType, false)
            .add("identifier_kind", DataTypes.StringType, false)
            .add("customers", DataTypes.IntegerType, false)
            .add("records", DataTypes.IntegerType, false)
            .add("rows_removed", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false)
            .add("suppressed_identifiers", DataTypes.IntegerType, false)
            .add("export_files_rewritten", DataTypes.IntegerType, false)
            .add("export_files_deleted", DataTypes.IntegerType, false)
            .add("export_rows_removed", DataTypes.LongType, false)
            .add("retention_hours", DataTypes.DoubleType, false)
            .add("files_vacuumed", DataTypes.LongType, false)
            .add("log_entries_removed", DataTypes.LongType, false)
            .add("operator", DataTypes.StringType, true)
            .add("status", DataTypes.StringType, false);

    private final Lake lake;
    private final C360Config config;
    private final Progress progress;

    public Erasure(Lake lake, C360Config config, Progress progress) {
        this.lake = lake;
        this.config = config;
        this.progress = progress;
    }

    /**
     * What an erasure did. {@code status}: {@code completed}; {@code purge_pending} when a retention
     * above 0 left older versions (holding the person) readable until they age out and VACUUM runs
     * again; {@code failed at <step>} (then the exception is thrown after the audit row is written).
     */
    public record Result(
            String requestId,
            String status,
            int customers,
            int records,
            Map<String, Long> rowsRemoved,
            int suppressedIdentifiers,
            ExportFilesErased exports,
            long filesVacuumed,
            long logEntriesRemoved,
            Duration elapsed) {
        public long totalRowsRemoved() {
            return rowsRemoved.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** What erasure did to the activation files of {@code ops.exports}: rewritten without the subject, deleted, not found. */
    public record ExportFilesErased(int rewritten, int deleted, long rowsRemoved, int missing) {
        static final ExportFilesErased NONE = new ExportFilesErased(0, 0, 0, 0);
    }

    /**
     * What an erasure would do ({@link #dryRun}): the customers it would take (id, records, sources), the rows it
     * would delete per table, the example keys of {@code silver.blocking_report} it would clear, the activation
     * files it would rewrite or delete, the hashes per kind of identifier it would add to the suppression list
     * (those already there are not added again), and how many tables it would then vacuum.
     */
    public record Plan(
            List<Subject.Customer> customers,
            int records,
            Map<String, Long> rowsToDelete,
            long blockingKeysToClear,
            ExportFilesErased exports,
            Map<Suppression.Kind, Long> identifiersToSuppress,
            int tablesToVacuum,
            double retentionHours) {}

    public Result erase(ErasureRequest request, double retentionHours) {
        requireRetention(retentionHours);
        Instant start = Instant.now();
        String requestId = REQUEST_ID.format(start) + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
        try (LakeLock lock =
                LakeLock.acquire(lake.root(), lake.spark().sparkContext().hadoopConfiguration(), requestId)) {
            return eraseLocked(request, retentionHours, start, requestId);
        }
    }

    /**
     * What {@link #erase} would do, refusing exactly as it would, and changing nothing: no lock, no salt, no
     * suppression row, no delete, no vacuum. Nor an audit row: {@code ops.erasure_audit} records erasures that
     * happened, and a rehearsal there would be counted as one by whoever reads it; the plan is printed instead.
     */
    public Plan dryRun(ErasureRequest request, double retentionHours) {
        requireRetention(retentionHours);
        SubjectSearch search = new SubjectSearch(lake, config);
        Subject subject = search.resolve(request);
        Reach reach = reach(search, subject);
        Map<String, Long> rows = new LinkedHashMap<>();
        reach.tables().stream()
                .filter(t -> t.rows() > 0)
                .forEach(t -> rows.put(t.table().label(), t.rows()));
        return new Plan(
                search.customers(subject.customerIds()),
                subject.recordKeys().size(),
                rows,
                reach.tables().stream().mapToLong(TableReach::keysCleared).sum(),
                reach.exports(),
                Suppression.wouldAdd(lake, identifiers(subject)),
                lake.allTables().size(),
                retentionHours);
    }

    private static void requireRetention(double retentionHours) {
        if (retentionHours < 0) {
            throw new C360Exception("--retention-hours: expected 0 or more but was " + retentionHours);
        }
    }

    /** The subject's rows in one table, counted before anything changes: rows to delete, example keys to clear. */
    private record TableReach(Lake.StoredTable table, long rows, long keysCleared) {}

    /** Where the subject is: every table and the activation files. */
    private record Reach(List<TableReach> tables, ExportFilesErased exports) {}

    /** Counts the subject's rows everywhere; an identifier found nowhere is refused here, before anything is written. */
    private Reach reach(SubjectSearch search, Subject subject) {
        List<Lake.StoredTable> tables = lake.allTables().stream()
                .filter(t -> !t.label().equals(AUDIT.toString()) && !t.label().equals(Suppression.TABLE.toString()))
                .toList();
        List<TableReach> counted = Concurrently.map(tables, t -> count(t, search, subject));
        ExportFilesErased exports = ExportFiles.preview(lake, subject);
        boolean found = !subject.isEmpty()
                || exports.rowsRemoved() > 0
                || exports.deleted() > 0
                || counted.stream().anyMatch(t -> t.rows() > 0 || t.keysCleared() > 0);
        if (!found) {
            throw new C360Exception("no customer or record matches the given "
                    + subject.request().kind().noun() + "; nothing erased");
        }
        return new Reach(counted, exports);
    }

    private TableReach count(Lake.StoredTable t, SubjectSearch search, Subject subject) {
        Dataset<Row> rows = lake.readLocation(t.location());
        long keysCleared = 0;
        if (isBlockingReport(t, rows)) {
            Column names = subject.needles().foundIn(col(SKIPPED_KEY));
            keysCleared = rows.filter(names).count();
            // Counted as erasure leaves it: the example key cleared first, so a rule's row naming them only there
            // stays.
            rows = rows.withColumn(
                    SKIPPED_KEY,
                    when(names, lit(null).cast(DataTypes.StringType)).otherwise(col(SKIPPED_KEY)));
        }
        return new TableReach(
                t, rows.filter(search.rowsOf(t, rows.schema(), subject)).count(), keysCleared);
    }

    private static boolean isBlockingReport(Lake.StoredTable t, Dataset<Row> rows) {
        return t.label().equals(TableCatalog.BLOCKING_REPORT.toString())
                && Arrays.asList(rows.columns()).contains(SKIPPED_KEY);
    }

    /** The identifiers an erasure suppresses: the subject's e-mails, phones and records. */
    private static Map<Suppression.Kind, Set<String>> identifiers(Subject subject) {
        Map<Suppression.Kind, Set<String>> identifiers = new EnumMap<>(Suppression.Kind.class);
        identifiers.put(Suppression.Kind.email, subject.emails());
        identifiers.put(Suppression.Kind.phone, subject.phones());
        identifiers.put(Suppression.Kind.record, subject.recordKeys());
        return identifiers;
    }

    private Result eraseLocked(ErasureRequest request, double retentionHours, Instant start, String requestId) {
        SubjectSearch search = new SubjectSearch(lake, config);
        Subject subject = search.resolve(request);
        Reach reach = reach(search, subject);
        progress.report(requestId + ": subject found: " + subject.customerIds().size() + " customer(s), "
                + subject.recordKeys().size() + " record(s)");

        String step = "suppression";
        Map<String, Long> removed = new LinkedHashMap<>();
        int suppressed = 0;
        ExportFilesErased exports = ExportFilesErased.NONE;
        long filesVacuumed = 0;
        long logEntries = 0;
        try {
            suppressed = (int)
                    Suppression.forErasure(lake).add(lake, requestId, Timestamp.from(start), identifiers(subject));

            // Read before the delete takes the subject's memberships away.
            Optional<GoldDefinitions> gold = config.definitions().gold().map(GoldDefinitions::load);
            List<String> households = gold.map(g -> Households.ofCustomers(lake, g, subject.customerIds()))
                    .orElse(List.of());

            step = "delete";
            List<TableReach> touched = reach.tables().stream()
                    .filter(t -> t.rows() > 0 || t.keysCleared() > 0)
                    .toList();
            Concurrently.map(touched, t -> {
                Instant t0 = Instant.now();
                eraseFrom(t, search, subject);
                progress.report(requestId + ": " + t.table().label() + ": " + t.rows() + " row(s) deleted ("
                        + Progress.seconds(Duration.between(t0, Instant.now())) + ")");
                return t;
            });
            touched.stream()
                    .filter(t -> t.rows() > 0)
                    .forEach(t -> removed.put(t.table().label(), t.rows()));

            step = "households";
            if (!households.isEmpty()) {
                Households.afterErasure(lake, config, gold.orElseThrow(), households)
                        .forEach((table, rows) -> progress.report(requestId + ": " + table + ": " + rows
                                + " row(s) recomputed for the subject's " + households.size()
                                + " household(s) without them"));
            }

            step = "exports";
            exports = ExportFiles.erase(lake, subject);

            step = "purge";
            boolean dropHistory = retentionHours == 0;
            Map<String, String> labels = new LinkedHashMap<>();
            lake.allTables().forEach(t -> labels.put(t.location(), t.label()));
            List<Lake.PurgeResult> purged = lake.purge(
                    List.copyOf(labels.keySet()),
                    retentionHours,
                    dropHistory,
                    (location, p) -> progress.report(
                            requestId + ": " + labels.get(location) + ": vacuumed " + p.filesRemoved() + " file(s)"
                                    + (p.deletionVectorsPurged() ? " after purging deletion vectors" : "")));
            for (Lake.PurgeResult p : purged) {
                filesVacuumed += p.filesRemoved();
                logEntries += p.logEntriesRemoved();
            }
            progress.report(requestId + ": vacuumed " + filesVacuumed + " file(s)"
                    + (dropHistory ? ", dropped " + logEntries + " log entr(ies) before the new checkpoints" : ""));
            step = "audit";
            String status = dropHistory ? "completed" : "purge_pending";
            audit(
                    requestId,
                    start,
                    request,
                    subject,
                    removed,
                    suppressed,
                    exports,
                    retentionHours,
                    filesVacuumed,
                    logEntries,
                    status);
            return new Result(
                    requestId,
                    status,
                    subject.customerIds().size(),
                    subject.recordKeys().size(),
                    removed,
                    suppressed,
                    exports,
                    filesVacuumed,
                    logEntries,
                    Duration.between(start, Instant.now()));
        } catch (RuntimeException e) {
            try {
                audit(
                        requestId,
                        start,
                        request,
                        subject,
                        removed,
                        suppressed,
                        exports,
                        retentionHours,
                        filesVacuumed,
                        logEntries,
                        "failed at " + step);
            } catch (RuntimeException auditFailure) {
                e.addSuppressed(auditFailure);
            }
            throw e;
        }
    }

    /** Deletes the subject's rows counted in one table (clearing the blocking report's example key first). */
    private void eraseFrom(TableReach counted, SubjectSearch search, Subject subject) {
        Lake.StoredTable t = counted.table();
        if (counted.keysCleared() > 0) {
            lake.update(
                    t.location(),
                    subject.needles().foundIn(col(SKIPPED_KEY)),
                    Map.of(SKIPPED_KEY, lit(null).cast(DataTypes.StringType)));
        }
        if (counted.rows() > 0) {
            lake.delete(
                    t.location(),
                    search.rowsOf(t, lake.readLocation(t.location()).schema(), subject));
        }
    }

    private void audit(
            String requestId,
            Instant start,
            ErasureRequest request,
            Subject subject,
            Map<String, Long> removed,
            int suppressed,
            ExportFilesErased exports,
            double retentionHours,
            long filesVacuumed,
            long logEntries,
            String status) {
        Row row = RowFactory.create(
                requestId,
                Timestamp.from(start),
                Timestamp.from(Instant.now()),
                request.kind().name(),
                subject.customerIds().size(),
                subject.recordKeys().size(),
                new LinkedHashMap<>(removed),
                suppressed,
                exports.rewritten(),
                exports.deleted(),
                exports.rowsRemoved(),
                retentionHours,
                filesVacuumed,
                logEntries,
                System.getenv("USER"),
                status);
        lake.append(
                AUDIT, lake.spark().createDataFrame(List.of(row), AUDIT_SCHEMA).coalesce(1));
    }
}
