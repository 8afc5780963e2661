package io.c360.steward;

import static io.c360.test.Cli.c360;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.eval.Evaluation;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.test.Cli.Outcome;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit's estimator is honest: on the generated sample lake, a steward who answers every item from the
 * generator's truth gets 95 % intervals that hold the precision {@code c360 evaluate} measures against
 * that truth, at two sample sizes; the answers and the estimates are stored.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class AuditHonestyTest {

    @Test
    void intervalsFromTruthfulAnswersHoldTheEvaluatedPrecision(SparkSession spark, @TempDir Path dir)
            throws IOException {
        SampleLake.Site site = SampleLake.copy(dir);
        Lake lake = site.lake();
        double truePrecision =
                Evaluation.ofLake(lake, site.config(), false).pairwise().precision();
        Map<String, String> person = truth(spark, site.landing());
        Audits audits = new Audits(lake, site.config());

        int[] sizes = {60, 200};
        for (int i = 0; i < sizes.length; i++) {
            AuditSummary started = audits.start(sizes[i], 100 + i, "truth");
            Map<Integer, String> answers = new HashMap<>();
            for (AuditItem item : audits.items(started.auditId())) {
                String l = person.getOrDefault(item.recordKeyL(), item.recordKeyL());
                String r = person.getOrDefault(item.recordKeyR(), item.recordKeyR());
                answers.put(item.item(), l.equals(r) ? Audits.MATCH : Audits.NON_MATCH);
            }
            AuditSummary done = audits.answer(started.auditId(), answers, "truth");

            assertEquals(AuditSummary.COMPLETE, done.status());
            assertEquals(sizes[i], done.answered());
            Estimate precision = done.precision().orElseThrow();
            System.out.printf(
                    "audit of %d pairs: precision %.4f [%.4f, %.4f] (n_eff %.1f), recall %s; evaluate: %.4f%n",
                    sizes[i],
                    precision.value(),
                    precision.low(),
                    precision.high(),
                    precision.effectiveSampleSize(),
                    done.recall(),
                    truePrecision);
            assertTrue(
                    precision.low() <= truePrecision && truePrecision <= precision.high(),
                    "the 95 % interval " + precision + " holds the evaluated precision " + truePrecision);
            assertEquals(done, audits.latest().orElseThrow());
        }

        List<Row> completed = lake.read(TableCatalog.ACCURACY_AUDITS)
                .filter(col("status").equalTo(AuditSummary.COMPLETE))
                .collectAsList();
        assertEquals(2, completed.size());
        assertTrue(completed.stream().allMatch(r -> !r.isNullAt(r.fieldIndex("precision_low"))));
        assertEquals(
                260,
                lake.read(TableCatalog.AUDIT_ITEMS)
                        .filter(col("answer").isNotNull())
                        .count());

        Path config = config(dir, site);
        Outcome status = c360("audit", "status", "--config", config.toString());
        assertEquals(0, status.code(), status.err());
        assertTrue(status.out().contains("200 of 200 pairs answered"), status.out());
        assertTrue(status.out().contains("precision "), status.out());
        Outcome json = c360("audit", "status", "--json", "--config", config.toString());
        assertEquals(0, json.code(), json.err());
        assertEquals(
                audits.latest().orElseThrow().precision().orElseThrow().value(),
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(json.out())
                        .path("precision")
                        .path("value")
                        .asDouble(),
                1e-12);

        Outcome start = c360(
                "audit", "start", "--size", "30", "--seed", "5", "--steward", "cli", "--config", config.toString());
        assertEquals(0, start.code(), start.err());
        assertTrue(start.out().contains("30 pairs drawn (seed 5) by cli"), start.out());
        assertTrue(start.out().contains("identical") && start.out().contains("other candidates"), start.out());
        Outcome unknown = c360("audit", "status", "--id", "audit-nosuch", "--config", config.toString());
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("no audit 'audit-nosuch'"), unknown.err());
    }

    /** The generator's truth: record key to person. */
    private static Map<String, String> truth(SparkSession spark, Path landing) {
        Map<String, String> person = new HashMap<>();
        for (Row r : spark.read()
                .option("header", "true")
                .csv(landing.resolve("_truth").toString() + "/truth_*.csv")
                .select(concat_ws(":", col("source"), col("record_id")), col("person_id"))
                .collectAsList()) {
            person.put(r.getString(0), r.getString(1));
        }
        return person;
    }

    /** A configuration file for the command line, on this lake and the shipped silver definitions. */
    private static Path config(Path dir, SampleLake.Site site) throws IOException {
        Path file = dir.resolve("c360.yaml");
        Files.writeString(
                file,
                "lake: {root: '" + site.config().lakeRoot() + "'}\n"
                        + "landing: '" + site.landing() + "'\n"
                        + "silver: '" + site.config().requireSilverFolder().toAbsolutePath() + "'\n"
                        + "spark: {master: 'local[2]', app_name: c360-test}\n"
                        + "sources:\n"
                        + "  - {name: crm_contacts, system: crm, format: csv, path: 'crm/*.csv', contract: '"
                        + Path.of("bronze/crm_contacts.yaml").toAbsolutePath() + "'}\n");
        return file;
    }
}
