package io.c360.quality;

import io.c360.C360Exception;
import io.c360.config.YamlNode;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a layer's {@code quality.yaml}: per table, the checks written at its top block publication
 * when they fail (level error); those under {@code warning:} are only reported. See docs/quality.md.
 */
final class QualityFile {
    static final List<String> CHECK_KINDS =
            List.of("size", "complete", "unique", "values", "ranges", "patterns", "references", "anomaly");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private QualityFile() {}

    static List<TableChecks> parse(YamlNode root) {
        YamlNode tables = root.child("tables");
        List<TableChecks> declared = new ArrayList<>();
        for (String key : tables.keys()) {
            TableName table = table(tables, key, key);
            YamlNode block = tables.child(key);
            List<QualityCheck> checks = checks(block, Level.error);
            Optional<YamlNode> warning = block.optChild("warning");
            if (warning.isPresent()) {
                checks.addAll(checks(warning.get(), Level.warning));
                warning.get().finish();
            }
            block.finish();
            if (checks.isEmpty()) {
                throw tables.error(
                        key, "declares no check; expected at least one of " + String.join(", ", CHECK_KINDS));
            }
            Set<String> names = new HashSet<>();
            for (QualityCheck check : checks) {
                if (!names.add(check.name())) {
                    throw tables.error(key, "check " + check.name() + " is declared twice");
                }
            }
            declared.add(new TableChecks(table, checks));
        }
        if (declared.isEmpty()) {
            throw root.error("tables", "expected at least one table");
        }
        root.finish();
        return declared;
    }

    private static List<QualityCheck> checks(YamlNode block, Level level) {
        List<QualityCheck> checks = new ArrayList<>();
        Optional<YamlNode> size = block.optChild("size");
        if (size.isPresent()) {
            YamlNode n = size.get();
            OptionalLong min = rowBound(n, "min");
            OptionalLong max = rowBound(n, "max");
            n.finish();
            if (min.isEmpty() && max.isEmpty()) {
                throw block.error("size", "expected min, max or both");
            }
            if (min.isPresent() && max.isPresent() && min.getAsLong() > max.getAsLong()) {
                throw block.error("size", "min " + min.getAsLong() + " is above max " + max.getAsLong());
            }
            checks.add(new QualityCheck.RowCount(level, min, max));
        }
        for (String c : block.textList("complete")) {
            checks.add(new QualityCheck.Complete(level, column(block, "complete", c)));
        }
        for (List<String> group : block.textGroups("unique")) {
            checks.add(new QualityCheck.Unique(
                    level, group.stream().map(c -> column(block, "unique", c)).toList()));
        }
        Optional<YamlNode> values = block.optChild("values");
        if (values.isPresent()) {
            YamlNode n = values.get();
            for (String c : n.keys()) {
                List<String> allowed = n.textList(c);
                if (allowed.isEmpty()) {
                    throw n.error(c, "expected a non-empty list of allowed values");
                }
                checks.add(new QualityCheck.AllowedValues(level, column(n, c, c), allowed));
            }
            n.finish();
        }
        Optional<YamlNode> ranges = block.optChild("ranges");
        if (ranges.isPresent()) {
            YamlNode n = ranges.get();
            for (String c : n.keys()) {
                YamlNode range = n.child(c);
                OptionalDouble min =
                        range.has("min") ? OptionalDouble.of(range.decimal("min", 0)) : OptionalDouble.empty();
                OptionalDouble max =
                        range.has("max") ? OptionalDouble.of(range.decimal("max", 0)) : OptionalDouble.empty();
                range.finish();
                if (min.isEmpty() && max.isEmpty()) {
                    throw n.error(c, "expected min, max or both");
                }
                if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
                    throw n.error(
                            c,
                            "min " + TableRun.plain(min.getAsDouble()) + " is above max "
                                    + TableRun.plain(max.getAsDouble()));
                }
                checks.add(new QualityCheck.ValueRange(level, column(n, c, c), min, max));
            }
            n.finish();
        }
        Optional<YamlNode> patterns = block.optChild("patterns");
        if (patterns.isPresent()) {
            YamlNode n = patterns.get();
            for (String c : n.keys()) {
                String regex = n.text(c);
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw n.error(c, "not a valid regular expression: " + e.getDescription());
                }
                checks.add(new QualityCheck.ValuePattern(level, column(n, c, c), regex));
            }
            n.finish();
        }
        Optional<YamlNode> references = block.optChild("references");
        if (references.isPresent()) {
            YamlNode n = references.get();
            for (String c : n.keys()) {
                String target = n.text(c);
                int dot = target.lastIndexOf('.');
                if (dot < 0 || target.indexOf('.') == dot) {
                    throw n.error(
                            c, "expected layer.table.column, e.g. gold.customer.customer_id, but was '" + target + "'");
                }
                checks.add(new QualityCheck.Reference(
                        level,
                        column(n, c, c),
                        table(n, c, target.substring(0, dot)),
                        column(n, c, target.substring(dot + 1))));
            }
            n.finish();
        }
        Optional<YamlNode> anomaly = block.optChild("anomaly");
        if (anomaly.isPresent()) {
            YamlNode n = anomaly.get();
            if (!n.has("size_change_percent")) {
                throw n.error("size_change_percent", "missing required key");
            }
            double percent = n.decimal("size_change_percent", 0);
            if (percent <= 0) {
                throw n.error("size_change_percent", "expected a percentage above 0 but was " + percent);
            }
            n.finish();
            checks.add(new QualityCheck.SizeChange(level, percent));
        }
        return checks;
    }

    private static OptionalLong rowBound(YamlNode node, String key) {
        if (!node.has(key)) {
            return OptionalLong.empty();
        }
        double rows = node.decimal(key, 0);
        if (rows < 0 || rows != Math.rint(rows)) {
            throw node.error(key, "expected a whole number of rows >= 0 but was " + node.text(key));
        }
        return OptionalLong.of((long) rows);
    }

    private static String column(YamlNode node, String key, String name) {
        if (!COLUMN.matcher(name).matches()) {
            throw node.error(key, "expected a column name (letters, digits, _) but was '" + name + "'");
        }
        return name;
    }

    private static TableName table(YamlNode node, String key, String name) {
        int dot = name.indexOf('.');
        if (dot < 0) {
            throw node.error(key, "expected a table as layer.name, e.g. gold.customer, but was '" + name + "'");
        }
        try {
            return new TableName(name.substring(0, dot), name.substring(dot + 1));
        } catch (C360Exception e) {
            throw node.error(key, e.getMessage());
        }
    }
}
