package io.c360.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark on a tiny population: every field present and plausible; no timing threshold. */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class BenchmarkTest {
    private final SparkSession spark;

    BenchmarkTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void measuresEveryStageAndMatchQualityOnAFreshLake(@TempDir Path dir) throws IOException {
        Path work = dir.resolve("bench");
        C360Config shipped = C360Config.load(Path.of(C360Config.DEFAULT_FILE));
        List<String> progress = new ArrayList<>();
        Benchmark.Result result =
                Benchmark.run(shipped, new Benchmark.Settings(40, 3, work, false, "test"), cfg -> spark, progress::add);

        JsonNode json = new ObjectMapper().readTree(result.json());
        assertEquals("succeeded", json.get("status").asText(), result.json());
        assertTrue(json.get("failure").isNull());
        assertEquals(40, json.get("persons").asInt());
        assertEquals(3, json.get("seed").asLong());
        assertEquals("test", json.get("note").asText());
        assertTrue(
                json.get("started_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
                json.get("started_at").asText());
        assertTrue(json.has("git_commit"));

        long sourceRecords = json.get("source_records").asLong();
        assertTrue(sourceRecords > 40, "source records " + sourceRecords);
        assertEquals(6, json.get("records_per_source").size());
        long identityRecords = json.get("identity_records").asLong();
        assertTrue(identityRecords > 0 && identityRecords <= sourceRecords, "identity records " + identityRecords);
        assertTrue(json.get("distinct_identities").asLong() > 0
                && json.get("distinct_identities").asLong() <= identityRecords);
        assertTrue(json.get("candidate_pairs").asLong() > 0);
        assertTrue(json.get("linked_pairs").asLong() >= 0);
        assertTrue(json.get("customers").asLong() > 0);
        assertTrue(json.get("pairs_scored_per_second").asDouble() > 0);

        JsonNode seconds = json.get("seconds");
        for (String f :
                List.of("generate", "spark_start", "bronze", "silver", "gold", "pipeline", "evaluate", "total")) {
            assertTrue(seconds.get(f).isNumber() && seconds.get(f).asDouble() >= 0, f + ": " + seconds);
        }
        for (String f : List.of("bronze", "silver", "gold", "pipeline", "evaluate", "total")) {
            assertTrue(seconds.get(f).asDouble() > 0, f + " > 0: " + seconds);
        }
        double stages = seconds.get("bronze").asDouble()
                + seconds.get("silver").asDouble()
                + seconds.get("gold").asDouble();
        assertTrue(stages <= seconds.get("pipeline").asDouble(), "stages within the run: " + seconds);
        assertTrue(seconds.get("pipeline_other").asDouble() >= 0);
        assertTrue(seconds.get("pipeline").asDouble() < seconds.get("total").asDouble());

        List<String> stageNames = new ArrayList<>();
        json.get("stages").forEach(s -> {
            stageNames.add(s.get("stage").asText());
            assertEquals("succeeded", s.get("status").asText());
            assertTrue(s.get("seconds").asDouble() > 0);
        });
        assertEquals(List.of("bronze", "silver", "gold"), stageNames);

        JsonNode e = json.get("evaluation");
        assertEquals(identityRecords, e.get("records").asLong());
        for (String f : List.of("blocking_recall", "blocking_recall_connected", "reduction_ratio")) {
            assertTrue(e.get(f).asDouble() >= 0 && e.get(f).asDouble() <= 1, f + ": " + e);
        }
        for (JsonNode m : List.of(e.get("pairwise"), e.get("bcubed"))) {
            for (String f : List.of("precision", "recall", "f1")) {
                assertTrue(m.get(f).asDouble() >= 0 && m.get(f).asDouble() <= 1, f + ": " + m);
            }
        }
        assertTrue(e.get("bcubed").get("f1").asDouble() > 0.5, "a tiny population still matches: " + e);
        assertTrue(e.get("clusters").asLong() > 0);
        assertTrue(e.get("over_merged_clusters").asLong() >= 0
                && e.get("over_merged_clusters").asLong() <= e.get("clusters").asLong());
        assertTrue(e.get("clusters_joining_twins").asLong() >= 0);

        JsonNode memory = json.get("memory");
        long max = memory.get("max_heap_bytes").asLong();
        double gc = memory.get("gc_seconds").asDouble(-1);
        assertTrue(gc >= 0 && gc <= json.get("seconds").get("total").asDouble(), "gc seconds " + gc);
        assertTrue(
                memory.get("peak_heap_used_bytes").asLong() > 0
                        && memory.get("peak_heap_used_bytes").asLong() <= max,
                memory.toString());
        assertTrue(memory.get("samples").asLong() > 0);
        assertEquals(200, memory.get("sample_interval_ms").asLong());
        if (Files.exists(Path.of("/proc/self/status"))) {
            assertTrue(memory.get("peak_rss_bytes").asLong() > 0, memory.toString());
        }

        JsonNode machine = json.get("machine");
        assertEquals(
                Runtime.getRuntime().availableProcessors(), machine.get("cores").asInt());
        assertEquals(
                System.getProperty("java.version"), machine.get("java_version").asText());
        assertFalse(machine.get("os").asText().isBlank());
        assertTrue(json.get("spark").get("version").asText().startsWith("3."));

        JsonNode jobs = json.get("profile").get("spark_jobs");
        for (String stage : List.of("bronze", "silver", "gold", "evaluate")) {
            assertTrue(
                    jobs.has(stage) && jobs.get(stage).get("jobs").asLong() > 0, stage + " jobs: " + jobs.fieldNames());
        }
        assertTrue(jobs.get("gold").get("delta_jobs").get("jobs").asLong()
                <= jobs.get("gold").get("jobs").asLong());
        assertTrue(jobs.get("gold").get("top_call_sites").size() > 0);
        JsonNode goldSamples = json.get("profile").get("driver_samples").get("gold");
        assertTrue(goldSamples.get("samples").asLong() > 0
                && goldSamples.get("waiting_seconds").asDouble()
                        <= goldSamples.get("seconds").asDouble());
        assertTrue(goldSamples.get("top_frames").size() > 0);
        assertTrue(goldSamples.get("gc_seconds").asDouble(-1) >= 0);
        assertTrue(Benchmark.profileText(result).contains("gold"));

        String header = Benchmark.markdownHeader();
        String row = Benchmark.markdownRow(result);
        assertEquals(2, header.lines().count());
        long columns = header.lines()
                .findFirst()
                .orElseThrow()
                .chars()
                .filter(c -> c == '|')
                .count();
        assertEquals(columns, row.chars().filter(c -> c == '|').count(), row);
        assertTrue(row.contains("| 40 |") && row.contains("succeeded; test"), row);

        assertTrue(json.get("work").isNull());
        assertFalse(
                Files.exists(work.resolve("lake")) || Files.exists(work.resolve("landing")), "work folder cleaned up");
        assertTrue(progress.stream().anyMatch(l -> l.startsWith("bench: succeeded")), progress.toString());
    }

    @Test
    void refusesAWorkFolderThatIsNotEmpty(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("something.txt"), "x");
        C360Config shipped = C360Config.load(Path.of(C360Config.DEFAULT_FILE));
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> Benchmark.run(
                        shipped, new Benchmark.Settings(5, 1, dir, false, null), cfg -> spark, Progress.silent()));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertTrue(Files.exists(dir.resolve("something.txt")));
        assertThrows(C360Exception.class, () -> new Benchmark.Settings(0, 1, null, false, null));
        assertNull(new Benchmark.Settings(1, 1, null, false, null).work());
    }
}
