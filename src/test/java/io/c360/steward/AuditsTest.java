package io.c360.steward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
@Tag("spark")
class AuditsTest {
    private static final double REVIEW = 0.5;

    /** Silver's three tables an audit reads, built from records and scored pairs. */
    private static final class Silver {
        final List<Row> records = new ArrayList<>();
        final List<Row> customers = new ArrayList<>();
        final List<Row> pairs = new ArrayList<>();

        Silver record(String key, String signature, String customer) {
            records.add(RowFactory.create(key, signature));
            customers.add(RowFactory.create(key, customer));
            return this;
        }

        Silver pair(String l, String r, String decision, double probability) {
            pairs.add(RowFactory.create(l.compareTo(r) < 0 ? l : r, l.compareTo(r) < 0 ? r : l, decision, probability));
            return this;
        }

        Lake write(SparkSession spark, Path dir) {
            Lake lake = new Lake(spark, dir.resolve("lake").toString());
            lake.overwrite(
                    TableCatalog.IDENTITY_RECORDS,
                    spark.createDataFrame(
                            records,
                            new StructType()
                                    .add("record_key", DataTypes.StringType)
                                    .add("signature", DataTypes.StringType)));
            lake.overwrite(
                    TableCatalog.CUSTOMER_ID_MAP,
                    spark.createDataFrame(
                            customers,
                            new StructType()
                                    .add("record_key", DataTypes.StringType)
                                    .add("customer_id", DataTypes.StringType)));
            lake.overwrite(
                    TableCatalog.SCORED_PAIRS,
                    spark.createDataFrame(
                            pairs,
                            new StructType()
                                    .add("l_id", DataTypes.StringType)
                                    .add("r_id", DataTypes.StringType)
                                    .add("decision", DataTypes.StringType)
                                    .add("match_probability", DataTypes.DoubleType)));
            return lake;
        }
    }

    /** One pair of each stratum, and three other candidates. */
    private static Silver everyStratum() {
        return new Silver()
                .record("crm:a1", "s1", "C1")
                .record("web:a2", "s1", "C1")
                .record("crm:a3", "s2", "C1")
                .pair("s1", "s2", "linked_by_rule", 0.7)
                .record("crm:b1", "s3", "C2")
                .record("crm:b2", "s4", "C2")
                .record("crm:b3", "s5", "C2")
                .pair("s3", "s4", "linked", 0.995)
                .pair("s4", "s5", "linked", 0.9)
                .pair("s3", "s5", "non_link", 0.2)
                .record("crm:c1", "s6", "C3")
                .record("crm:c2", "s7", "C3")
                .pair("s6", "s7", "linked_by_steward", 0.3)
                .record("crm:d1", "s8", "C4")
                .record("crm:d2", "s9", "C5")
                .pair("s8", "s9", "review", 0.6)
                .pair("s6", "s8", "non_link", 0.1)
                .pair("s1", "s9", "non_link", 0.02);
    }

    /** {@code customers} customers of three records each (a chain a–b–c), and candidates between neighbours. */
    private static Silver many(int customers) {
        Silver s = new Silver();
        for (int c = 0; c < customers; c++) {
            for (String r : List.of("a", "b", "c")) {
                s.record("crm:" + c + r, c + r, "C" + c);
            }
            s.pair(c + "a", c + "b", "linked", c % 2 == 0 ? 0.999 : 0.9);
            s.pair(c + "b", c + "c", "linked_by_rule", 1.0);
            if (c > 0) {
                s.pair((c - 1) + "c", c + "a", c % 3 == 0 ? "review" : "non_link", c % 3 == 0 ? 0.7 : 0.1);
            }
        }
        return s;
    }

    private static Audits audits(Lake lake) {
        return new Audits(lake, REVIEW, Clock.systemUTC());
    }

    private static Map<String, Long> populations(AuditSummary audit) {
        Map<String, Long> p = new LinkedHashMap<>();
        audit.strata().forEach(s -> p.put(s.name(), s.population()));
        return p;
    }

    @Test
    void strataFollowHowRecordsWereJoined(SparkSession spark, @TempDir Path dir) {
        Audits audits = audits(everyStratum().write(spark, dir));
        AuditSummary audit = audits.start(100, 7, "ann");

        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put(Audits.IDENTICAL, 1L);
        expected.put(Audits.RULE, 2L);
        expected.put(Audits.STEWARD, 1L);
        expected.put(Audits.MODEL_HIGH, 1L);
        expected.put(Audits.MODEL_LOW, 1L);
        expected.put(Audits.CHAINED, 1L);
        expected.put(Audits.NEAR_THRESHOLD, 1L);
        expected.put(Audits.OTHER_CANDIDATES, 3L);
        assertEquals(expected, populations(audit));
        // A population smaller than the size asked for is audited whole.
        assertEquals(11, audit.size());
        assertEquals(AuditSummary.OPEN, audit.status());
        assertEquals("ann", audit.startedBy());
        List<AuditItem> items = audits.items(audit.auditId());
        assertEquals(11, items.size());
        assertTrue(items.stream().allMatch(i -> i.answer().isEmpty()));
        assertTrue(items.stream().allMatch(i -> i.recordKeyL().compareTo(i.recordKeyR()) < 0));
    }

    @Test
    void theSameSeedDrawsTheSameSampleAndAnotherSeedAnother(SparkSession spark, @TempDir Path dir) {
        Lake lake = many(200).write(spark, dir);
        Audits audits = audits(lake);
        AuditSummary first = audits.start(30, 42, "ann");
        AuditSummary again = audits.start(30, 42, "bob");
        AuditSummary other = audits.start(30, 43, "ann");

        assertNotEquals(first.auditId(), again.auditId());
        assertEquals(pairs(audits.items(first.auditId())), pairs(audits.items(again.auditId())));
        assertNotEquals(pairs(audits.items(first.auditId())), pairs(audits.items(other.auditId())));
        assertEquals(30, first.size());
        // 600 pairs share a customer (3 per customer), 199 candidates do not: 2/3 and 1/3 of 30.
        assertEquals(
                20,
                first.strata().stream()
                        .filter(s -> s.purpose().equals(Stratum.PRECISION))
                        .mapToInt(Stratum::sampled)
                        .sum());
        assertEquals(
                10,
                first.strata().stream()
                        .filter(s -> s.purpose().equals(Stratum.RECALL))
                        .mapToInt(Stratum::sampled)
                        .sum());
        // The presentation order mixes the strata: the items are not grouped by stratum.
        List<String> strata = lake
                .read(TableCatalog.AUDIT_ITEMS)
                .filter("audit_id = '" + first.auditId() + "'")
                .orderBy("item")
                .collectAsList()
                .stream()
                .map(r -> r.<String>getAs("stratum"))
                .toList();
        long runs = java.util.stream.IntStream.range(1, strata.size())
                .filter(i -> !strata.get(i).equals(strata.get(i - 1)))
                .count();
        assertTrue(runs > 8, "strata in presentation order: " + strata);
    }

    private static List<String> pairs(List<AuditItem> items) {
        return items.stream().map(i -> i.recordKeyL() + "|" + i.recordKeyR()).toList();
    }

    @Test
    void answersCompleteTheAuditAndALaterAnswerWinsWhileBothAreKept(SparkSession spark, @TempDir Path dir) {
        Lake lake = everyStratum().write(spark, dir);
        Audits audits = audits(lake);
        AuditSummary audit = audits.start(11, 1, "ann");
        List<AuditItem> items = audits.items(audit.auditId());

        audits.answer(audit.auditId(), 1, Audits.NON_MATCH, "ann");
        AuditSummary changed = audits.answer(audit.auditId(), 1, Audits.MATCH, "bob");
        assertEquals(1, changed.answered());
        assertEquals(
                Optional.of(Audits.MATCH), audits.items(audit.auditId()).get(0).answer());
        List<Row> stored = lake.read(TableCatalog.AUDIT_ITEMS)
                .filter("audit_id = '" + audit.auditId() + "' AND item = 1 AND answer IS NOT NULL")
                .orderBy("answered_at")
                .collectAsList();
        assertEquals(
                List.of("non_match:ann", "match:bob"),
                stored.stream()
                        .map(r -> r.getAs("answer") + ":" + r.getAs("steward"))
                        .toList());
        assertTrue(audits.latest().isEmpty(), "no audit is complete yet");

        AuditSummary last = null;
        for (AuditItem item : items.subList(1, items.size())) {
            last = audits.answer(audit.auditId(), item.item(), Audits.MATCH, "bob");
        }
        assertEquals(AuditSummary.COMPLETE, last.status());
        assertTrue(last.completedAt().isPresent());
        assertEquals(1.0, last.precision().orElseThrow().value(), 1e-12);
        // The whole population answered: every candidate pair apart is a missed match here.
        assertEquals(7.0 / 11, last.recall().orElseThrow().value(), 1e-12);
        assertEquals(last, audits.latest().orElseThrow());
        assertEquals(last, audits.audit(audit.auditId()).orElseThrow());

        List<Row> events = lake.read(TableCatalog.ACCURACY_AUDITS).orderBy("at").collectAsList();
        assertEquals(
                List.of("open", "complete"),
                events.stream().map(r -> r.<String>getAs("status")).toList());
        assertEquals(1.0, events.get(1).<Double>getAs("precision"), 1e-12);
        assertFalse(lake.read(TableCatalog.ACCURACY_AUDITS).columns().length == 0);
        assertTrue(
                java.util.Arrays.stream(lake.read(TableCatalog.ACCURACY_AUDITS).columns())
                        .noneMatch(c -> c.startsWith("record_key")),
                "no record keys in the audit log");

        C360Exception closed =
                assertThrows(C360Exception.class, () -> audits.answer(audit.auditId(), 2, Audits.MATCH, "ann"));
        assertTrue(closed.getMessage().contains("complete"), closed.getMessage());
    }

    @Test
    void finishingEarlyStoresWhatIsAnswered(SparkSession spark, @TempDir Path dir) {
        Lake lake = many(50).write(spark, dir);
        Audits audits = audits(lake);
        AuditSummary audit = audits.start(12, 3, "ann");
        assertEquals(
                List.of(audit.auditId()),
                audits.open().stream().map(AuditSummary::auditId).toList());
        for (AuditItem item : audits.items(audit.auditId())) {
            audits.answer(audit.auditId(), item.item(), Audits.UNSURE, "ann");
            break;
        }
        AuditSummary finished = audits.finish(audit.auditId(), "ann");
        assertEquals(AuditSummary.COMPLETE, finished.status());
        assertEquals(1, finished.answered());
        assertTrue(finished.precision().isEmpty(), "an unsure answer is no evidence");
        assertEquals(finished, audits.audit(audit.auditId()).orElseThrow());
        assertTrue(audits.open().isEmpty(), "a finished audit is no longer open");
        assertThrows(C360Exception.class, () -> audits.finish(audit.auditId(), "ann"));
    }

    @Test
    void wrongInputIsRefusedAndChangesNothing(SparkSession spark, @TempDir Path dir) {
        Path empty = dir.resolve("empty");
        Audits none = audits(new Lake(spark, empty.resolve("lake").toString()));
        C360Exception noLake = assertThrows(C360Exception.class, () -> none.start(10, 1, "ann"));
        assertTrue(noLake.getMessage().contains("silver"), noLake.getMessage());
        assertTrue(none.latest().isEmpty());

        Audits noCustomers = audits(new Silver().record("crm:x", "s1", "C1").write(spark, dir.resolve("single")));
        C360Exception single = assertThrows(C360Exception.class, () -> noCustomers.start(10, 1, "ann"));
        assertTrue(single.getMessage().contains("two or more records"), single.getMessage());

        Lake lake = everyStratum().write(spark, dir.resolve("lake"));
        Audits audits = audits(lake);
        assertTrue(assertThrows(C360Exception.class, () -> audits.start(0, 1, "ann"))
                .getMessage()
                .contains("at least 1"));
        assertTrue(assertThrows(C360Exception.class, () -> audits.start(3, 1, "ann"))
                .getMessage()
                .contains("cannot cover 8 strata"));
        assertThrows(C360Exception.class, () -> audits.start(10, 1, " "));
        assertFalse(lake.exists(TableCatalog.ACCURACY_AUDITS), "a refused start writes nothing");

        AuditSummary audit = audits.start(11, 1, "ann");
        long rows = lake.read(TableCatalog.AUDIT_ITEMS).count();
        assertTrue(assertThrows(C360Exception.class, () -> audits.answer(audit.auditId(), 1, "yes", "ann"))
                .getMessage()
                .contains("match, non_match, unsure"));
        assertTrue(assertThrows(C360Exception.class, () -> audits.answer(audit.auditId(), 12, "match", "ann"))
                .getMessage()
                .contains("expected 1 to 11"));
        assertThrows(C360Exception.class, () -> audits.answer("audit-nosuch", 1, "match", "ann"));
        assertThrows(C360Exception.class, () -> audits.items("audit-nosuch"));
        assertTrue(audits.audit("audit-nosuch").isEmpty());
        assertEquals(rows, lake.read(TableCatalog.AUDIT_ITEMS).count(), "refused answers write nothing");
        assertEquals(
                Map.of("open", 1L),
                lake.read(TableCatalog.ACCURACY_AUDITS).collectAsList().stream()
                        .collect(Collectors.groupingBy(r -> r.<String>getAs("status"), Collectors.counting())));
    }
}
