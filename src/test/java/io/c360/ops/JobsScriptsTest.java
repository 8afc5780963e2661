package io.c360.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs/ spark-submit wrappers, against a stand-in spark-submit that records its arguments and
 * exits with a chosen code (the real one runs in SparkSubmitClusterIT).
 */
@Tag("unit")
class JobsScriptsTest {
    @TempDir
    Path dir;

    record Result(int code, String output, List<String> submitArgs) {}

    private Result run(String script, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Path fake = dir.resolve("spark-submit");
        Path recorded = dir.resolve("args.txt");
        Files.writeString(
                fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '" + recorded + "'\nexit ${FAKE_EXIT:-0}\n");
        fake.toFile().setExecutable(true);
        Path jar = Files.writeString(dir.resolve("app.jar"), "");
        List<String> cmd = new ArrayList<>(
                List.of("bash", Path.of("jobs", script).toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("C360_"));
        pb.environment().put("SPARK_SUBMIT", fake.toString());
        pb.environment().put("C360_JAR", jar.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), script + " did not finish");
        List<String> submitArgs = Files.exists(recorded) ? Files.readAllLines(recorded) : List.of();
        Files.deleteIfExists(recorded);
        return new Result(p.exitValue(), output, submitArgs);
    }

    @Test
    void eachStageWrapperSubmitsTheJarWithItsStageAndPassesArgumentsThrough() throws Exception {
        Map<String, String> env = Map.of(
                "SPARK_MASTER",
                "spark://m:7077",
                "SPARK_DEPLOY_MODE",
                "client",
                "C360_CONFIG",
                "/etc/c360/c360.yaml",
                "C360_SUBMIT_ARGS",
                "--executor-memory 4g --conf spark.sql.shuffle.partitions=64");
        for (String[] job : new String[][] {
            {"bronze.sh", "bronze"}, {"silver.sh", "silver"}, {"gold.sh", "gold"}, {"pipeline.sh", "all"}
        }) {
            Result r = run(job[0], env, "--as-of", "2026-11-01");
            assertEquals(0, r.code(), r.output());
            List<String> a = r.submitArgs();
            String joined = String.join(" ", a);
            assertTrue(
                    joined.startsWith("--class io.c360.cli.C360 --name c360-" + job[1]
                            + " --master spark://m:7077 --deploy-mode client"),
                    joined);
            assertTrue(joined.contains("--executor-memory 4g --conf spark.sql.shuffle.partitions=64"), joined);
            assertTrue(
                    joined.endsWith(dir.resolve("app.jar") + " run --stage " + job[1]
                            + " --config /etc/c360/c360.yaml --as-of 2026-11-01"),
                    joined);
        }
    }

    @Test
    void theExitCodeOfSparkSubmitIsTheWrappers() throws Exception {
        assertEquals(1, run("gold.sh", Map.of("FAKE_EXIT", "1")).code());
        assertEquals(0, run("gold.sh", Map.of()).code());
    }

    @Test
    void misconfigurationIsAUsageErrorBeforeAnythingIsSubmitted() throws Exception {
        Result badStage = run("submit.sh", Map.of(), "platinum");
        assertEquals(2, badStage.code());
        assertTrue(badStage.output().contains("unknown stage 'platinum'"), badStage.output());
        Result noJar =
                run("bronze.sh", Map.of("C360_JAR", dir.resolve("missing.jar").toString()));
        assertEquals(2, noJar.code());
        assertTrue(
                noJar.output().contains("missing.jar not found")
                        && noJar.submitArgs().isEmpty(),
                noJar.output());
        Result noSubmit = run(
                "bronze.sh",
                Map.of("SPARK_SUBMIT", dir.resolve("nope/spark-submit").toString()));
        assertEquals(2, noSubmit.code());
        assertTrue(noSubmit.output().contains("spark-submit not found"), noSubmit.output());
    }
}
