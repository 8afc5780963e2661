package io.c360.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.row_number;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** Names of the lineage columns every bronze row carries, so any row can be traced to the byte it came from. */
public final class Lineage {
    public static final String SOURCE_SYSTEM = "_source_system";
    public static final String SOURCE_FILE = "_source_file";
    /** 1-based line number in the landed file (the header is line 1 of a CSV). */
    public static final String SOURCE_ROW = "_source_row";

    public static final String BATCH_ID = "_batch_id";
    public static final String INGESTED_AT = "_ingested_at";
    /** SHA-256 of the record as delivered: the identity used to skip rows delivered twice. */
    public static final String ROW_HASH = "_row_hash";
    /** Delivered columns the contract does not declare, as JSON (policy {@code rescue}). */
    public static final String RESCUED = "_rescued";

    private Lineage() {}

    /**
     * Bronze keeps every delivered version of a record; downstream layers read the newest one per key
     * (last ingested, then last file, then last line).
     */
    public static Dataset<Row> newestVersions(Dataset<Row> bronze, Column key) {
        return bronze.withColumn(
                        "_version",
                        row_number()
                                .over(Window.partitionBy(key)
                                        .orderBy(desc(INGESTED_AT), desc(SOURCE_FILE), desc(SOURCE_ROW))))
                .filter(col("_version").equalTo(1))
                .drop("_version");
    }
}
