package io.c360.bronze;

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
}
