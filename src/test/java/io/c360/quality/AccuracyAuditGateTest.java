package io.c360.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code accuracy_audit:} of a quality file: publication needs a recent completed audit of enough precision. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class AccuracyAuditGateTest {
    private static final TableName TABLE = TableName.gold("customer");
    private static final String GATE = """
      accuracy_audit: {min_precision: 0.95, max_age_days: 30}
      tables:
        gold.customer:
          size: {min: 1}
      """;

    private final SparkSession spark;
    private final Lake lake;

    AccuracyAuditGateTest(SparkSession spark, @TempDir Path home) {
        this.spark = spark;
        this.lake = new Lake(spark, home.resolve("lake").toString());
    }

    private CheckOutcome verify(String yaml) {
        List<CheckOutcome> outcomes = QualityGate.parse("quality.yaml", yaml)
                .verify(lake, "run-1", Map.of(TABLE, spark.range(3).toDF("customer_id")));
        return outcomes.stream()
                .filter(o -> o.check().equals(AccuracyAudit.CHECK))
                .findFirst()
                .orElseThrow();
    }

    /** An audit's event, {@code age} before now; complete ones carry a precision (null: not estimable). */
    private void audit(String id, String status, Duration age, Double precision) {
        Row row = RowFactory.create(
                id,
                status,
                "ann",
                Timestamp.from(Instant.now().minus(age)),
                60,
                1L,
                0.5,
                60,
                List.of(),
                precision,
                precision == null ? null : precision - 0.05,
                precision == null ? null : Math.min(1, precision + 0.02),
                precision == null ? null : 50.0,
                null,
                null,
                null,
                null);
        lake.append(
                TableCatalog.ACCURACY_AUDITS, spark.createDataFrame(List.of(row), TableCatalog.ACCURACY_AUDITS_SCHEMA));
    }

    @Test
    void blocksWithoutACompletedAudit() {
        CheckOutcome none = verify(GATE);
        assertTrue(none.blocks());
        assertEquals("ops.accuracy_audits", none.table());
        assertTrue(
                none.message()
                        .startsWith("ops.accuracy_audits: accuracy_audit failed: no accuracy audit completed yet"),
                none.message());

        audit("audit-open", "open", Duration.ofDays(1), null);
        assertTrue(verify(GATE).blocks(), "an open audit is not an audit");
    }

    @Test
    void passesOnARecentAuditAtOrAboveTheFloorAndBlocksOtherwise() {
        audit("audit-old", "complete", Duration.ofDays(40), 0.99);
        CheckOutcome old = verify(GATE);
        assertTrue(old.blocks());
        assertTrue(old.message().contains("audit-old, completed 40 days ago"), old.message());

        audit("audit-low", "complete", Duration.ofDays(2), 0.93);
        CheckOutcome low = verify(GATE);
        assertTrue(low.blocks());
        assertTrue(
                low.message().contains("precision 0.9300")
                        && low.message()
                                .contains("expected a completed audit of the last 30 days with precision >= 0.95"),
                low.message());

        audit("audit-good", "complete", Duration.ofDays(1), 0.96);
        CheckOutcome good = verify(GATE);
        assertTrue(good.passed(), good.message());
        assertFalse(good.blocks());
        assertTrue(
                good.message()
                        .startsWith(
                                "ops.accuracy_audits: accuracy_audit passed: accuracy audit audit-good (1 day old): precision 0.9600"),
                good.message());

        audit("audit-unanswered", "complete", Duration.ofHours(1), null);
        CheckOutcome unanswered = verify(GATE);
        assertTrue(unanswered.blocks());
        assertTrue(unanswered.message().contains("no precision estimate"), unanswered.message());
    }

    @Test
    void offUnlessDeclared() {
        List<CheckOutcome> outcomes = QualityGate.parse("quality.yaml", "tables: {gold.customer: {size: {min: 1}}}")
                .verify(lake, "run-1", Map.of(TABLE, spark.range(3).toDF("customer_id")));
        assertTrue(outcomes.stream().noneMatch(o -> o.check().equals(AccuracyAudit.CHECK)));
    }

    @Test
    void aMistakenDeclarationNamesTheKey() {
        C360Exception floor = assertThrows(
                C360Exception.class,
                () -> QualityGate.parse(
                        "quality.yaml",
                        "accuracy_audit: {min_precision: 95, max_age_days: 30}\ntables: {gold.customer: {size: {min: 1}}}"));
        assertTrue(floor.getMessage().contains("min_precision"), floor.getMessage());
        C360Exception missing = assertThrows(
                C360Exception.class,
                () -> QualityGate.parse(
                        "quality.yaml",
                        "accuracy_audit: {min_precision: 0.9}\ntables: {gold.customer: {size: {min: 1}}}"));
        assertTrue(missing.getMessage().contains("max_age_days"), missing.getMessage());
    }
}
