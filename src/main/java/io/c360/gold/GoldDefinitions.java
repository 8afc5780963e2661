package io.c360.gold;

import io.c360.C360Exception;
import io.c360.config.YamlNode;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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
     * A gold table: its SQL, what it holds, a comment for every column in output order, and what the
     * columns that identify something are ({@code roles}: column → {@link TableCatalog.Role}; {@code pii}:
     * column → kind of personal data).
     */
    public record Table(
            String name,
            Path sqlFile,
            String sql,
            String description,
            List<String> key,
            Map<String, String> columns,
            Map<String, TableCatalog.Role> roles,
            Map<String, String> pii) {

        /** The table as the lake's catalog lists it. */
        public TableCatalog.Table catalogTable() {
            return new TableCatalog.Table(
                    TableName.gold(name),
                    key,
                    Optional.empty(),
                    columns.keySet().stream()
                            .map(c -> new TableCatalog.Column(
                                    c, Optional.ofNullable(roles.get(c)), Optional.ofNullable(pii.get(c))))
                            .toList());
        }
    }

    /** The gold tables as the lake's catalog lists them. */
    public List<TableCatalog.Table> catalogTables() {
        return tables.stream().map(Table::catalogTable).toList();
    }

    /**
     * A segment. {@code channel} is how members are contacted; consent for {@code purpose} on that
     * channel is required unless the purpose is {@code service}.
     */
    public record Segment(String name, String description, String purpose, Optional<String> channel, String where) {
        public boolean needsConsent() {
            return !purpose.equals("service");
        }
    }

    public Optional<Segment> segment(String name) {
        return segments.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public Path qualityFile() {
        return folder.resolve("quality.yaml");
    }

    public static GoldDefinitions load(Path folder) {
        return new GoldDefinitions(folder, tables(folder), segments(folder.resolve("segments.yaml")));
    }

    private static List<Table> tables(Path folder) {
        YamlNode root = YamlNode.load(folder.resolve("tables.yaml"));
        List<Table> tables = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode t : root.list("tables")) {
            String name = lowerCaseName(t, "name");
            if (!names.add(name)) {
                throw t.error("name", "table '" + name + "' is declared twice");
            }
            Path sqlFile = folder.resolve(t.text("sql"));
            String description = t.text("description");
            List<String> key = t.textList("key");
            Map<String, String> columns = new LinkedHashMap<>(t.textMap("columns"));
            if (columns.isEmpty()) {
                throw t.error("columns", "expected a comment for every column the SQL returns");
            }
            if (key.isEmpty() || !columns.keySet().containsAll(key)) {
                throw t.error("key", "expected the declared columns that identify a row but was " + key);
            }
            Map<String, TableCatalog.Role> roles = new LinkedHashMap<>();
            t.textMap("roles")
                    .forEach((column, role) -> roles.put(
                            declared(t, "roles", column, columns),
                            TableCatalog.Role.named(role)
                                    .orElseThrow(() -> t.error(
                                            "roles",
                                            "unknown role '" + role + "' of column '" + column + "'; expected one of "
                                                    + Arrays.toString(TableCatalog.Role.values())))));
            Map<String, String> pii = new LinkedHashMap<>();
            t.textMap("pii").forEach((column, kind) -> pii.put(declared(t, "pii", column, columns), kind));
            t.finish();
            tables.add(new Table(name, sqlFile, read(sqlFile), description, key, columns, roles, pii));
        }
        root.finish();
        return tables;
    }

    private static String declared(YamlNode table, String key, String column, Map<String, String> columns) {
        if (!columns.containsKey(column)) {
            throw table.error(key, "column '" + column + "' is not declared under columns");
        }
        return column;
    }

    private static List<Segment> segments(Path file) {
        YamlNode root = YamlNode.load(file);
        List<Segment> segments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode s : root.list("segments")) {
            String name = lowerCaseName(s, "name");
            if (!names.add(name)) {
                throw s.error("name", "segment '" + name + "' is declared twice");
            }
            String description = s.text("description");
            String purpose = s.choice("purpose", null, PURPOSES.toArray(String[]::new));
            Optional<String> channel = s.has("channel")
                    ? Optional.of(s.choice("channel", null, CHANNELS.toArray(String[]::new)))
                    : Optional.empty();
            if (channel.isEmpty() && !purpose.equals("analytics")) {
                throw s.error(
                        "channel",
                        "expected one of " + CHANNELS + ": a " + purpose
                                + " segment must say how members are contacted");
            }
            String where = s.text("where");
            s.finish();
            segments.add(new Segment(name, description, purpose, channel, where));
        }
        root.finish();
        return segments;
    }

    private static String lowerCaseName(YamlNode node, String key) {
        String name = node.text(key);
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw node.error(key, "expected lower-case letters, digits and _ but was '" + name + "'");
        }
        return name;
    }

    private static String read(Path sqlFile) {
        try {
            return Files.readString(sqlFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new C360Exception(sqlFile + ": cannot read the table's SQL (" + e.getMessage() + ")", e);
        }
    }
}
