package io.c360.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.c360.C360Exception;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality.yaml format: what it reads, and errors that name the file, the key and what was expected. */
@Tag("unit")
class QualityFileTest {
    private static String error(String yaml) {
        return assertThrows(C360Exception.class, () -> QualityGate.parse("test.yaml", yaml))
                .getMessage();
    }

    private static String table(String checks) {
        return "tables:\n  gold.t:\n" + checks.indent(4);
    }

    @Test
    void readsEveryKindOfCheckWithItsLevel() {
        QualityGate gate = QualityGate.parse("test.yaml", table("""
        size: {max: 10}
        complete: id
        unique: [id, [a, b]]
        values: {kind: [x, 'y']}
        ranges: {score: {min: 0.5}}
        patterns: {id: '^[0-9]+$'}
        references: {a: silver.other.a_id}
        warning:
          anomaly: {size_change_percent: 12.5}
        """));

        TableChecks t = gate.declared().get(0);
        assertEquals(TableName.gold("t"), t.table());
        assertEquals(
                List.of(
                        "size(<= 10)",
                        "complete(id)",
                        "unique(id)",
                        "unique(a, b)",
                        "values(kind in [x, y])",
                        "ranges(score >= 0.5)",
                        "patterns(id ~ ^[0-9]+$)",
                        "references(a -> silver.other.a_id)",
                        "anomaly(size_change_percent <= 12.5)"),
                t.checks().stream().map(QualityCheck::name).toList());
        assertEquals(
                List.of(
                        Level.error,
                        Level.error,
                        Level.error,
                        Level.error,
                        Level.error,
                        Level.error,
                        Level.error,
                        Level.error,
                        Level.warning),
                t.checks().stream().map(QualityCheck::level).toList());
    }

    @Test
    void unknownKeysNameTheFileTheKeyAndTheExpectedKeys() {
        assertEquals(
                "test.yaml: tables.gold.t.uniqe: unknown key (a typo of 'unique'?); expected one of: size, complete, unique, values, ranges, patterns, "
                        + "references, anomaly, warning",
                error(table("uniqe: [id]")));
        assertEquals(
                "test.yaml: tables.gold.t.ranges.score.maximum: unknown key; expected one of: min, max",
                error(table("ranges: {score: {min: 0, maximum: 1}}")));
        assertEquals(
                "test.yaml: tables.gold.t.warning.warning: unknown key; expected one of: size, complete, unique, values, ranges, "
                        + "patterns, references, anomaly",
                error(table("warning: {warning: {complete: [id]}}")));
        assertEquals(
                "test.yaml: table: unknown key (a typo of 'tables'?); expected one of: tables, accuracy_audit",
                error("table: {}\ntables: {gold.t: {complete: [id]}}"));
    }

    @Test
    void wrongTypesAndValuesSayWhatWasExpected() {
        assertEquals(
                "test.yaml: tables.gold.t.complete: expected a list but was a mapping",
                error(table("complete: {id: true}")));
        assertEquals(
                "test.yaml: tables.gold.t.size.min: expected a number but was 'lots'",
                error(table("size: {min: lots}")));
        assertEquals(
                "test.yaml: tables.gold.t.size.min: expected a whole number of rows >= 0 but was 1.5",
                error(table("size: {min: 1.5}")));
        assertEquals(
                "test.yaml: tables.gold.t.unique[0][1]: expected a single value but was a mapping",
                error(table("unique: [[a, {b: c}]]")));
        assertEquals(
                "test.yaml: tables.gold.t.ranges.score: expected min, max or both",
                error(table("ranges: {score: {}}")));
        assertEquals(
                "test.yaml: tables.gold.t.ranges.score: min 2 is above max 1",
                error(table("ranges: {score: {min: 2, max: 1}}")));
        assertEquals(
                "test.yaml: tables.gold.t.values.kind: expected a non-empty list of allowed values",
                error(table("values: {kind: []}")));
        assertEquals(
                "test.yaml: tables.gold.t.patterns.id: not a valid regular expression: Unclosed character class",
                error(table("patterns: {id: '[0-9'}")));
        assertEquals(
                "test.yaml: tables.gold.t.references.a: expected layer.table.column, e.g. gold.customer.customer_id, but was 'gold.other'",
                error(table("references: {a: gold.other}")));
        assertEquals(
                "test.yaml: tables.gold.t.anomaly.size_change_percent: missing required key",
                error(table("anomaly: {}")));
        assertEquals(
                "test.yaml: tables.gold.t.complete: expected a column name (letters, digits, _) but was 'a b'",
                error(table("complete: ['a b']")));
    }

    @Test
    void tablesMustBeKnownLayersAndDeclareDistinctChecks() {
        assertEquals(
                "test.yaml: tables.customer: expected a table as layer.name, e.g. gold.customer, but was 'customer'",
                error("tables:\n  customer: {complete: [id]}"));
        assertEquals(
                "test.yaml: tables.platinum.t: unknown layer 'platinum' in table platinum.t; expected one of [bronze, silver, gold, ops]",
                error("tables:\n  platinum.t: {complete: [id]}"));
        assertEquals(
                "test.yaml: tables.gold.t: declares no check; expected at least one of size, complete, unique, values, ranges, "
                        + "patterns, references, anomaly",
                error("tables:\n  gold.t: {}"));
        assertEquals(
                "test.yaml: tables.gold.t: check complete(id) is declared twice",
                error(table("complete: [id]\nwarning: {complete: [id]}")));
        assertEquals("test.yaml: tables: expected at least one table", error("tables: {}"));
    }

    @Test
    void errorsInAFileNameThatFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("quality.yaml");
        Files.writeString(file, table("complete: [id]\nsize: {min: 1, mx: 3}"));

        String message =
                assertThrows(C360Exception.class, () -> QualityGate.load(file)).getMessage();

        assertEquals(
                file + ": tables.gold.t.size.mx: unknown key (a typo of 'min'?); expected one of: min, max", message);
    }
}
