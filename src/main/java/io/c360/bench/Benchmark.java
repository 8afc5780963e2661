package io.c360.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.eval.Evaluation;
import io.c360.lake.Lake;
import io.c360.ops.Pipeline;
import io.c360.ops.PipelineRun;
import io.c360.silver.SilverJob;
import io.c360.synth.GenerationSummary;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * One reproducible benchmark run: generates {@code persons} persons' worth of sources into a fresh
 * work folder, runs bronze, silver and gold through {@link Pipeline} on a fresh lake (the shipped
 * configuration moved there with {@link C360Config#withLocations}), evaluates the result against the
 * generator's truth, and records what it measured. Every time is {@link System#nanoTime} wall time
 * around the work it names (stage times are the pipeline's own); nothing is estimated.
 */
public final class Benchmark {
    private static final String CALLSTACK_DEPTH = "spark.callstack.depth";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Benchmark() {}

    /**
     * @param work the folder to generate into and hold the lake: it must be absent or empty; null for
     *     a new folder under the system temp folder
     * @param keep keep the generated sources and the lake afterwards (otherwise they are deleted)
     * @param note free text recorded with the run (e.g. what else ran on the machine)
     */
    public record Settings(int persons, long seed, Path work, boolean keep, String note) {
        public Settings {
            if (persons < 1) {
                throw new C360Exception("--persons: expected at least 1 but was " + persons);
            }
        }
    }

    /** Wall seconds: the stages as the pipeline timed them, and what the benchmark timed around them. */
    public record Seconds(
            @JsonProperty("generate") double generate,
            @JsonProperty("spark_start") double sparkStart,
            @JsonProperty("bronze") Double bronze,
            @JsonProperty("silver") Double silver,
            @JsonProperty("gold") Double gold,
            @JsonProperty("pipeline") double pipeline,
            @JsonProperty("pipeline_other") double pipelineOther,
            @JsonProperty("evaluate") Double evaluate,
            @JsonProperty("total") double total) {}

    /** One pipeline stage as {@code PipelineRun} timed it. */
    public record Stage(
            @JsonProperty("stage") String stage,
            @JsonProperty("seconds") double seconds,
            @JsonProperty("status") String status) {}

    /**
     * @param peakHeapUsedBytes the largest used driver heap sampled (garbage not yet collected included)
     * @param peakHeapAfterGcBytes the largest heap left right after a collection (closer to live data);
     *     null when the JVM does not report it or no collection happened
     * @param gcSeconds time the driver JVM's garbage collectors reported, from Spark start to the end of evaluation
     * @param peakRssBytes VmHWM; {@code peakRssScope} says whether it was reset after generation ({@code pipeline})
     *     or covers the whole process ({@code process})
     */
    public record Memory(
            @JsonProperty("peak_heap_used_bytes") long peakHeapUsedBytes,
            @JsonProperty("peak_heap_after_gc_bytes") Long peakHeapAfterGcBytes,
            @JsonProperty("max_heap_bytes") long maxHeapBytes,
            @JsonProperty("gc_seconds") double gcSeconds,
            @JsonProperty("peak_rss_bytes") Long peakRssBytes,
            @JsonProperty("peak_rss_scope") String peakRssScope,
            @JsonProperty("sample_interval_ms") long sampleIntervalMs,
            @JsonProperty("samples") long samples) {}

    /** The Spark session the run used. */
    public record SparkInfo(
            @JsonProperty("version") String version,
            @JsonProperty("master") String master,
            @JsonProperty("default_parallelism") int defaultParallelism,
            @JsonProperty("shuffle_partitions") String shufflePartitions) {}

    /**
     * Where time went: Spark jobs per scope (pipeline stage, {@code pipeline} for the run's own
     * bookkeeping, {@code evaluate}) and driver stack samples per scope.
     */
    public record Profile(
            @JsonProperty("spark_jobs") Map<String, SparkJobProfile.Scope> sparkJobs,
            @JsonProperty("driver_samples") Map<String, ResourceSampler.Profile> driverSamples) {}

    /** What one benchmark run measured; {@link #json()} is the document {@code c360 bench --json} writes. */
    public record Result(
            @JsonProperty("started_at") String startedAt,
            @JsonProperty("git_commit") String gitCommit,
            @JsonProperty("note") String note,
            @JsonProperty("status") String status,
            @JsonProperty("failure") String failure,
            @JsonProperty("persons") int persons,
            @JsonProperty("seed") long seed,
            @JsonProperty("source_records") long sourceRecords,
            @JsonProperty("records_per_source") Map<String, Long> recordsPerSource,
            @JsonProperty("identity_records") Long identityRecords,
            @JsonProperty("distinct_identities") Long distinctIdentities,
            @JsonProperty("candidate_pairs") Long candidatePairs,
            @JsonProperty("linked_pairs") Long linkedPairs,
            @JsonProperty("customers") Long customers,
            @JsonProperty("pairs_scored_per_second") Double pairsScoredPerSecond,
            @JsonProperty("seconds") Seconds seconds,
            @JsonProperty("stages") List<Stage> stages,
            @JsonProperty("evaluation") Evaluation.Report evaluation,
            @JsonProperty("memory") Memory memory,
            @JsonProperty("machine") Machine machine,
            @JsonProperty("load_average_start") Double loadAverageStart,
            @JsonProperty("load_average_end") Double loadAverageEnd,
            @JsonProperty("spark") SparkInfo spark,
            @JsonProperty("work") String work,
            @JsonProperty("profile") Profile profile) {

        public boolean succeeded() {
            return "succeeded".equals(status);
        }

        public String json() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Runs the benchmark. {@code sessions} gives the Spark session for the benchmark's configuration
     * (the CLI starts one from it; tests pass their shared session).
     */
    public static Result run(
            C360Config shipped, Settings settings, Function<C360Config, SparkSession> sessions, Progress progress) {
        long t0 = System.nanoTime();
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Double loadStart = Machine.loadAverage();
        Path work = prepare(settings.work());
        Path landing = work.resolve("landing");
        Path lakeDir = work.resolve("lake");
        progress.report("bench: " + settings.persons() + " persons (seed " + settings.seed() + ") in " + work);
        try {
            long g = System.nanoTime();
            GenerationSummary data = SyntheticSources.generate(
                    GeneratorSettings.defaults(settings.persons(), settings.seed()), landing, progress);
            double generate = seconds(g);

            C360Config cfg = shipped.withLocations(lakeDir.toString(), landing.toString());
            System.gc(); // the generator's garbage is not the pipeline's heap
            // Spark keeps 20 frames of a job's call site; Delta's own frames use them up before c360's appear.
            String depth = System.getProperty(CALLSTACK_DEPTH);
            System.setProperty(CALLSTACK_DEPTH, "200");
            boolean rssReset = Machine.resetPeakRss();
            ResourceSampler sampler = ResourceSampler.start(Thread.currentThread());
            SparkJobProfile jobs = new SparkJobProfile();
            Pipeline.Outcome outcome;
            Evaluation.Report evaluation = null;
            double sparkStart;
            double pipeline;
            Double evaluate = null;
            SparkSession spark;
            try {
                long s = System.nanoTime();
                spark = sessions.apply(cfg);
                sparkStart = seconds(s);
                SparkContext sc = spark.sparkContext();
                sc.addSparkListener(jobs);
                String outerScope = sc.getLocalProperty(Pipeline.STAGE_PROPERTY);
                try {
                    Lake lake = new Lake(spark, cfg.lakeRoot());
                    // Metrics are measured as of the day after the extracts were taken, as the demo does.
                    Instant asOf = data.settings()
                            .asOf()
                            .plusDays(1)
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant();
                    sc.setLocalProperty(Pipeline.STAGE_PROPERTY, "pipeline");
                    long p = System.nanoTime();
                    outcome = new Pipeline(lake, cfg, progress).run(List.of(Pipeline.Stage.values()), asOf, false);
                    pipeline = seconds(p);
                    if (outcome.silver().isPresent()) {
                        sc.setLocalProperty(Pipeline.STAGE_PROPERTY, "evaluate");
                        progress.report("bench: evaluating against the generator's truth");
                        long e = System.nanoTime();
                        evaluation = Evaluation.ofLake(lake, cfg, false);
                        evaluate = seconds(e);
                    }
                } finally {
                    sc.setLocalProperty(Pipeline.STAGE_PROPERTY, outerScope);
                    drain(sc);
                    sc.removeSparkListener(jobs);
                }
            } finally {
                sampler.close();
                if (depth == null) {
                    System.clearProperty(CALLSTACK_DEPTH);
                } else {
                    System.setProperty(CALLSTACK_DEPTH, depth);
                }
            }
            OptionalLong rss = Machine.peakRss();

            PipelineRun run = outcome.run();
            List<Stage> stages = run.stages().stream()
                    .map(t -> new Stage(
                            t.stage().name(),
                            t.elapsed().toNanos() / 1e9,
                            t.status().name()))
                    .toList();
            double inStages = stages.stream().mapToDouble(Stage::seconds).sum();
            Double silverSeconds = stageSeconds(stages, "silver");
            SilverJob.Result silver = outcome.silver().orElse(null);
            Seconds secs = new Seconds(
                    generate,
                    sparkStart,
                    stageSeconds(stages, "bronze"),
                    silverSeconds,
                    stageSeconds(stages, "gold"),
                    pipeline,
                    pipeline - inStages,
                    evaluate,
                    seconds(t0));
            Memory memory = new Memory(
                    sampler.peakHeapUsed(),
                    sampler.peakHeapAfterGc() < 0 ? null : sampler.peakHeapAfterGc(),
                    Runtime.getRuntime().maxMemory(),
                    sampler.gcSeconds(),
                    rss.isPresent() ? rss.getAsLong() : null,
                    rss.isPresent() ? (rssReset ? "pipeline" : "process") : null,
                    ResourceSampler.INTERVAL_MS,
                    sampler.samples());
            SparkInfo sparkInfo = new SparkInfo(
                    spark.version(),
                    spark.sparkContext().master(),
                    spark.sparkContext().defaultParallelism(),
                    spark.conf().get("spark.sql.shuffle.partitions", "200"));
            Result result = new Result(
                    startedAt.toString(),
                    Machine.gitCommit(commitFolder(shipped)),
                    settings.note(),
                    run.status().name(),
                    run.failure().orElse(null),
                    settings.persons(),
                    settings.seed(),
                    data.records(),
                    data.recordsPerSource(),
                    silver == null ? null : silver.counts().records(),
                    silver == null ? null : silver.counts().identities(),
                    silver == null ? null : silver.counts().candidatePairs(),
                    silver == null ? null : silver.counts().linkedPairs(),
                    silver == null ? null : silver.counts().customers(),
                    silver == null || silverSeconds == null || silverSeconds <= 0
                            ? null
                            : silver.counts().candidatePairs() / silverSeconds,
                    secs,
                    stages,
                    evaluation,
                    memory,
                    Machine.describe(),
                    loadStart,
                    Machine.loadAverage(),
                    sparkInfo,
                    settings.keep() ? work.toString() : null,
                    new Profile(jobs.summary(), sampler.profiles()));
            progress.report(String.format(
                    Locale.ROOT, "bench: %s in %.1fs (pipeline %.1fs)", run.status(), secs.total(), pipeline));
            return result;
        } finally {
            if (!settings.keep()) {
                progress.report("bench: deleting " + (settings.work() == null ? work : landing + " and " + lakeDir));
                deleteTree(landing);
                deleteTree(lakeDir);
                if (settings.work() == null) {
                    deleteTree(work);
                }
            }
        }
    }

    /** The Markdown table header matching {@link #markdownRow}. */
    public static String markdownHeader() {
        List<String> columns = List.of(
                "date (UTC)",
                "commit",
                "persons",
                "source records",
                "identity records",
                "candidate pairs (identity)",
                "bronze",
                "silver",
                "gold",
                "pipeline (end to end)",
                "pairs scored/s (silver)",
                "blocking recall (direct / connected)",
                "precision",
                "recall",
                "**F1**",
                "B-cubed F1",
                "clusters",
                "over-merged",
                "joining twins",
                "households precision / recall (of showable pairs)",
                "peak heap (after GC) / max",
                "peak RSS",
                "machine",
                "load avg (start / end)",
                "status, note");
        return "| " + String.join(" | ", columns) + " |\n|" + "---|".repeat(columns.size());
    }

    /** One Markdown table row for a run: figures as measured, {@code -} where the run did not get that far. */
    public static String markdownRow(Result r) {
        Evaluation.Report e = r.evaluation();
        Machine m = r.machine();
        List<String> cells = new ArrayList<>(List.of(
                r.startedAt().replace('T', ' ').replace("Z", ""),
                r.gitCommit() == null ? "-" : r.gitCommit(),
                count(r.persons()),
                count(r.sourceRecords()),
                r.identityRecords() == null ? "-" : count(r.identityRecords()),
                r.candidatePairs() == null ? "-" : count(r.candidatePairs()),
                secondsCell(r.seconds().bronze()),
                secondsCell(r.seconds().silver()),
                secondsCell(r.seconds().gold()),
                secondsCell(r.seconds().pipeline()),
                r.pairsScoredPerSecond() == null ? "-" : count(Math.round(r.pairsScoredPerSecond()))));
        if (e == null) {
            cells.addAll(List.of("-", "-", "-", "-", "-", "-", "-", "-", "-"));
        } else {
            cells.addAll(List.of(
                    f4(e.blockingRecall()) + " / " + f4(e.blockingRecallConnected()),
                    f4(e.pairwise().precision()),
                    f4(e.pairwise().recall()),
                    "**" + f4(e.pairwise().f1()) + "**",
                    f4(e.bcubed().f1()),
                    count(e.clusters()),
                    count(e.overMergedClusters()),
                    e.clustersJoiningTwins() == null ? "-" : count(e.clustersJoiningTwins()),
                    e.households() == null
                            ? "-"
                            : f4(e.households().pairwise().precision()) + " / "
                                    + f4(e.households().pairwise().recall()) + " ("
                                    + f4(e.households().showable().recall()) + ")"));
        }
        cells.add(bytes(r.memory().peakHeapUsedBytes())
                + (r.memory().peakHeapAfterGcBytes() == null
                        ? ""
                        : " (" + bytes(r.memory().peakHeapAfterGcBytes()) + ")")
                + " / " + bytes(r.memory().maxHeapBytes()));
        cells.add(r.memory().peakRssBytes() == null ? "-" : bytes(r.memory().peakRssBytes()));
        cells.add(m.cores() + " cores, " + (m.totalMemoryBytes() == null ? "?" : bytes(m.totalMemoryBytes()))
                + ", Java " + m.javaVersion() + ", " + r.spark().master());
        cells.add(load(r.loadAverageStart()) + " / " + load(r.loadAverageEnd()));
        cells.add(r.status() + (r.note() == null || r.note().isBlank() ? "" : "; " + r.note()));
        return "| "
                + String.join(
                        " | ",
                        cells.stream()
                                .map(c -> c.replace("|", "\\|").replace("\n", " "))
                                .toList()) + " |";
    }

    /** Where time went, as text: Spark jobs and driver samples per scope, heaviest first. */
    public static String profileText(Result r) {
        StringBuilder out = new StringBuilder(
                "Spark jobs per scope (jobs, planned tasks, summed job seconds, seconds with a job running, stage wall):\n");
        Map<String, Double> wall = new LinkedHashMap<>();
        r.stages().forEach(s -> wall.put(s.stage(), s.seconds()));
        wall.put("pipeline", r.seconds().pipelineOther());
        if (r.seconds().evaluate() != null) {
            wall.put("evaluate", r.seconds().evaluate());
        }
        r.profile().sparkJobs().forEach((scope, s) -> {
            out.append(String.format(
                    Locale.ROOT,
                    "  %-10s %6d jobs %6d tasks %8.1fs %8.1fs busy%s%n",
                    scope,
                    s.jobs(),
                    s.tasks(),
                    s.jobSeconds(),
                    s.busySeconds(),
                    wall.containsKey(scope) ? String.format(Locale.ROOT, " of %.1fs wall", wall.get(scope)) : ""));
            out.append(String.format(
                    Locale.ROOT,
                    "      of which described by Delta (snapshot state, file listing): %d jobs %d tasks %.1fs%n",
                    s.deltaJobs().jobs(),
                    s.deltaJobs().tasks(),
                    s.deltaJobs().seconds()));
            s.topCallSites()
                    .forEach(c -> out.append(String.format(
                            Locale.ROOT,
                            "      %5d jobs %6d tasks %7.1fs  %s%n",
                            c.jobs(),
                            c.tasks(),
                            c.seconds(),
                            c.site())));
        });
        out.append(String.format(
                Locale.ROOT,
                "driver stack samples every %d ms (seconds sampled, of which the thread was parked, waiting for Spark tasks):%n",
                r.memory().sampleIntervalMs()));
        r.profile().driverSamples().forEach((scope, p) -> {
            out.append(String.format(
                    Locale.ROOT,
                    "  %-14s %7.1fs %7.1fs waiting %6.1fs in GC%n",
                    scope,
                    p.seconds(),
                    p.waitingSeconds(),
                    p.gcSeconds()));
            p.topFrames()
                    .forEach(f ->
                            out.append(String.format(Locale.ROOT, "      %5.1f%%  %s%n", 100 * f.share(), f.frame())));
            if (!p.runningIn().isEmpty()) {
                out.append("      running on the driver, in:");
                p.runningIn()
                        .forEach(
                                f -> out.append(String.format(Locale.ROOT, " %s %.1f%%;", f.frame(), 100 * f.share())));
                out.append('\n');
            }
        });
        return out.toString();
    }

    private static Double stageSeconds(List<Stage> stages, String name) {
        return stages.stream()
                .filter(s -> s.stage().equals(name) && !s.status().equals("skipped"))
                .map(Stage::seconds)
                .findFirst()
                .orElse(null);
    }

    /** The checkout the shipped configuration comes from (its folder's parent holds {@code .git}). */
    private static Path commitFolder(C360Config shipped) {
        Path folder = shipped.file().toAbsolutePath().getParent();
        return folder == null ? Path.of(".") : folder;
    }

    /** Waits until the listener has seen every job that ended (events reach listeners asynchronously). */
    private static void drain(SparkContext sc) {
        try {
            sc.listenerBus().waitUntilEmpty(30_000);
        } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
            // a late event is a job missing from the profile, not a failed benchmark
        }
    }

    private static Path prepare(Path work) {
        try {
            if (work == null) {
                return Files.createTempDirectory("c360-bench-");
            }
            if (Files.exists(work)) {
                try (Stream<Path> children = Files.list(work)) {
                    if (children.findAny().isPresent()) {
                        throw new C360Exception("--work " + work
                                + ": not empty; the benchmark needs a fresh folder (delete it or name another)");
                    }
                }
            }
            return Files.createDirectories(work);
        } catch (IOException e) {
            throw new C360Exception("cannot create the work folder " + work + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new C360Exception("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String secondsCell(Double s) {
        return s == null ? "-" : String.format(Locale.ROOT, "%.1f s", s);
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String load(Double l) {
        return l == null ? "?" : String.format(Locale.ROOT, "%.1f", l);
    }

    private static String bytes(long b) {
        return b >= 1L << 30
                ? String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MiB", Math.round(b / (double) (1L << 20)));
    }
}
