package io.c360.bronze;

import io.c360.C360Exception;
import io.c360.config.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
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
    }

    public SourceContract {
        key = List.copyOf(key);
        columns = List.copyOf(columns);
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    public List<String> requiredColumns() {
        return columns.stream().filter(Column::required).map(Column::name).toList();
    }

    public static SourceContract load(Path file) {
        return parse(YamlNode.load(file));
    }

    public static SourceContract parse(YamlNode root) {
        String source = root.text("source");
        String description = root.text("description", "");
        String owner = root.text("owner");
        List<String> key = root.textList("key");
        UnexpectedColumns unexpected =
                UnexpectedColumns.valueOf(root.choice("unexpected_columns", "rescue", "rescue", "ignore", "fail")
                        .toUpperCase(Locale.ROOT));
        List<Column> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode c : root.list("columns")) {
            String name = c.text("name");
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw c.error("name", "expected lower-case letters, digits and _ but was '" + name + "'");
            }
            if (!names.add(name)) {
                throw c.error("name", "column '" + name + "' is declared twice");
            }
            ColumnType type;
            try {
                type = ColumnType.parse(c.text("type", "string"));
            } catch (C360Exception e) {
                throw c.error("type", e.getMessage());
            }
            Optional<String> pattern = c.optText("pattern");
            pattern.ifPresent(p -> {
                try {
                    Pattern.compile(p);
                } catch (PatternSyntaxException e) {
                    throw c.error("pattern", "not a valid regular expression: " + e.getDescription());
                }
            });
            Optional<Double> min = c.has("min") ? Optional.of(c.decimal("min", 0)) : Optional.empty();
            Optional<Double> max = c.has("max") ? Optional.of(c.decimal("max", 0)) : Optional.empty();
            if ((min.isPresent() || max.isPresent()) && !type.isNumeric()) {
                throw c.error(
                        min.isPresent() ? "min" : "max",
                        "only numeric columns take a range, but '" + name + "' is " + type);
            }
            Optional<Integer> maxLength =
                    c.has("max_length") ? Optional.of(c.integer("max_length", 0)) : Optional.empty();
            Optional<String> format = c.optText("format");
            if (format.isPresent() && type.kind() != ColumnType.Kind.DATE && type.kind() != ColumnType.Kind.TIMESTAMP) {
                throw c.error("format", "only date and timestamp columns take a format, but '" + name + "' is " + type);
            }
            columns.add(new Column(
                    name,
                    type,
                    c.bool("required", false),
                    pattern,
                    c.textList("values"),
                    min,
                    max,
                    maxLength,
                    format,
                    c.optText("pii"),
                    c.text("description", "")));
            c.finish();
        }
        if (columns.isEmpty()) {
            throw root.error("columns", "expected at least one column");
        }
        for (String k : key) {
            if (!names.contains(k)) {
                throw root.error("key", "key column '" + k + "' is not declared under columns");
            }
        }
        root.finish();
        return new SourceContract(root.file(), source, description, owner, key, unexpected, columns);
    }
}
