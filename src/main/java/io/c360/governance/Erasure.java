package io.c360.governance;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.c360.C360Exception;
import io.c360.Concurrently;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.LakeLock;
import io.c360.lake.TableName;
import io.c360.silver.SilverJob;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>find the person ({@link SubjectSearch#resolve}); an unknown customer id stops here, nothing changed;</li>
 *   <li>add keyed hashes of their identifiers to {@code ops.suppression_list}, first, so that a crash
 *       later cannot let a re-delivery bring them back ({@link Suppression});</li>
 *   <li>delete their rows from every Delta table under the lake root (bronze, quarantine, silver,
 *       gold, the gold staging copies, ops) with Delta DELETE, conditions written as functions so the
 *       table history records no identifier; {@code silver.blocking_report} only loses the example
 *       key naming them;</li>
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
 * run refuses while it erases.
 */
public final class Erasure {
  public static final TableName AUDIT = TableName.ops("erasure_audit");
  private static final DateTimeFormatter REQUEST_ID = DateTimeFormatter.ofPattern("'erasure-'uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

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
      String requestId, String status, int customers, int records, Map<String, Long> rowsRemoved,
      int suppressedIdentifiers, ExportFilesErased exports, long filesVacuumed, long logEntriesRemoved, Duration elapsed) {
    public long totalRowsRemoved() {
      return rowsRemoved.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** What erasure did to the activation files of {@code ops.exports}: rewritten without the subject, deleted, not found. */
  public record ExportFilesErased(int rewritten, int deleted, long rowsRemoved, int missing) {
    static final ExportFilesErased NONE = new ExportFilesErased(0, 0, 0, 0);
  }

  public Result erase(ErasureRequest request, double retentionHours) {
    if (retentionHours < 0) {
      throw new C360Exception("--retention-hours: expected 0 or more but was " + retentionHours);
    }
    Instant start = Instant.now();
    String requestId = REQUEST_ID.format(start) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    try (LakeLock lock = LakeLock.acquire(lake.root(), lake.spark().sparkContext().hadoopConfiguration(), requestId)) {
      return eraseLocked(request, retentionHours, start, requestId);
    }
  }

  private Result eraseLocked(ErasureRequest request, double retentionHours, Instant start, String requestId) {
    SubjectSearch search = new SubjectSearch(lake, config);
    Subject subject = search.resolve(request);
    progress.report(requestId + ": subject found: " + subject.customerIds().size() + " customer(s), "
        + subject.recordKeys().size() + " record(s)");

    String step = "suppression";
    Map<String, Long> removed = new LinkedHashMap<>();
    int suppressed = 0;
    ExportFilesErased exports = ExportFilesErased.NONE;
    long filesVacuumed = 0;
    long logEntries = 0;
    try {
      Map<Suppression.Kind, Set<String>> identifiers = new EnumMap<>(Suppression.Kind.class);
      identifiers.put(Suppression.Kind.email, subject.emails());
      identifiers.put(Suppression.Kind.phone, subject.phones());
      identifiers.put(Suppression.Kind.record, subject.recordKeys());
      suppressed = (int) Suppression.forErasure(lake).add(lake, requestId, Timestamp.from(start), identifiers);

      step = "delete";
      List<Lake.StoredTable> tables = lake.allTables().stream()
          .filter(t -> !t.label().equals(AUDIT.toString()) && !t.label().equals(Suppression.TABLE.toString()))
          .toList();
      List<Long> deleted = Concurrently.map(tables, t -> {
        Instant t0 = Instant.now();
        long n = eraseFrom(t, search, subject);
        progress.report(requestId + ": " + t.label() + ": " + n + " row(s) deleted ("
            + Progress.seconds(Duration.between(t0, Instant.now())) + ")");
        return n;
      });
      for (int i = 0; i < tables.size(); i++) {
        if (deleted.get(i) > 0) {
          removed.put(tables.get(i).label(), deleted.get(i));
        }
      }

      step = "exports";
      exports = ExportFiles.erase(lake, subject);

      step = "purge";
      boolean dropHistory = retentionHours == 0;
      Map<String, String> labels = new LinkedHashMap<>();
      lake.allTables().forEach(t -> labels.put(t.location(), t.label()));
      List<Lake.PurgeResult> purged = lake.purge(List.copyOf(labels.keySet()), retentionHours, dropHistory,
          (location, p) -> progress.report(requestId + ": " + labels.get(location) + ": vacuumed "
              + p.filesRemoved() + " file(s)" + (p.deletionVectorsPurged() ? " after purging deletion vectors" : "")));
      for (Lake.PurgeResult p : purged) {
        filesVacuumed += p.filesRemoved();
        logEntries += p.logEntriesRemoved();
      }
      progress.report(requestId + ": vacuumed " + filesVacuumed + " file(s)"
          + (dropHistory ? ", dropped " + logEntries + " log entr(ies) before the new checkpoints" : ""));
      step = "audit";
      String status = dropHistory ? "completed" : "purge_pending";
      audit(requestId, start, request, subject, removed, suppressed, exports, retentionHours, filesVacuumed, logEntries, status);
      return new Result(requestId, status, subject.customerIds().size(), subject.recordKeys().size(), removed, suppressed,
          exports, filesVacuumed, logEntries, Duration.between(start, Instant.now()));
    } catch (RuntimeException e) {
      try {
        audit(requestId, start, request, subject, removed, suppressed, exports, retentionHours, filesVacuumed, logEntries,
            "failed at " + step);
      } catch (RuntimeException auditFailure) {
        e.addSuppressed(auditFailure);
      }
      throw e;
    }
  }

  /** Deletes the subject's rows from one table; returns how many. */
  private long eraseFrom(Lake.StoredTable t, SubjectSearch search, Subject subject) {
    Dataset<Row> rows = lake.readLocation(t.location());
    if (t.label().equals(SilverJob.BLOCKING_REPORT.toString()) && java.util.Arrays.asList(rows.columns()).contains("largest_skipped_key")) {
      // The report names the largest blocking key it skipped: only that example goes, not the rule's row.
      Column names = subject.needles().foundIn(col("largest_skipped_key"));
      if (!rows.filter(names).isEmpty()) {
        lake.update(t.location(), names, Map.of("largest_skipped_key", lit(null).cast(DataTypes.StringType)));
        rows = lake.readLocation(t.location());
      }
    }
    Column condition = search.rowsOf(t, rows.schema(), subject);
    long n = rows.filter(condition).count();
    if (n > 0) {
      lake.delete(t.location(), condition);
    }
    return n;
  }

  private void audit(String requestId, Instant start, ErasureRequest request, Subject subject, Map<String, Long> removed,
      int suppressed, ExportFilesErased exports, double retentionHours, long filesVacuumed, long logEntries, String status) {
    Row row = RowFactory.create(requestId, Timestamp.from(start), Timestamp.from(Instant.now()), request.kind().name(),
        subject.customerIds().size(), subject.recordKeys().size(), new LinkedHashMap<>(removed),
        suppressed, exports.rewritten(), exports.deleted(), exports.rowsRemoved(), retentionHours, filesVacuumed, logEntries,
        System.getenv("USER"), status);
    lake.append(AUDIT, lake.spark().createDataFrame(List.of(row), AUDIT_SCHEMA).coalesce(1));
  }
}
