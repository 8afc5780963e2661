package io.c360.quality;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.C360Exception;
import io.c360.config.ConfigReader;
import io.c360.config.ConfigReader.InvalidSetting;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A layer's {@code quality.yaml}: per table, the checks written at its top block publication when
 * they fail (level error); those under {@code warning:} are only reported; optionally the accuracy audit
 * publication needs ({@link AccuracyAudit}). See docs/quality.md.
 */
record QualityFile(List<TableChecks> tables, Optional<AccuracyAudit> accuracyAudit) {
    static final List<String> CHECK_KINDS =
            List.of("size", "complete", "unique", "values", "ranges", "patterns", "references", "anomaly");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    static QualityFile load(Path file) {
        return ConfigReader.read(file, QualityFile.class);
    }

    static QualityFile parse(String origin, String yaml) {
        return ConfigReader.parse(origin, yaml, QualityFile.class);
    }

    @JsonCreator
    static QualityFile of(
            @JsonProperty(value = "tables", required = true) LinkedHashMap<String, Block> tables,
            @JsonProperty("accuracy_audit") AccuracyAudit accuracyAudit) {
        if (tables.isEmpty()) {
            throw new InvalidSetting("tables", "expected at least one table");
        }
        List<TableChecks> declared = new ArrayList<>();
        for (Map.Entry<String, Block> t : tables.entrySet()) {
            declared.add(new TableChecks(
                    table("tables." + t.getKey(), t.getKey()), t.getValue().checks()));
        }
        return new QualityFile(declared, Optional.ofNullable(accuracyAudit));
    }

    /**
     * The checks of one table: those that block publication, and those under {@code warning:}. A class,
     * not a record, so that its checks are no key of the file.
     */
    static final class Block {
        private final List<QualityCheck> checks;

        private Block(List<QualityCheck> checks) {
            this.checks = List.copyOf(checks);
        }

        List<QualityCheck> checks() {
            return checks;
        }

        @JsonCreator
        static Block of(
                @JsonProperty("size") Size size,
                @JsonProperty("complete") List<String> complete,
                @JsonProperty("unique") List<List<String>> unique,
                @JsonProperty("values") LinkedHashMap<String, List<String>> values,
                @JsonProperty("ranges") LinkedHashMap<String, Range> ranges,
                @JsonProperty("patterns") LinkedHashMap<String, String> patterns,
                @JsonProperty("references") LinkedHashMap<String, String> references,
                @JsonProperty("anomaly") Anomaly anomaly,
                @JsonProperty("warning") Checks warning) {
            List<QualityCheck> checks = new ArrayList<>(
                    new Checks(size, complete, unique, values, ranges, patterns, references, anomaly).of(Level.error));
            if (warning != null) {
                checks.addAll(warning.of(Level.warning));
            }
            if (checks.isEmpty()) {
                throw new InvalidSetting(
                        "", "declares no check; expected at least one of " + String.join(", ", CHECK_KINDS));
            }
            Set<String> names = new HashSet<>();
            for (QualityCheck check : checks) {
                if (!names.add(check.name())) {
                    throw new InvalidSetting("", "check " + check.name() + " is declared twice");
                }
            }
            return new Block(checks);
        }
    }

    /** The checks of one level as written. */
    record Checks(
            Size size,
            List<String> complete,
            List<List<String>> unique,
            LinkedHashMap<String, List<String>> values,
            LinkedHashMap<String, Range> ranges,
            LinkedHashMap<String, String> patterns,
            LinkedHashMap<String, String> references,
            Anomaly anomaly) {
        Checks {
            complete = ConfigReader.orEmpty(complete);
            unique = ConfigReader.orEmpty(unique);
            values = values == null ? new LinkedHashMap<>() : values;
            ranges = ranges == null ? new LinkedHashMap<>() : ranges;
            patterns = patterns == null ? new LinkedHashMap<>() : patterns;
            references = references == null ? new LinkedHashMap<>() : references;
            complete.forEach(c -> column("complete", c));
            for (List<String> group : unique) {
                group.forEach(c -> column("unique", c));
            }
            for (Map.Entry<String, List<String>> v : values.entrySet()) {
                column("values." + v.getKey(), v.getKey());
                if (v.getValue() == null || v.getValue().isEmpty()) {
                    throw new InvalidSetting("values." + v.getKey(), "expected a non-empty list of allowed values");
                }
            }
            ranges.keySet().forEach(c -> column("ranges." + c, c));
            for (Map.Entry<String, String> p : patterns.entrySet()) {
                column("patterns." + p.getKey(), p.getKey());
                try {
                    Pattern.compile(p.getValue());
                } catch (PatternSyntaxException e) {
                    throw new InvalidSetting(
                            "patterns." + p.getKey(), "not a valid regular expression: " + e.getDescription());
                }
            }
            for (Map.Entry<String, String> r : references.entrySet()) {
                reference("references." + r.getKey(), r.getKey(), r.getValue());
            }
        }

        List<QualityCheck> of(Level level) {
            List<QualityCheck> checks = new ArrayList<>();
            if (size != null) {
                checks.add(new QualityCheck.RowCount(level, size.min(), size.max()));
            }
            complete.forEach(c -> checks.add(new QualityCheck.Complete(level, c)));
            unique.forEach(group -> checks.add(new QualityCheck.Unique(level, group)));
            values.forEach((c, allowed) -> checks.add(new QualityCheck.AllowedValues(level, c, allowed)));
            ranges.forEach((c, r) -> checks.add(new QualityCheck.ValueRange(level, c, r.min(), r.max())));
            patterns.forEach((c, regex) -> checks.add(new QualityCheck.ValuePattern(level, c, regex)));
            references.forEach((c, target) ->
                    checks.add(reference("references." + c, c, target).apply(level)));
            if (anomaly != null) {
                checks.add(new QualityCheck.SizeChange(level, anomaly.sizeChangePercent()));
            }
            return checks;
        }
    }

    /** {@code size:}: the fewest and most rows. */
    record Size(OptionalLong min, OptionalLong max) {
        @JsonCreator
        static Size of(@JsonProperty("min") Double min, @JsonProperty("max") Double max) {
            OptionalLong low = rowBound("min", min);
            OptionalLong high = rowBound("max", max);
            if (low.isEmpty() && high.isEmpty()) {
                throw new InvalidSetting("", "expected min, max or both");
            }
            if (low.isPresent() && high.isPresent() && low.getAsLong() > high.getAsLong()) {
                throw new InvalidSetting("", "min " + low.getAsLong() + " is above max " + high.getAsLong());
            }
            return new Size(low, high);
        }
    }

    /** {@code ranges.<column>:}: the lowest and highest value. */
    record Range(OptionalDouble min, OptionalDouble max) {
        @JsonCreator
        static Range of(@JsonProperty("min") Double min, @JsonProperty("max") Double max) {
            if (min == null && max == null) {
                throw new InvalidSetting("", "expected min, max or both");
            }
            if (min != null && max != null && min > max) {
                throw new InvalidSetting("", "min " + TableRun.plain(min) + " is above max " + TableRun.plain(max));
            }
            return new Range(
                    min == null ? OptionalDouble.empty() : OptionalDouble.of(min),
                    max == null ? OptionalDouble.empty() : OptionalDouble.of(max));
        }
    }

    /** {@code anomaly:}: how far the row count may move from the last run's. */
    record Anomaly(double sizeChangePercent) {
        @JsonCreator
        static Anomaly of(@JsonProperty("size_change_percent") Double sizeChangePercent) {
            double percent = ConfigReader.required(sizeChangePercent, "size_change_percent");
            if (percent <= 0) {
                throw new InvalidSetting("size_change_percent", "expected a percentage above 0 but was " + percent);
            }
            return new Anomaly(percent);
        }
    }

    /** A reference check on {@code column}: its values must occur in {@code target}, a layer.table.column. */
    private static java.util.function.Function<Level, QualityCheck> reference(
            String key, String column, String target) {
        column(key, column);
        int dot = target.lastIndexOf('.');
        if (dot < 0 || target.indexOf('.') == dot) {
            throw new InvalidSetting(
                    key, "expected layer.table.column, e.g. gold.customer.customer_id, but was '" + target + "'");
        }
        TableName table = table(key, target.substring(0, dot));
        String targetColumn = column(key, target.substring(dot + 1));
        return level -> new QualityCheck.Reference(level, column, table, targetColumn);
    }

    private static OptionalLong rowBound(String key, Double rows) {
        if (rows == null) {
            return OptionalLong.empty();
        }
        if (rows < 0 || rows != Math.rint(rows)) {
            throw new InvalidSetting(key, "expected a whole number of rows >= 0 but was " + TableRun.plain(rows));
        }
        return OptionalLong.of(rows.longValue());
    }

    private static String column(String key, String name) {
        if (!COLUMN.matcher(name).matches()) {
            throw new InvalidSetting(key, "expected a column name (letters, digits, _) but was '" + name + "'");
        }
        return name;
    }

    private static TableName table(String key, String name) {
        int dot = name.indexOf('.');
        if (dot < 0) {
            throw new InvalidSetting(key, "expected a table as layer.name, e.g. gold.customer, but was '" + name + "'");
        }
        try {
            return new TableName(name.substring(0, dot), name.substring(dot + 1));
        } catch (C360Exception e) {
            throw new InvalidSetting(key, e.getMessage());
        }
    }
}
