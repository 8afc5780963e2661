package io.c360.lake;

import io.c360.C360Exception;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The lake's tables as their readers know them: name, key, schema where it is fixed, and the role of
 * each column that identifies something (a record, a customer, a person). Code that reads a table
 * consults this catalog instead of the class that writes it, and erasure and subject access find a
 * person's rows through the roles, whatever the columns are called.
 *
 * <p>The engine's own tables are listed here. The configured ones come from their declarations: a
 * bronze source's from its contract (key and {@code pii:} tags), a gold table's from
 * {@code gold/tables.yaml} ({@code roles:} and {@code pii:}); {@link #with} adds them.
 */
public final class TableCatalog {

    /** What a column identifies. */
    public enum Role {
        /** A lake-wide record key, {@code <source>:<record id>} (a string, or an array of them). */
        record_key,
        /** A record's id in its source system (a bronze source's contract key). */
        record_id,
        /** A unified customer id. */
        customer_id,
        /** A record's identity signature (the hash of its standardized identity attributes). */
        signature,
        /** The bronze source a record came from. */
        source,
        /** A raw delivered line, as text: identifiers may be anywhere in it. */
        raw_record;

        /** The role a declaration names, if it names one. */
        public static Optional<Role> named(String name) {
            return Arrays.stream(values()).filter(r -> r.name().equals(name)).findFirst();
        }
    }

    /**
     * A column with a role, personal data of a kind ({@code email}, {@code phone}, {@code name},
     * {@code address}, ...: the contracts' {@code pii:} tags), or both.
     */
    public record Column(String name, Optional<Role> role, Optional<String> pii) {
        public static Column role(String name, Role role) {
            return new Column(name, Optional.of(role), Optional.empty());
        }

        public static Column pii(String name, String kind) {
            return new Column(name, Optional.empty(), Optional.of(kind));
        }
    }

    /** A table: name, key (the columns that identify a row; empty for a log), schema where fixed, its columns with a role. */
    public record Table(TableName name, List<String> key, Optional<StructType> schema, List<Column> columns) {
        public Table {
            key = List.copyOf(key);
            columns = List.copyOf(columns);
        }

        Table(TableName name, List<String> key, Column... columns) {
            this(name, key, Optional.empty(), List.of(columns));
        }

        /** The names of the columns with this role. */
        public List<String> columnsWith(Role role) {
            return columns.stream()
                    .filter(c -> c.role().equals(Optional.of(role)))
                    .map(Column::name)
                    .toList();
        }

        /** The names of the columns holding personal data of this kind. */
        public List<String> columnsHolding(String piiKind) {
            return columns.stream()
                    .filter(c -> c.pii().equals(Optional.of(piiKind)))
                    .map(Column::name)
                    .toList();
        }
    }

    public static final TableName QUARANTINE = TableName.bronze("_quarantine");
    public static final TableName INGEST_LOG = TableName.bronze("_ingest_log");

    public static final TableName IDENTITY_RECORDS = TableName.silver("identity_records");
    public static final TableName SCORED_PAIRS = TableName.silver("scored_pairs");
    public static final TableName MATCH_REVIEW = TableName.silver("match_review");
    public static final TableName STEWARD_DECISIONS = TableName.silver("steward_decisions");
    /**
     * What stewards decide (appended by the workbench and {@code c360 steward-import}, never rewritten): the
     * newest decision on a pair of records wins, and a {@code revoked} one leaves the pair to the model.
     * {@code action} says how it was made ({@code review}, {@code split}, {@code merge}, {@code revoke},
     * {@code import}); the rows one action wrote share a {@code change_id}, so it is revoked as a whole.
     */
    public static final StructType STEWARD_DECISIONS_SCHEMA = new StructType()
            .add("record_key_l", DataTypes.StringType)
            .add("record_key_r", DataTypes.StringType)
            .add("decision", DataTypes.StringType)
            .add("steward", DataTypes.StringType)
            .add("decided_at", DataTypes.TimestampType)
            .add("comment", DataTypes.StringType)
            .add("action", DataTypes.StringType)
            .add("change_id", DataTypes.StringType);

    public static final TableName CUSTOMER_ID_MAP = TableName.silver("customer_id_map");
    public static final TableName REDIRECTS = TableName.silver("customer_id_redirects");
    public static final TableName GOLDEN_RECORDS = TableName.silver("golden_records");
    public static final TableName BLOCKING_REPORT = TableName.silver("blocking_report");
    /**
     * One row per identity ({@code signature, identity_hash, component}): the state an incremental run
     * compares this run's identities with. Hashes and component labels only, no attributes.
     */
    public static final TableName IDENTITIES = TableName.silver("identities");
    /**
     * The blocking key index: one row per identity and blocking rule that gives it a key ({@code signature,
     * rule, key}). An incremental run blocks only new and changed identities, against this index, instead
     * of every identity. The keys are made of identity attributes (a surname, a birth date): personal data.
     */
    public static final TableName BLOCKING_KEYS = TableName.silver("blocking_keys");

    public static final TableName SEGMENT_MEMBERSHIP = TableName.gold("segment_membership");
    public static final TableName SEGMENT_SIZES = TableName.gold("segment_sizes");
    /** Per kind of household evidence, the values that linked customers and those over the cap: counts only, no personal data. */
    public static final TableName HOUSEHOLD_REPORT = TableName.gold("household_report");

    /** Every activation file written: when, which segment, where, how many rows (no personal data). */
    public static final TableName EXPORTS = TableName.ops("exports");

    /** Every request that read the lake through c360 (serve, sql, export, workbench): who, as which role, what, how many rows; no personal data. */
    public static final TableName ACCESS_LOG = TableName.ops("access_log");

    /**
     * The items of accuracy audits: each pair of records drawn (one row, {@code answer} null, when the sample
     * is drawn) and each answer a steward gave (one more row per answer; the newest per item wins, none is
     * overwritten).
     */
    public static final TableName AUDIT_ITEMS = TableName.ops("audit_items");

    public static final StructType AUDIT_ITEMS_SCHEMA = new StructType()
            .add("audit_id", DataTypes.StringType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("stratum", DataTypes.StringType, false)
            .add("record_key_l", DataTypes.StringType, false)
            .add("record_key_r", DataTypes.StringType, false)
            .add("answer", DataTypes.StringType, true)
            .add("steward", DataTypes.StringType, false)
            .add("answered_at", DataTypes.TimestampType, false);

    /**
     * Accuracy audits, one row per event ({@code open} when the sample is drawn, {@code complete} with the
     * estimates): who, when, the design and counts per stratum, precision and recall with their 95 %
     * intervals. No record keys, no personal data.
     */
    public static final TableName ACCURACY_AUDITS = TableName.ops("accuracy_audits");

    public static final StructType AUDIT_STRATUM_SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("purpose", DataTypes.StringType, false)
            .add("population", DataTypes.LongType, false)
            .add("sampled", DataTypes.IntegerType, false)
            .add("matches", DataTypes.IntegerType, false)
            .add("non_matches", DataTypes.IntegerType, false)
            .add("unsure", DataTypes.IntegerType, false);

    public static final StructType ACCURACY_AUDITS_SCHEMA = new StructType()
            .add("audit_id", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("steward", DataTypes.StringType, false)
            .add("at", DataTypes.TimestampType, false)
            .add("size", DataTypes.IntegerType, false)
            .add("seed", DataTypes.LongType, false)
            .add("review_threshold", DataTypes.DoubleType, false)
            .add("answered", DataTypes.IntegerType, false)
            .add("strata", DataTypes.createArrayType(AUDIT_STRATUM_SCHEMA, false), false)
            .add("precision", DataTypes.DoubleType, true)
            .add("precision_low", DataTypes.DoubleType, true)
            .add("precision_high", DataTypes.DoubleType, true)
            .add("precision_effective_n", DataTypes.DoubleType, true)
            .add("recall", DataTypes.DoubleType, true)
            .add("recall_low", DataTypes.DoubleType, true)
            .add("recall_high", DataTypes.DoubleType, true)
            .add("recall_effective_n", DataTypes.DoubleType, true);

    /** The engine's own tables; a table without columns of a role (a run log, quality metrics) is not listed. */
    private static final List<Table> ENGINE_TABLES = List.of(
            new Table(
                    QUARANTINE, List.of(), Column.role("source", Role.source), Column.role("record", Role.raw_record)),
            new Table(
                    IDENTITY_RECORDS,
                    List.of("record_key"),
                    Column.role("record_key", Role.record_key),
                    Column.role("source", Role.source),
                    Column.role("record_id", Role.record_id),
                    Column.role("signature", Role.signature),
                    Column.pii("given_name", "name"),
                    Column.pii("surname", "name"),
                    Column.pii("birth_date", "birth_date"),
                    Column.pii("email", "email"),
                    Column.pii("phone", "phone"),
                    Column.pii("house_number", "address"),
                    Column.pii("street", "address"),
                    Column.pii("unit", "address"),
                    Column.pii("city", "address"),
                    Column.pii("state", "address"),
                    Column.pii("postcode", "address"),
                    Column.pii("national_id", "national_id")),
            new Table(
                    SCORED_PAIRS,
                    List.of("l_id", "r_id"),
                    Column.role("l_id", Role.signature),
                    Column.role("r_id", Role.signature)),
            new Table(
                    MATCH_REVIEW,
                    List.of(),
                    Column.role("records_l", Role.record_key),
                    Column.role("records_r", Role.record_key)),
            new Table(
                    STEWARD_DECISIONS,
                    List.of(),
                    Optional.of(STEWARD_DECISIONS_SCHEMA),
                    List.of(
                            Column.role("record_key_l", Role.record_key),
                            Column.role("record_key_r", Role.record_key))),
            new Table(
                    CUSTOMER_ID_MAP,
                    List.of("record_key"),
                    Column.role("record_key", Role.record_key),
                    Column.role("customer_id", Role.customer_id)),
            new Table(
                    REDIRECTS,
                    List.of("old_id", "new_id"),
                    Column.role("old_id", Role.customer_id),
                    Column.role("new_id", Role.customer_id)),
            new Table(
                    GOLDEN_RECORDS,
                    List.of("customer_id"),
                    Column.role("customer_id", Role.customer_id),
                    Column.pii("given_name", "name"),
                    Column.pii("surname", "name"),
                    Column.pii("email", "email"),
                    Column.pii("phone", "phone"),
                    Column.pii("birth_date", "birth_date"),
                    Column.pii("national_id", "national_id"),
                    Column.pii("house_number", "address"),
                    Column.pii("street", "address"),
                    Column.pii("unit", "address"),
                    Column.pii("city", "address"),
                    Column.pii("state", "address"),
                    Column.pii("postcode", "address")),
            new Table(IDENTITIES, List.of("signature"), Column.role("signature", Role.signature)),
            new Table(
                    BLOCKING_KEYS,
                    List.of("signature", "rule"),
                    Column.role("signature", Role.signature),
                    Column.pii("key", "blocking_key")),
            new Table(
                    AUDIT_ITEMS,
                    List.of(),
                    Optional.of(AUDIT_ITEMS_SCHEMA),
                    List.of(
                            Column.role("record_key_l", Role.record_key),
                            Column.role("record_key_r", Role.record_key))),
            new Table(
                    SEGMENT_MEMBERSHIP,
                    List.of("segment", "customer_id"),
                    Column.role("customer_id", Role.customer_id)));

    /**
     * The roles of the names the engine gives such columns in its tables. A table the catalog does not list
     * (one written under an earlier configuration: a source or gold table since removed) is read by them, so
     * that erasure still finds a person's rows there.
     */
    public static final List<Column> CONVENTIONAL_ROLES = List.of(
            Column.role("record_key", Role.record_key),
            Column.role("record_key_l", Role.record_key),
            Column.role("record_key_r", Role.record_key),
            Column.role("records_l", Role.record_key),
            Column.role("records_r", Role.record_key),
            Column.role("customer_id", Role.customer_id),
            Column.role("old_id", Role.customer_id),
            Column.role("new_id", Role.customer_id),
            Column.role("signature", Role.signature),
            Column.role("l_id", Role.signature),
            Column.role("r_id", Role.signature));

    private final Map<TableName, Table> tables;

    private TableCatalog(Map<TableName, Table> tables) {
        this.tables = tables;
    }

    /** The engine's own tables. */
    public static TableCatalog engine() {
        return new TableCatalog(index(ENGINE_TABLES, new LinkedHashMap<>()));
    }

    /** This catalog and the configured tables (bronze sources, gold tables); a configured table replaces none of the engine's. */
    public TableCatalog with(Collection<Table> configured) {
        Map<TableName, Table> all = new LinkedHashMap<>(tables);
        for (Table t : configured) {
            if (tables.containsKey(t.name())) {
                throw new C360Exception(
                        "table " + t.name() + " is the engine's own; a configured table needs another name");
            }
        }
        return new TableCatalog(index(configured, all));
    }

    private static Map<TableName, Table> index(Collection<Table> list, Map<TableName, Table> into) {
        list.forEach(t -> into.put(t.name(), t));
        return into;
    }

    public Optional<Table> table(TableName name) {
        return Optional.ofNullable(tables.get(name));
    }

    /**
     * The table a stored table is a copy of: {@code gold.customer} for {@code gold.customer} and for its
     * staging copy {@code _staging.gold.customer}; empty when the catalog does not know it.
     */
    public Optional<Table> ofStored(String label) {
        String name = label.startsWith("_staging.") ? label.substring("_staging.".length()) : label;
        int dot = name.indexOf('.');
        return tables.values().stream()
                .filter(t -> dot > 0
                        && t.name().layer().equals(name.substring(0, dot))
                        && t.name().name().equals(name.substring(dot + 1)))
                .findFirst();
    }

    public Collection<Table> tables() {
        return tables.values();
    }
}
