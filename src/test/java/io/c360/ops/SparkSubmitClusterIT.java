package io.c360.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.lake.SparkSessions;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shaded jar through {@code spark-submit} on a real Spark standalone cluster: one master and two
 * workers, each in its own JVM on loopback, so the pipeline's functions run in executor JVMs that
 * share nothing with the driver but the files. This is what catches a non-serializable function, a
 * path only the driver can resolve, a definition file read inside executor code, or a class the
 * shaded jar forgot.
 *
 * <p>The cluster's classpath stands in for a Spark distribution's {@code jars/} folder: the test
 * classpath without c360 itself, without what the shaded jar carries (Delta, Deequ, hadoop-aws, the
 * AWS SDK, libphonenumber, picocli, datafaker) and without test libraries. Runs in the
 * {@code integration-test} phase (failsafe), after {@code package} built the jar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("cluster")
class SparkSubmitClusterIT {
    private static final Duration DAEMON_START = Duration.ofSeconds(90);
    // The run took 4-5 minutes on 2 cores shared with other builds (load average 15); generous for busy CI machines.
    private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(12);
    /** Short-lived JVMs on few cores: C1 only and the serial collector cost far less CPU than C2 and G1 threads. */
    private static final String LEAN_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    private static final String AS_OF = "2026-11-02";

    /**
     * Jars of the test classpath a Spark 3.5 distribution does not ship: what the shaded jar must carry
     * (see the shade plugin's include list in pom.xml) and test-only libraries. Matched against the
     * path in the local Maven repository.
     */
    private static final List<String> NOT_IN_SPARK = List.of(
            "/io/delta/",
            "/com/amazon/deequ/",
            "/org/apache/hadoop/hadoop-aws/",
            "/com/amazonaws/",
            "/software/amazon/ion/",
            "/com/fasterxml/jackson/dataformat/jackson-dataformat-cbor/",
            "/org/wildfly/openssl/",
            "/com/googlecode/libphonenumber/",
            "/info/picocli/",
            "/net/datafaker/",
            "/com/github/curious-odd-man/",
            "/org/junit/",
            "/org/opentest4j/",
            "/org/apiguardian/",
            "/junit/junit/",
            "/org/hamcrest/",
            "/com/holdenkarau/",
            "/org/scalatest/",
            "/org/scalatestplus/",
            "/org/scalacheck/",
            "/org/scala-sbt/test-interface/",
            "/org/apache/maven/surefire/");

    /** Spark's Java 17 module opens: pom.xml's java17.opens, passed in by failsafe. */
    private final String java17Opens =
            System.getProperty("c360.java17.opens", "").trim();

    private final Path project =
            Path.of(System.getProperty("c360.basedir", ".")).toAbsolutePath().normalize();
    private final Path jar = Path.of(System.getProperty("c360.submit.jar", "target/c360-spark-submit.jar"))
            .toAbsolutePath();
    private final Path home = project.resolve("target/spark-submit-it");
    private final Path logs = home.resolve("logs");
    private final List<Daemon> daemons = new ArrayList<>();
    private Path sparkHome;
    private String masterUrl;
    private Thread shutdownHook;

    /** A JVM the test started and its log file. */
    private record Daemon(String name, Process process, Path log) {}

    @BeforeAll
    void startCluster() throws Exception {
        assertTrue(
                !java17Opens.isEmpty(),
                "system property c360.java17.opens is not set: run this test through Maven (mvn verify)");
        assertTrue(
                Files.isRegularFile(jar),
                jar + " is missing: run `mvn verify` (the package phase builds it) before this test");
        deleteTree(home);
        Files.createDirectories(logs);
        shutdownHook = new Thread(this::stopAll);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        sparkHome = sparkHome(clusterJars());

        Daemon master = start(
                "master",
                home,
                sparkClass(
                        "org.apache.spark.deploy.master.Master",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--webui-port",
                        "0"),
                Map.of());
        masterUrl = awaitLog(master, Pattern.compile("Starting Spark master at (spark://[^\\s]+)"))
                .group(1);
        List<Daemon> workers = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            Path workDir = Files.createDirectories(home.resolve("worker-" + i));
            workers.add(start(
                    "worker-" + i,
                    workDir,
                    sparkClass(
                            "org.apache.spark.deploy.worker.Worker",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            "0",
                            "--webui-port",
                            "0",
                            "--cores",
                            "1",
                            "--memory",
                            "1g",
                            "--work-dir",
                            workDir.toString(),
                            masterUrl),
                    Map.of()));
        }
        for (Daemon w : workers) {
            awaitLog(w, Pattern.compile("Successfully registered with master"));
        }
    }

    @AfterAll
    void stopCluster() {
        stopAll();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs anyway
            }
        }
    }

    @Test
    void runsTheWholePipelineOnAStandaloneClusterThroughSparkSubmit() throws Exception {
        // The driver runs in a folder of its own; its configuration uses relative paths (as users write them),
        // which c360 resolves against the file's folder, never against an executor's working directory.
        Path driverDir = Files.createDirectories(home.resolve("driver"));
        SyntheticSources.generate(GeneratorSettings.defaults(40, 3), home.resolve("landing"), Progress.silent());
        Files.writeString(driverDir.resolve("c360-it.yaml"), configYaml(driverDir), StandardCharsets.UTF_8);

        // What an orchestrator runs: the jobs/ wrapper, which calls $SPARK_HOME/bin/spark-submit (a JVM of its own).
        Map<String, String> env = Map.of(
                "SPARK_MASTER", masterUrl,
                "SPARK_DEPLOY_MODE", "client",
                "C360_JAR", jar.toString(),
                "C360_CONFIG", "c360-it.yaml",
                "C360_SUBMIT_ARGS", "--conf spark.sql.shuffle.partitions=4 --conf spark.default.parallelism=4");
        Instant start = Instant.now();
        Daemon submit = start(
                "spark-submit",
                driverDir,
                List.of("bash", project.resolve("jobs/pipeline.sh").toString(), "--as-of", AS_OF),
                env);
        boolean finished = submit.process().waitFor(SUBMIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.between(start, Instant.now());
        assertTrue(finished, () -> "spark-submit did not finish within " + SUBMIT_TIMEOUT + "\n" + diagnostics(submit));
        assertEquals(
                0,
                submit.process().exitValue(),
                () -> "spark-submit failed after " + took + "\n" + diagnostics(submit));

        String driverLog = Files.readString(submit.log(), StandardCharsets.ISO_8859_1);
        assertTrue(
                driverLog.contains("on " + masterUrl),
                () -> "the driver did not run on the cluster\n" + diagnostics(submit));
        assertTrue(executorLogs().size() >= 2, () -> "expected an executor on each worker\n" + diagnostics(submit));

        Path lake = home.resolve("lake");
        SparkSession spark = SparkSessions.local(
                "local[1]",
                Map.of(
                        "spark.sql.warehouse.dir",
                        home.resolve("check-warehouse").toString(),
                        "spark.driver.host",
                        "127.0.0.1"));
        long customers = spark.read()
                .format("delta")
                .load(lake.resolve("gold/customer").toString())
                .count();
        assertTrue(customers > 0, "gold.customer has rows");
        for (String table : List.of("customer_xref", "customer_360", "consent", "segment_membership")) {
            assertTrue(
                    Files.isDirectory(lake.resolve("gold").resolve(table).resolve("_delta_log")),
                    "gold." + table + " exists");
        }
        List<Row> runs = spark.read()
                .format("delta")
                .load(lake.resolve("ops/pipeline_runs").toString())
                .select("run_id", "status", "failure")
                .collectAsList();
        assertEquals(1, runs.size(), () -> "one logged run: " + runs);
        assertEquals(
                "succeeded",
                runs.get(0).getString(1),
                () -> "the run failed: " + runs.get(0).getString(2));
        assertTrue(Files.isRegularFile(home.resolve("reports/latest.html")), "the run report was written");
        System.out.printf(
                "spark-submit on the standalone cluster: %d customers, pipeline in %ds%n", customers, took.toSeconds());
    }

    /** The test's configuration: the shipped sources and definitions, a lake and landing folder of its own. */
    private String configYaml(Path driverDir) {
        C360Config shipped = C360Config.load(project.resolve(C360Config.DEFAULT_FILE));
        StringBuilder y = new StringBuilder()
                .append("lake: {root: ../lake}\n")
                .append("landing: ../landing\n")
                .append("reports: ../reports\n")
                .append("bronze: ")
                .append(relative(driverDir, project.resolve("bronze")))
                .append('\n')
                .append("silver: ")
                .append(relative(driverDir, project.resolve("silver")))
                .append('\n')
                .append("gold: ")
                .append(relative(driverDir, project.resolve("gold")))
                .append('\n')
                .append("spark: {master: 'local[1]', app_name: c360-it}\n") // spark-submit's --master wins
                .append("sources:\n");
        for (C360Config.SourceConfig s : shipped.sources()) {
            y.append("  - {name: ")
                    .append(s.name())
                    .append(", system: ")
                    .append(s.system())
                    .append(", format: ")
                    .append(s.format())
                    .append(", path: '")
                    .append(s.path())
                    .append("', contract: ")
                    .append(relative(driverDir, s.contract()));
            s.freshnessSla()
                    .ifPresent(d ->
                            y.append(", freshness_sla: ").append(d.toMinutes()).append('m'));
            if (!s.read().equals(io.c360.config.ReadOptions.DEFAULTS)
                    || !s.readiness().equals(C360Config.Readiness.AT_ONCE)) {
                throw new IllegalStateException(
                        "source " + s.name() + " has reader options or readiness rules this copy does not repeat");
            }
            y.append("}\n");
        }
        return y.toString();
    }

    private static String relative(Path from, Path to) {
        return from.relativize(to.toAbsolutePath().normalize()).toString();
    }

    /** The jars a Spark distribution's {@code jars/} folder would hold, from this JVM's test classpath. */
    private List<String> clusterJars() {
        String testClasspath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path target = project.resolve("target");
        List<String> jars = Arrays.stream(testClasspath.split(Pattern.quote(File.pathSeparator)))
                .filter(e -> e.endsWith(".jar"))
                .filter(e -> !Path.of(e).toAbsolutePath().startsWith(target))
                .filter(e -> NOT_IN_SPARK.stream()
                        .noneMatch(p -> e.replace(File.separatorChar, '/').contains(p)))
                .distinct()
                .toList();
        assertTrue(
                jars.stream().anyMatch(j -> j.contains("spark-core_2.12")),
                () -> "Spark is not on the test classpath: " + testClasspath);
        return jars;
    }

    /**
     * A stand-in for a Spark installation: {@code jars/} with links to the cluster's jars (a worker
     * launches executors with {@code $SPARK_HOME/jars/*} as their classpath, as in a distribution),
     * {@code bin/spark-submit} and {@code conf/spark-defaults.conf} with the test's small settings.
     */
    private Path sparkHome(List<String> jars) throws IOException {
        Path dir = home.resolve("spark-home");
        Path jarsDir = Files.createDirectories(dir.resolve("jars"));
        int i = 0;
        for (String jar : jars) {
            Path source = Path.of(jar).toAbsolutePath();
            Files.createSymbolicLink(jarsDir.resolve(String.format("%03d-%s", i++, source.getFileName())), source);
        }
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(
                dir.resolve("conf/spark-defaults.conf"),
                String.join(
                        "\n",
                        "spark.driver.host                127.0.0.1",
                        "spark.executor.memory            1g",
                        "spark.executor.cores             1",
                        "spark.cores.max                  2",
                        "spark.executor.extraJavaOptions  " + LEAN_JVM,
                        "spark.databricks.delta.snapshotPartitions 2",
                        "spark.locality.wait              0s",
                        "spark.ui.enabled                 false",
                        ""),
                StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("bin"));
        Path submit = dir.resolve("bin/spark-submit");
        Files.writeString(
                submit,
                "#!/usr/bin/env bash\n"
                        + "# What a distribution's bin/spark-submit runs: SparkSubmit on the installation's jars, in a JVM of its own.\n"
                        + "exec "
                        + javaCommand(dir, "-Xmx1g", "org.apache.spark.deploy.SparkSubmit").stream()
                                .map(a -> "'" + a + "'")
                                .collect(Collectors.joining(" "))
                        + " \"$@\"\n",
                StandardCharsets.UTF_8);
        submit.toFile().setExecutable(true);
        return dir;
    }

    /** {@code java} with the Java 17 opens on the installation's jars, running {@code mainClass}. */
    private List<String> javaCommand(Path sparkHome, String heap, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(LEAN_JVM.split(" ")));
        cmd.add(heap);
        cmd.addAll(List.of(java17Opens.split("\\s+")));
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars") + File.separator + "*");
        cmd.add(mainClass);
        return cmd;
    }

    /** A Spark daemon (what {@code sbin/start-master.sh} and {@code start-worker.sh} run). */
    private List<String> sparkClass(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(javaCommand(sparkHome, "-Xmx1g", mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Daemon start(String name, Path workDir, List<String> command, Map<String, String> extraEnv)
            throws IOException {
        Path log = logs.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        for (String inherited : List.of(
                "SPARK_MASTER", "SPARK_SUBMIT", "SPARK_DEPLOY_MODE", "C360_JAR", "C360_CONFIG", "C360_SUBMIT_ARGS")) {
            env.remove(inherited);
        }
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put(
                "SPARK_LOCAL_DIRS",
                Files.createDirectories(home.resolve("tmp/" + name)).toString());
        env.putAll(extraEnv);
        Daemon d = new Daemon(name, pb.start(), log);
        synchronized (daemons) {
            daemons.add(d);
        }
        return d;
    }

    /** Waits until the daemon's log shows the pattern; fails with the log's tail if it dies or takes too long. */
    private Matcher awaitLog(Daemon d, Pattern pattern) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(DAEMON_START);
        while (Instant.now().isBefore(deadline)) {
            Matcher m = pattern.matcher(Files.readString(d.log(), StandardCharsets.ISO_8859_1));
            if (m.find()) {
                return m;
            }
            if (!d.process().isAlive()) {
                break;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(d.name() + " did not log /" + pattern + "/ (alive: "
                + d.process().isAlive() + ")\n" + tail(d.log(), 60));
    }

    /** Every process the test started, and their children (executors), stopped: politely, then forcibly. */
    private void stopAll() {
        List<Daemon> all;
        synchronized (daemons) {
            all = new ArrayList<>(daemons);
            daemons.clear();
        }
        java.util.Collections.reverse(all);
        List<ProcessHandle> handles = new ArrayList<>();
        for (Daemon d : all) {
            d.process().descendants().forEach(handles::add);
            handles.add(d.process().toHandle());
        }
        handles.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plusSeconds(15);
        for (ProcessHandle h : handles) {
            try {
                h.onExit()
                        .get(
                                Math.max(
                                        1,
                                        Duration.between(Instant.now(), deadline)
                                                .toMillis()),
                                TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private String diagnostics(Daemon submit) {
        StringBuilder s =
                new StringBuilder("--- spark-submit log (" + submit.log() + ") ---\n").append(tail(submit.log(), 80));
        for (Path p : executorLogs()) {
            s.append("\n--- executor log ").append(p).append(" ---\n").append(tail(p, 30));
        }
        synchronized (daemons) {
            for (Daemon d : daemons) {
                if (!d.name().equals("spark-submit")) {
                    s.append("\n--- ")
                            .append(d.name())
                            .append(" (")
                            .append(d.log())
                            .append(") ---\n")
                            .append(tail(d.log(), 15));
                }
            }
        }
        return s.toString();
    }

    /** Executor stderr files under the workers' work folders ({@code <work>/<app>/<executor>/stderr}). */
    private List<Path> executorLogs() {
        try (Stream<Path> files = Files.walk(home, 4)) {
            return files.filter(p -> p.getFileName().toString().equals("stderr")
                            && p.toString().contains("/worker-"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
