package io.c360.ops;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.bronze.Lineage;
import io.c360.lake.Checkpoints;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that dies part-way (the process killed, the machine lost) and is simply run again must end
 * where an uninterrupted run ends. The runs here die at a progress line: the progress sink throws an
 * {@link Error}, which no stage's error handling catches, so the run stops right there with whatever
 * it had committed, as a killed process would (only the lake lock is released on the way out; a
 * killed run's stale lock is taken over, see {@code LakeLockTest}).
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class InterruptedRunsTest {
    /** The lake tables a run produces; ops tables log runs and so differ by design. */
    private static final List<String> RESULT_TABLES = List.of(
            "bronze.crm_contacts",
            "bronze.billing_accounts",
            "bronze.support_tickets",
            "bronze.web_events",
            "bronze.ecommerce_orders",
            "bronze.consent_events",
            "bronze._quarantine",
            "silver.identity_records",
            "silver.scored_pairs",
            "silver.match_review",
            "silver.customer_id_map",
            "silver.golden_records",
            "gold.customer",
            "gold.customer_xref",
            "gold.consent",
            "gold.customer_360",
            "gold.segment_membership");

    /** Bronze lineage that names the ingest batch or time: it differs between any two lakes. */
    private static final List<String> BATCH_COLUMNS =
            List.of(Lineage.BATCH_ID, Lineage.INGESTED_AT, "batch_id", "ingested_at");

    private final SparkSession spark;

    InterruptedRunsTest(SparkSession spark) {
        this.spark = spark;
    }

    static final class Killed extends Error {
        Killed(String at) {
            super("killed at: " + at);
        }
    }

    /** A progress sink that kills the run at the first line starting with {@code prefix}. */
    private static Progress killedAt(String prefix) {
        return line -> {
            if (line.startsWith(prefix)) {
                throw new Killed(line);
            }
        };
    }

    @Test
    void runsKilledAtEachStepAndRunAgainEndLikeOneUninterruptedRun(@TempDir Path dir) throws Exception {
        SampleLake.Site uninterrupted = SampleLake.shared();
        assertTrue(SampleLake.sharedRun().succeeded());
        SampleLake.Site site = SampleLake.site(spark, dir, uninterrupted.landing());
        Set<Object> checkpointsBefore =
                Checkpoints.checkpoints(spark.sparkContext()).keySet();

        // Each run is killed one step later than the one before, on the state the previous one left.
        List<String> killPoints = List.of(
                "bronze.billing_accounts", // bronze: the sources in flight appended, the later ones, quarantine and
                // ingest log not
                "trained model", // silver: identity records rewritten and the model saved, nothing else
                "gold: published gold."); // gold: the tables in flight published, the later ones not yet
        for (String killPoint : killPoints) {
            Pipeline pipeline = new Pipeline(site.lake(), site.config(), killedAt(killPoint), site.gold());
            Killed killed = assertThrows(
                    Killed.class,
                    () -> pipeline.run(List.of(Pipeline.Stage.values()), SampleLake.AS_OF, false),
                    "the run reached " + killPoint);
            assertTrue(killed.getMessage().startsWith("killed at: " + killPoint));
        }
        Pipeline.Outcome last = new Pipeline(site.lake(), site.config(), Progress.silent(), site.gold())
                .run(List.of(Pipeline.Stage.values()), SampleLake.AS_OF, false);
        assertTrue(last.succeeded(), () -> last.run().failure().orElse(""));
        Set<Object> leftBehind =
                new HashSet<>(Checkpoints.checkpoints(spark.sparkContext()).keySet());
        leftBehind.removeAll(checkpointsBefore);
        assertEquals(Set.of(), leftBehind, "checkpoints the runs made and still hold, killed runs included");

        List<String> differing = new ArrayList<>();
        for (String table : RESULT_TABLES) {
            TableName name =
                    new TableName(table.substring(0, table.indexOf('.')), table.substring(table.indexOf('.') + 1));
            // The sample lake's tables are small: compared as multisets on the driver, two scans per table.
            Map<String, Long> balance = new HashMap<>();
            comparable(site.lake(), name).collectAsList().forEach(row -> balance.merge(row, 1L, Long::sum));
            comparable(uninterrupted.lake(), name).collectAsList().forEach(row -> balance.merge(row, -1L, Long::sum));
            long onlyHere = balance.values().stream()
                    .filter(n -> n > 0)
                    .mapToLong(Long::longValue)
                    .sum();
            long onlyThere = -balance.values().stream()
                    .filter(n -> n < 0)
                    .mapToLong(Long::longValue)
                    .sum();
            if (onlyHere + onlyThere > 0) {
                differing.add(table + " (" + onlyHere + " rows only after the interrupted runs, " + onlyThere
                        + " only in the uninterrupted run)");
            }
        }
        assertEquals(List.of(), differing, "tables that differ from an uninterrupted run's");
        List<Row> logged = site.lake()
                .read(TableName.ops("pipeline_runs"))
                .select("status")
                .collectAsList();
        assertEquals(
                List.of("succeeded"),
                logged.stream().map(r -> r.getString(0)).toList(),
                "killed runs never logged themselves; the last run did");
        assertFalse(Files.exists(Path.of(site.config().lakeRoot(), "_lock")), "no run holds the lake");
    }

    /** The table's rows as JSON text, batch lineage dropped and collections sorted (their order is not content). */
    private static Dataset<String> comparable(Lake lake, TableName table) {
        Dataset<Row> rows = lake.read(table);
        List<Column> columns = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
            if (BATCH_COLUMNS.contains(f.name())) {
                continue;
            }
            Column c = col("`" + f.name() + "`");
            if (f.dataType() instanceof ArrayType) {
                c = array_sort(c);
            } else if (f.dataType() instanceof MapType) {
                c = array_sort(map_entries(c));
            }
            columns.add(c.as(f.name()));
        }
        return rows.select(to_json(struct(columns.toArray(Column[]::new))).as("row"))
                .as(Encoders.STRING());
    }
}
