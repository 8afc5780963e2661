package io.c360.bronze;

import static org.apache.spark.sql.functions.col;

import io.c360.lake.Lake;
import io.c360.lake.TableName;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bronze._ingest_log}: one row per landed file per attempt. It is what makes re-runs
 * idempotent: a file already ingested (same path, size and time, or the same bytes under another
 * name) is not read again; a failed file is tried again on the next run.
 */
public final class IngestLog {
    public static final TableName TABLE = TableName.bronze("_ingest_log");

    /** Outcome of one file. */
    public enum Status {
        INGESTED,
        EMPTY,
        DUPLICATE_FILE,
        FAILED,
        /** Not complete yet (settle time, completion marker): read by a later run. */
        WAITING;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One log row. */
    public record Entry(
            String source,
            LandedFile file,
            String contentSha256,
            String batchId,
            Status status,
            long rowsRead,
            long rowsValid,
            long rowsQuarantined,
            long rowsDuplicate,
            long rowsSuppressed,
            String message,
            Timestamp loggedAt) {

        Row toRow() {
            return RowFactory.create(
                    source,
                    file.path(),
                    file.size(),
                    new Timestamp(file.modifiedAt()),
                    contentSha256,
                    batchId,
                    status.label(),
                    rowsRead,
                    rowsValid,
                    rowsQuarantined,
                    rowsDuplicate,
                    message,
                    loggedAt,
                    rowsSuppressed);
        }
    }

    /** A file a previous run finished with (ingested, empty or skipped as a duplicate). */
    public record Done(String path, long size, long modifiedAt, String contentSha256) {}

    static final StructType SCHEMA = new StructType()
            .add("source", DataTypes.StringType, false)
            .add("file", DataTypes.StringType, false)
            .add("file_size", DataTypes.LongType, false)
            .add("file_modified_at", DataTypes.TimestampType, false)
            .add("content_sha256", DataTypes.StringType, true)
            .add("batch_id", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("rows_read", DataTypes.LongType, false)
            .add("rows_valid", DataTypes.LongType, false)
            .add("rows_quarantined", DataTypes.LongType, false)
            .add("rows_duplicate", DataTypes.LongType, false)
            .add("message", DataTypes.StringType, true)
            .add("logged_at", DataTypes.TimestampType, false)
            // Rows of erased people (ops.suppression_list) dropped at ingestion; added later, so null in older rows.
            .add("rows_suppressed", DataTypes.LongType, true);

    private final Lake lake;

    public IngestLog(Lake lake) {
        this.lake = lake;
    }

    /** Files that earlier runs are done with, by source: small (one row per file), so collected in one read. */
    public Map<String, List<Done>> done() {
        if (!lake.exists(TABLE)) {
            return Map.of();
        }
        return lake
                .read(TABLE)
                .filter(col("status").isin("ingested", "empty", "duplicate_file"))
                .select("source", "file", "file_size", "file_modified_at", "content_sha256")
                .collectAsList()
                .stream()
                .collect(Collectors.groupingBy(
                        r -> r.getString(0),
                        Collectors.mapping(
                                r -> new Done(
                                        r.getString(1),
                                        r.getLong(2),
                                        r.getTimestamp(3).getTime(),
                                        r.getString(4)),
                                Collectors.toList())));
    }

    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<Row> rows = entries.stream().map(Entry::toRow).toList();
        lake.append(TABLE, lake.spark().createDataFrame(rows, SCHEMA).coalesce(1), true);
    }
}
