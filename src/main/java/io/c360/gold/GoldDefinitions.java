package io.c360.gold;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.C360Exception;
import io.c360.config.ConfigReader;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The gold folder, parsed once: the tables ({@code tables.yaml}, each the result of a SQL file
 * with a comment per column) and the segments ({@code segments.yaml}).
 */
public record GoldDefinitions(Path folder, List<Table> tables, List<Segment> segments) {
    public static final List<String> PURPOSES = List.of("marketing", "personalization", "analytics", "service");
    public static final List<String> CHANNELS = List.of("email", "sms", "phone", "post");

    public GoldDefinitions {
        tables = List.copyOf(tables);
        segments = List.copyOf(segments);
    }

    /**
     * What one row of a gold table is computed from, which decides what a run rebuilds.
     *
     * <ul>
     *   <li>{@code table} (the default): a row may depend on any input row (quintiles among all buyers,
     *       figures as of the run's day); every run rebuilds the whole table.
     *   <li>{@code customer}: every row belongs to one customer (the column with role {@code customer_id})
     *       and depends only on that customer's inputs; a run after an earlier publication rebuilds only
     *       the customers whose inputs changed and publishes just their rows.
     * </ul>
     */
    public enum Scope {
        table,
        customer;

        static Scope named(String value) {
            if (value == null) {
                return table;
            }
            for (Scope s : values()) {
                if (s.name().equals(value.toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new ConfigReader.InvalidSetting(
                    "scope", "expected one of " + Arrays.toString(values()) + " but was '" + value + "'");
        }
    }

    /**
     * A gold table: its SQL, what it holds, a comment for every column in output order, what the
     * columns that identify something are ({@code roles}: column → {@link TableCatalog.Role}; {@code pii}:
     * column → kind of personal data) and what one row is computed from ({@link Scope}).
     */
    public record Table(
            String name,
            Path sqlFile,
            String sql,
            String description,
            List<String> key,
            Map<String, String> columns,
            Map<String, TableCatalog.Role> roles,
            Map<String, String> pii,
            Scope scope) {

        /** The column naming a row's customer: the one with role {@code customer_id}. */
        public Optional<String> customerColumn() {
            return roles.entrySet().stream()
                    .filter(e -> e.getValue() == TableCatalog.Role.customer_id)
                    .map(Map.Entry::getKey)
                    .findFirst();
        }

        /**
         * The table as the lake's catalog lists it, with the personal data {@code tables.yaml} declares
         * (a column declared {@code none} holds none). {@link GoldLineage#catalogTables} adds what the SQL
         * passes through.
         */
        public TableCatalog.Table catalogTable() {
            Map<String, String> declared = new LinkedHashMap<>(pii);
            declared.values().removeIf(GoldLineage.NONE::equals);
            return catalogTable(declared);
        }

        /** The table as the lake's catalog lists it, with these kinds of personal data per column. */
        public TableCatalog.Table catalogTable(Map<String, String> piiKinds) {
            return new TableCatalog.Table(
                    TableName.gold(name),
                    key,
                    Optional.empty(),
                    columns.keySet().stream()
                            .map(c -> new TableCatalog.Column(
                                    c, Optional.ofNullable(roles.get(c)), Optional.ofNullable(piiKinds.get(c))))
                            .toList());
        }
    }

    /** The gold tables as the lake's catalog lists them, with the personal data {@code tables.yaml} declares. */
    public List<TableCatalog.Table> catalogTables() {
        return tables.stream().map(Table::catalogTable).toList();
    }

    /**
     * A segment. {@code channel} is how members are contacted; consent for {@code purpose} on that
     * channel is required unless the purpose is {@code service}. {@code per} {@code household}: one member
     * per household, the first by {@code choose} (an ORDER BY over customer_360 and customer) among those
     * with consent and the channel's contact.
     */
    public record Segment(
            String name,
            String description,
            String purpose,
            Optional<String> channel,
            String where,
            Per per,
            String choose) {
        /** Which member a household segment contacts when it says nothing: the most recent buyer, then the most recently seen. */
        public static final String MOST_RECENT_BUYER = "last_order_at DESC NULLS LAST, last_seen DESC NULLS LAST";

        /** A segment of customers, one row per member. */
        public Segment(String name, String description, String purpose, Optional<String> channel, String where) {
            this(name, description, purpose, channel, where, Per.customer, null);
        }

        @JsonCreator
        static Segment of(
                @JsonProperty("name") String name,
                @JsonProperty("description") String description,
                @JsonProperty("purpose") String purpose,
                @JsonProperty("channel") String channel,
                @JsonProperty("where") String where,
                @JsonProperty("per") String per,
                @JsonProperty("choose") String choose) {
            lowerCaseName(name);
            ConfigReader.required(description, "description");
            if (purpose == null) {
                throw new ConfigReader.InvalidSetting(
                        "purpose", "missing required key; expected one of " + String.join(", ", PURPOSES));
            }
            String chosen = choice("purpose", purpose, PURPOSES);
            if (channel == null && !chosen.equals("analytics")) {
                throw new ConfigReader.InvalidSetting(
                        "channel",
                        "expected one of " + CHANNELS + ": a " + chosen
                                + " segment must say how members are contacted");
            }
            Per unit = per == null ? Per.customer : Per.valueOf(choice("per", per, Per.names()));
            if (choose != null && unit != Per.household) {
                throw new ConfigReader.InvalidSetting(
                        "choose", "chooses one member per household: only for a segment with per: household");
            }
            return new Segment(
                    name,
                    description,
                    chosen,
                    Optional.ofNullable(channel).map(c -> choice("channel", c, CHANNELS)),
                    ConfigReader.required(where, "where"),
                    unit,
                    unit == Per.household ? (choose == null ? MOST_RECENT_BUYER : choose) : null);
        }

        public boolean needsConsent() {
            return !purpose.equals("service");
        }
    }

    /** Who a segment's rows are: every matching customer, or one member per household. */
    public enum Per {
        customer,
        household;

        static List<String> names() {
            return Arrays.stream(values()).map(Enum::name).toList();
        }
    }

    public Optional<Segment> segment(String name) {
        return segments.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Path qualityFile() {
        return folder.resolve("quality.yaml");
    }

    public static GoldDefinitions load(Path folder) {
        List<Table> tables = ConfigReader.read(folder.resolve("tables.yaml"), TablesFile.class).tables().stream()
                .map(t -> {
                    Path sqlFile = folder.resolve(t.sql());
                    return new Table(
                            t.name(),
                            sqlFile,
                            read(sqlFile),
                            t.description(),
                            t.key(),
                            t.columns(),
                            t.roles(),
                            t.pii(),
                            t.scope());
                })
                .toList();
        List<Segment> segments = ConfigReader.read(folder.resolve("segments.yaml"), SegmentsFile.class)
                .segments();
        return new GoldDefinitions(folder, tables, segments);
    }

    /** {@code tables.yaml} as written: SQL file names not yet read. */
    private record TablesFile(List<TableEntry> tables) {
        @JsonCreator
        static TablesFile of(@JsonProperty("tables") List<TableEntry> tables) {
            List<TableEntry> declared = ConfigReader.required(tables, "tables");
            Set<String> names = new HashSet<>();
            for (int i = 0; i < declared.size(); i++) {
                if (!names.add(declared.get(i).name())) {
                    throw new ConfigReader.InvalidSetting(
                            "tables[" + i + "].name",
                            "table '" + declared.get(i).name() + "' is declared twice");
                }
            }
            return new TablesFile(List.copyOf(declared));
        }
    }

    /** One table of {@code tables.yaml}; {@code sql} names its SQL file in the gold folder. */
    private record TableEntry(
            String name,
            String sql,
            String description,
            List<String> key,
            Map<String, String> columns,
            Map<String, TableCatalog.Role> roles,
            Map<String, String> pii,
            Scope scope) {
        @JsonCreator
        static TableEntry of(
                @JsonProperty("name") String name,
                @JsonProperty("sql") String sql,
                @JsonProperty("key") List<String> key,
                @JsonProperty("roles") LinkedHashMap<String, String> roles,
                @JsonProperty("pii") LinkedHashMap<String, String> pii,
                @JsonProperty("scope") String scope,
                @JsonProperty("description") String description,
                @JsonProperty("columns") LinkedHashMap<String, String> columns) {
            lowerCaseName(name);
            ConfigReader.required(sql, "sql");
            ConfigReader.required(description, "description");
            ConfigReader.required(key, "key");
            Map<String, String> declared = ConfigReader.orDefault(columns, new LinkedHashMap<String, String>());
            if (declared.isEmpty()) {
                throw new ConfigReader.InvalidSetting("columns", "expected a comment for every column the SQL returns");
            }
            if (key.isEmpty() || !declared.keySet().containsAll(key)) {
                throw new ConfigReader.InvalidSetting(
                        "key", "expected the declared columns that identify a row but was " + key);
            }
            Map<String, TableCatalog.Role> columnRoles = new LinkedHashMap<>();
            ConfigReader.orDefault(roles, new LinkedHashMap<String, String>())
                    .forEach((column, role) -> columnRoles.put(
                            declared("roles", column, declared),
                            TableCatalog.Role.named(role)
                                    .orElseThrow(() -> new ConfigReader.InvalidSetting(
                                            "roles",
                                            "unknown role '" + role + "' of column '" + column + "'; expected one of "
                                                    + Arrays.toString(TableCatalog.Role.values())))));
            Map<String, String> columnPii = new LinkedHashMap<>();
            ConfigReader.orDefault(pii, new LinkedHashMap<String, String>())
                    .forEach((column, kind) -> columnPii.put(declared("pii", column, declared), kind));
            Scope rowScope = Scope.named(scope);
            if (rowScope == Scope.customer && !columnRoles.containsValue(TableCatalog.Role.customer_id)) {
                throw new ConfigReader.InvalidSetting(
                        "scope",
                        "scope customer needs the column naming each row's customer: declare it under roles"
                                + " as <column>: customer_id");
            }
            return new TableEntry(
                    name,
                    sql,
                    description,
                    List.copyOf(key),
                    Collections.unmodifiableMap(new LinkedHashMap<>(declared)),
                    Collections.unmodifiableMap(columnRoles),
                    Collections.unmodifiableMap(columnPii),
                    rowScope);
        }
    }

    private static String declared(String key, String column, Map<String, String> columns) {
        if (!columns.containsKey(column)) {
            throw new ConfigReader.InvalidSetting(key, "column '" + column + "' is not declared under columns");
        }
        return column;
    }

    /** {@code segments.yaml}. */
    private record SegmentsFile(List<Segment> segments) {
        @JsonCreator
        static SegmentsFile of(@JsonProperty("segments") List<Segment> segments) {
            List<Segment> declared = ConfigReader.required(segments, "segments");
            Set<String> names = new HashSet<>();
            for (int i = 0; i < declared.size(); i++) {
                if (!names.add(declared.get(i).name())) {
                    throw new ConfigReader.InvalidSetting(
                            "segments[" + i + "].name",
                            "segment '" + declared.get(i).name() + "' is declared twice");
                }
            }
            return new SegmentsFile(List.copyOf(declared));
        }
    }

    private static void lowerCaseName(String name) {
        ConfigReader.required(name, "name");
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new ConfigReader.InvalidSetting(
                    "name", "expected lower-case letters, digits and _ but was '" + name + "'");
        }
    }

    /** A value that must be one of {@code choices}, compared case-insensitively and returned lower-case. */
    private static String choice(String key, String value, List<String> choices) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (!choices.contains(lower)) {
            throw new ConfigReader.InvalidSetting(
                    key, "expected one of " + String.join(", ", choices) + " but was '" + value + "'");
        }
        return lower;
    }

    private static String read(Path sqlFile) {
        try {
            return Files.readString(sqlFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new C360Exception(sqlFile + ": cannot read the table's SQL (" + e.getMessage() + ")", e);
        }
    }
}
