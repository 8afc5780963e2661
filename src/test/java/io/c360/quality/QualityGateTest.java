package io.c360.quality;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome.Level;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of check passing and failing on tiny tables, levels, anomalies across runs, the ops tables. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class QualityGateTest {
    private static final TableName XREF = TableName.gold("xref");
    private static final TableName CUSTOMER = TableName.gold("customer");
    private static final String XREF_CHECKS = """
      tables:
        gold.xref:
          size: {min: 1}
          complete: [record_key, customer_id]
          unique: [record_key, [customer_id, source]]
          values: {match_method: [single, rule, model, steward]}
          ranges: {match_probability: {min: 0, max: 1}}
          patterns: {customer_id: '^C[0-9]+$'}
          references: {customer_id: gold.customer.customer_id}
      """;

    private final SparkSession spark;
    private final Lake lake;

    QualityGateTest(SparkSession spark, @TempDir Path home) {
        this.spark = spark;
        this.lake = new Lake(spark, home.resolve("lake").toString());
    }

    private static QualityGate gate(String yaml) {
        return QualityGate.parse("test.yaml", yaml);
    }

    /** Rows of (record_key, customer_id, source, match_method, match_probability). */
    private Dataset<Row> xref(String... rows) {
        return spark.sql(
                "SELECT record_key, customer_id, source, match_method, CAST(p AS DOUBLE) AS match_probability FROM VALUES "
                        + String.join(", ", rows) + " AS t(record_key, customer_id, source, match_method, p)");
    }

    private Dataset<Row> customers(String... ids) {
        return spark.sql("SELECT * FROM VALUES "
                + Arrays.stream(ids).map(id -> "('" + id + "')").collect(Collectors.joining(", "))
                + " AS t(customer_id)");
    }

    private Dataset<Row> rows(int n) {
        return spark.range(n).toDF("id");
    }

    private static Map<String, CheckOutcome> byCheck(List<CheckOutcome> outcomes) {
        Map<String, CheckOutcome> out = new LinkedHashMap<>();
        outcomes.forEach(o -> out.put(o.check(), o));
        return out;
    }

    @Test
    void cleanTablePassesEveryCheckUnderItsStableName() {
        List<CheckOutcome> outcomes = gate(XREF_CHECKS)
                .verify(
                        lake,
                        "r1",
                        Map.of(
                                XREF,
                                        xref(
                                                "('crm:1', 'C1', 'crm', 'single', NULL)",
                                                "('crm:2', 'C2', 'crm', 'rule', 0.9)",
                                                "('web:3', 'C1', 'web', 'model', 0.95)",
                                                "('web:4', 'C2', 'web', 'steward', 1.0)"),
                                CUSTOMER, customers("C1", "C2", "C3")));

        assertEquals(
                List.of(
                        "size(>= 1)",
                        "complete(record_key)",
                        "complete(customer_id)",
                        "unique(record_key)",
                        "unique(customer_id, source)",
                        "values(match_method in [single, rule, model, steward])",
                        "ranges(match_probability in 0..1)",
                        "patterns(customer_id ~ ^C[0-9]+$)",
                        "references(customer_id -> gold.customer.customer_id)"),
                outcomes.stream().map(CheckOutcome::check).toList());
        outcomes.forEach(o -> assertTrue(o.passed(), o.message()));
        Map<String, CheckOutcome> by = byCheck(outcomes);
        assertEquals(
                "gold.xref: size(>= 1) passed: 4 rows", by.get("size(>= 1)").message());
        assertEquals(
                "gold.xref: complete(customer_id) passed: completeness 1.0",
                by.get("complete(customer_id)").message());
        assertEquals(
                "gold.xref: references(customer_id -> gold.customer.customer_id) passed: every value found in gold.customer.customer_id",
                by.get("references(customer_id -> gold.customer.customer_id)").message());
    }

    @Test
    void failingChecksSayWhatTheyFoundAndWhatWasExpected() {
        List<CheckOutcome> outcomes = gate(XREF_CHECKS)
                .verify(
                        lake,
                        "r1",
                        Map.of(
                                XREF,
                                        xref(
                                                "('crm:1', 'C1', 'crm', 'single', NULL)",
                                                "('crm:1', NULL, 'crm', 'rule', 0.9)",
                                                "('web:3', 'X9', 'web', 'auto', 1.5)",
                                                "('web:4', 'C1', 'crm', 'model', 0.5)"),
                                CUSTOMER, customers("C1", "C2")));

        Map<String, CheckOutcome> by = byCheck(outcomes);
        assertTrue(by.get("size(>= 1)").passed());
        assertTrue(by.get("complete(record_key)").passed());
        assertEquals(
                "gold.xref: complete(customer_id) failed: completeness 0.75 (1 of 4 rows null), expected 1.0",
                by.get("complete(customer_id)").message());
        assertEquals(
                "gold.xref: unique(record_key) failed: 1 duplicate value (e.g. 'crm:1' in 2 rows), expected each value at most once",
                by.get("unique(record_key)").message());
        assertEquals(
                "gold.xref: unique(customer_id, source) failed: 1 duplicate value (e.g. ('C1', 'crm') in 2 rows), "
                        + "expected each value at most once",
                by.get("unique(customer_id, source)").message());
        assertEquals(
                "gold.xref: values(match_method in [single, rule, model, steward]) failed: 1 of 4 rows with another value "
                        + "(e.g. 'auto'), expected one of [single, rule, model, steward]",
                by.get("values(match_method in [single, rule, model, steward])").message());
        assertEquals(
                "gold.xref: ranges(match_probability in 0..1) failed: 1 of 4 rows out of range (e.g. 1.5), "
                        + "expected 0 <= match_probability <= 1",
                by.get("ranges(match_probability in 0..1)").message());
        assertEquals(
                "gold.xref: patterns(customer_id ~ ^C[0-9]+$) failed: 1 of 4 rows not matching (e.g. 'X9'), "
                        + "expected values matching ^C[0-9]+$",
                by.get("patterns(customer_id ~ ^C[0-9]+$)").message());
        assertEquals(
                "gold.xref: references(customer_id -> gold.customer.customer_id) failed: 1 row (1 distinct value) not found "
                        + "in gold.customer.customer_id (e.g. 'X9'), expected none",
                by.get("references(customer_id -> gold.customer.customer_id)").message());
        outcomes.stream().filter(o -> !o.passed()).forEach(o -> assertTrue(o.blocks(), o.check() + " is an error"));
    }

    @Test
    void emptyTableFailsOnlyItsSizeAndOneSidedBoundsAreNamedAsSuch() {
        QualityGate gate = gate("""
        tables:
          gold.t:
            size: {min: 1, max: 10}
            complete: [id]
            unique: [id]
            values: {id: ['1']}
            ranges: {id: {min: 0}}
        """);
        Map<String, CheckOutcome> by = byCheck(gate.verify(lake, "r1", Map.of(TableName.gold("t"), rows(0))));

        assertEquals(
                "gold.t: size(1..10) failed: 0 rows, expected 1..10",
                by.get("size(1..10)").message());
        for (String check : List.of("complete(id)", "unique(id)", "values(id in [1])", "ranges(id >= 0)")) {
            assertEquals(
                    "gold.t: " + check + " passed: no values to check",
                    by.get(check).message());
        }
    }

    @Test
    void warningsAreReportedButDoNotBlock() {
        QualityGate gate = gate("""
        tables:
          gold.t:
            ranges: {id: {max: 1}}
            warning:
              ranges: {id: {max: 0}}
        """);
        Map<String, CheckOutcome> by = byCheck(gate.verify(lake, "r1", Map.of(TableName.gold("t"), rows(2))));

        CheckOutcome error = by.get("ranges(id <= 1)");
        CheckOutcome warning = by.get("ranges(id <= 0)");
        assertEquals(Level.error, error.level());
        assertTrue(error.passed());
        assertEquals(Level.warning, warning.level());
        assertFalse(warning.passed());
        assertFalse(warning.blocks());
        assertEquals(
                "gold.t: ranges(id <= 0) failed: 1 of 2 rows out of range (e.g. 1), expected id <= 0",
                warning.message());
    }

    @Test
    void checksOnMissingOrUnfitColumnsFailWithoutStoppingTheOthers() {
        QualityGate gate = gate("""
        tables:
          gold.t:
            complete: [id, nope]
            ranges: {name: {min: 0}}
            patterns: {id: '^1$'}
        """);
        Map<String, CheckOutcome> by =
                byCheck(gate.verify(lake, "r1", Map.of(TableName.gold("t"), spark.sql("SELECT 1 AS id, 'x' AS name"))));

        assertTrue(by.get("complete(id)").passed());
        assertEquals(
                "gold.t: complete(nope) failed: column nope not found, expected the table to have it",
                by.get("complete(nope)").message());
        assertEquals(
                "gold.t: ranges(name >= 0) failed: column name is string, expected a numeric column",
                by.get("ranges(name >= 0)").message());
        assertEquals(
                "gold.t: patterns(id ~ ^1$) failed: column id is int, expected a string column",
                by.get("patterns(id ~ ^1$)").message());
    }

    @Test
    void sizeAnomalyComparesWithThePreviousRun() {
        QualityGate gate = gate("""
        tables:
          gold.t:
            anomaly: {size_change_percent: 50}
        """);
        TableName t = TableName.gold("t");
        String check = "anomaly(size_change_percent <= 50)";

        CheckOutcome first =
                byCheck(gate.verify(lake, "r1", Map.of(t, rows(2)))).get(check);
        CheckOutcome steady =
                byCheck(gate.verify(lake, "r2", Map.of(t, rows(2)))).get(check);
        CheckOutcome jump = byCheck(gate.verify(lake, "r3", Map.of(t, rows(6)))).get(check);
        CheckOutcome again =
                byCheck(gate.verify(lake, "r3", Map.of(t, rows(6)))).get(check);

        assertEquals("gold.t: " + check + " passed: 2 rows; no previous run to compare with", first.message());
        assertEquals("gold.t: " + check + " passed: 2 rows vs 2 in run r1 (+0%)", steady.message());
        assertEquals(
                "gold.t: " + check + " failed: 6 rows vs 2 in run r2 (+200%), expected a change of at most 50%",
                jump.message());
        assertTrue(jump.blocks());
        assertEquals(
                jump.message(), again.message(), "a repeated run compares with the run before it, not with itself");
    }

    @Test
    void metricsAndOutcomesArePersistedPerRun() {
        List<CheckOutcome> outcomes = gate(XREF_CHECKS)
                .verify(
                        lake,
                        "r7",
                        Map.of(
                                XREF,
                                        xref(
                                                "('crm:1', 'C1', 'crm', 'single', NULL)",
                                                "('crm:2', NULL, 'crm', 'rule', 0.9)",
                                                "('web:3', 'X9', 'web', 'model', 0.5)",
                                                "('web:4', 'C1', 'web', 'model', 0.5)"),
                                CUSTOMER, customers("C1")));

        Map<String, Double> metrics = lake
                .read(QualityGate.METRICS)
                .where(col("run_id").equalTo("r7").and(col("table").equalTo("gold.xref")))
                .collectAsList()
                .stream()
                .collect(Collectors.toMap(
                        r -> r.getAs("metric") + "/" + r.getAs("instance"), r -> r.<Double>getAs("value")));
        assertEquals(4.0, metrics.get("Size/*"));
        assertEquals(0.75, metrics.get("Completeness/customer_id"));
        assertEquals(1.0, metrics.get("MissingReferences/customer_id"));
        assertEquals(2.0 / 3, metrics.get("PatternMatch/customer_id"), 1e-9, "non-null ids matching");

        List<Row> results = lake.read(QualityGate.RESULTS)
                .where(col("run_id").equalTo("r7"))
                .collectAsList();
        assertEquals(outcomes.size(), results.size());
        Row failed = results.stream()
                .filter(r -> r.<String>getAs("check").equals("complete(customer_id)"))
                .findFirst()
                .orElseThrow();
        assertEquals("gold.xref", failed.getAs("table"));
        assertEquals("error", failed.getAs("level"));
        assertFalse(failed.<Boolean>getAs("passed"));
        assertEquals(
                "gold.xref: complete(customer_id) failed: completeness 0.75 (1 of 4 rows null), expected 1.0",
                failed.getAs("message"));
        assertTrue(failed.getAs("checked_at") != null);
    }

    @Test
    void verifyLakeReadsDeclaredTablesAndReportsMissingOnes() {
        lake.append(XREF, xref("('crm:1', 'C1', 'crm', 'single', NULL)"));
        lake.append(CUSTOMER, customers("C1"));
        QualityGate gate = gate("""
        tables:
          gold.xref:
            references: {customer_id: gold.customer.customer_id}
          gold.segments:
            warning:
              size: {min: 1}
        """);

        List<CheckOutcome> outcomes = gate.verifyLake(lake, "r1");

        CheckOutcome missing = outcomes.stream()
                .filter(o -> o.table().equals("gold.segments"))
                .findFirst()
                .orElseThrow();
        assertEquals("exists", missing.check());
        assertEquals(Level.warning, missing.level());
        assertEquals(
                "gold.segments: exists failed: no Delta table at " + lake.location(TableName.gold("segments"))
                        + ", expected one",
                missing.message());
        CheckOutcome reference = outcomes.stream()
                .filter(o -> o.table().equals("gold.xref"))
                .findFirst()
                .orElseThrow();
        assertTrue(reference.passed(), reference.message());
        assertEquals(List.of(XREF, TableName.gold("segments")), gate.tables());
    }

    @Test
    void verifyLakeReadsOnlyCheckedColumnsYetReferencesAndMissingColumnsResolveAsDeclared() {
        lake.append(XREF, xref("('crm:1', 'C1', 'crm', 'single', NULL)", "('crm:2', 'C9', 'crm', 'rule', 0.9)"));
        lake.append(CUSTOMER, spark.sql("SELECT 'C1' AS customer_id, 'Ann' AS name"));
        QualityGate gate = gate("""
        tables:
          gold.xref:
            references: {customer_id: gold.customer.customer_id}
          gold.customer:
            complete: [name, nope]
        """);

        Map<String, CheckOutcome> by = byCheck(gate.verifyLake(lake, "r1"));

        assertEquals(
                "gold.xref: references(customer_id -> gold.customer.customer_id) failed: 1 row (1 distinct value) not found in"
                        + " gold.customer.customer_id (e.g. 'C9'), expected none",
                by.get("references(customer_id -> gold.customer.customer_id)").message(),
                "the referenced column is kept although no check of gold.customer reads it");
        assertTrue(by.get("complete(name)").passed());
        assertEquals(
                "gold.customer: complete(nope) failed: column nope not found, expected the table to have it",
                by.get("complete(nope)").message());
    }

    @Test
    void onlyColumnsKeepsTheWantedOnesInTableOrderOrTheWholeTableWhenNoneIsThere() {
        Dataset<Row> table = spark.sql("SELECT 1 AS a, 2 AS b, 3 AS `c.d`");

        assertEquals(
                List.of("a", "c.d"),
                Arrays.asList(
                        QualityGate.onlyColumns(table, Set.of("c.d", "a", "z")).columns()));
        assertEquals(
                List.of("a", "b", "c.d"),
                Arrays.asList(QualityGate.onlyColumns(table, Set.of("z")).columns()));
    }
}
