package io.c360.bronze;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.c360.C360Exception;
import io.c360.config.ConfigReader;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A source's data contract ({@code bronze/<source>.yaml}): the columns it delivers, their types and
 * rules, who owns it, its key, and what to do with columns the contract does not know.
 */
public record SourceContract(
        String file,
        String source,
        String description,
        String owner,
        List<String> key,
        UnexpectedColumns unexpectedColumns,
        List<Column> columns) {

    /** What happens to delivered columns the contract does not declare. */
    public enum UnexpectedColumns {
        /** Kept, as JSON in the row's {@code _rescued} column: nothing is lost. */
        RESCUE,
        /** Dropped; the ingest log says which. */
        IGNORE,
        /** The source fails until the contract declares them. */
        FAIL
    }

    /** One declared column. {@code format} applies to date/timestamp parsing; {@code pii} tags personal data. */
    public record Column(
            String name,
            ColumnType type,
            boolean required,
            Optional<String> pattern,
            List<String> values,
            Optional<Double> min,
            Optional<Double> max,
            Optional<Integer> maxLength,
            Optional<String> format,
            Optional<String> pii,
            String description) {
        public Column {
            values = List.copyOf(values);
        }

        @JsonCreator
        static Column of(
                @JsonProperty("name") String name,
                @JsonProperty("type") String type,
                @JsonProperty("required") Boolean required,
                @JsonProperty("pattern") String pattern,
                @JsonProperty("values") List<String> values,
                @JsonProperty("min") Double min,
                @JsonProperty("max") Double max,
                @JsonProperty("max_length") Integer maxLength,
                @JsonProperty("format") String format,
                @JsonProperty("pii") String pii,
                @JsonProperty("description") String description) {
            ConfigReader.required(name, "name");
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw new ConfigReader.InvalidSetting(
                        "name", "expected lower-case letters, digits and _ but was '" + name + "'");
            }
            ColumnType columnType;
            try {
                columnType = ColumnType.parse(ConfigReader.orDefault(type, "string"));
            } catch (C360Exception e) {
                throw new ConfigReader.InvalidSetting("type", e.getMessage());
            }
            if (pattern != null) {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new ConfigReader.InvalidSetting(
                            "pattern", "not a valid regular expression: " + e.getDescription());
                }
            }
            if ((min != null || max != null) && !columnType.isNumeric()) {
                throw new ConfigReader.InvalidSetting(
                        min != null ? "min" : "max",
                        "only numeric columns take a range, but '" + name + "' is " + columnType);
            }
            if (format != null
                    && columnType.kind() != ColumnType.Kind.DATE
                    && columnType.kind() != ColumnType.Kind.TIMESTAMP) {
                throw new ConfigReader.InvalidSetting(
                        "format", "only date and timestamp columns take a format, but '" + name + "' is " + columnType);
            }
            return new Column(
                    name,
                    columnType,
                    ConfigReader.orDefault(required, false),
                    Optional.ofNullable(pattern),
                    ConfigReader.orEmpty(values),
                    Optional.ofNullable(min),
                    Optional.ofNullable(max),
                    Optional.ofNullable(maxLength),
                    Optional.ofNullable(format),
                    Optional.ofNullable(pii),
                    ConfigReader.orDefault(description, ""));
        }
    }

    public SourceContract {
        key = List.copyOf(key);
        columns = List.copyOf(columns);
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /**
     * The bronze table of this contract as the lake's catalog lists it: the key, whose columns are the
     * source's record id, and every declared column with its {@code pii} tag.
     */
    public TableCatalog.Table catalogTable(String sourceName) {
        return new TableCatalog.Table(
                TableName.bronze(sourceName),
                key,
                Optional.empty(),
                columns.stream()
                        .map(c -> new TableCatalog.Column(
                                c.name(),
                                key.contains(c.name()) ? Optional.of(TableCatalog.Role.record_id) : Optional.empty(),
                                c.pii()))
                        .toList());
    }

    public List<String> requiredColumns() {
        return columns.stream().filter(Column::required).map(Column::name).toList();
    }

    public static SourceContract load(Path file) {
        return ConfigReader.read(file, SourceContract.class);
    }

    /** A contract given as YAML text; {@code origin} names it in errors. */
    public static SourceContract parse(String origin, String yaml) {
        return ConfigReader.parse(origin, yaml, SourceContract.class);
    }

    @JsonCreator
    static SourceContract of(
            @JacksonInject(value = ConfigReader.FILE, useInput = OptBoolean.FALSE) String file,
            @JsonProperty("source") String source,
            @JsonProperty("description") String description,
            @JsonProperty("owner") String owner,
            @JsonProperty("key") List<String> key,
            @JsonProperty("unexpected_columns") String unexpectedColumns,
            @JsonProperty("columns") List<Column> columns) {
        ConfigReader.required(source, "source");
        ConfigReader.required(owner, "owner");
        String unexpected = ConfigReader.orDefault(unexpectedColumns, "rescue").toLowerCase(Locale.ROOT);
        if (!List.of("rescue", "ignore", "fail").contains(unexpected)) {
            throw new ConfigReader.InvalidSetting(
                    "unexpected_columns", "expected one of rescue, ignore, fail but was '" + unexpectedColumns + "'");
        }
        List<Column> declared = ConfigReader.orEmpty(columns);
        if (declared.isEmpty()) {
            throw new ConfigReader.InvalidSetting("columns", "expected at least one column");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < declared.size(); i++) {
            String name = declared.get(i).name();
            if (!names.add(name)) {
                throw new ConfigReader.InvalidSetting(
                        "columns[" + i + "].name", "column '" + name + "' is declared twice");
            }
        }
        List<String> keyColumns = ConfigReader.orEmpty(key);
        for (String k : keyColumns) {
            if (!names.contains(k)) {
                throw new ConfigReader.InvalidSetting("key", "key column '" + k + "' is not declared under columns");
            }
        }
        return new SourceContract(
                file,
                source,
                ConfigReader.orDefault(description, ""),
                owner,
                keyColumns,
                UnexpectedColumns.valueOf(unexpected.toUpperCase(Locale.ROOT)),
                declared);
    }
}
