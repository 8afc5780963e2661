package io.c360.ops;

import io.c360.C360Exception;
import io.c360.Concurrently;
import io.c360.Progress;
import io.c360.bronze.BronzeIngest;
import io.c360.config.C360Config;
import io.c360.gold.GoldDefinitions;
import io.c360.gold.GoldJob;
import io.c360.lake.Checkpoints;
import io.c360.lake.Lake;
import io.c360.lake.LakeLock;
import io.c360.lake.Secrets;
import io.c360.lake.Steps;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome;
import io.c360.quality.QualityGate;
import io.c360.silver.SilverConfig;
import io.c360.silver.SilverFigures;
import io.c360.silver.SilverJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One pipeline run over the requested stages, in order: bronze → silver → gold. Whatever happens,
 * the run is logged in {@code ops.pipeline_runs} and gets an HTML report; a failed stage stops the
 * run (later stages are skipped) and the outcome says why.
 */
public final class Pipeline {
    /** The stages in the order they run; the names are what the run log and the command line use. */
    public enum Stage {
        bronze,
        silver,
        gold
    }

    /**
     * Spark local property naming the stage whose work a Spark job belongs to (bronze, silver, gold),
     * set on the driver thread while the stage runs; a SparkListener reads it from the job's properties.
     */
    public static final String STAGE_PROPERTY = "c360.stage";

    private static final DateTimeFormatter RUN_ID =
            DateTimeFormatter.ofPattern("'run-'uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Lake lake;
    private final C360Config config;
    private final Progress progress;
    private final Optional<GoldDefinitions> goldDefinitions;

    public Pipeline(Lake lake, C360Config config, Progress progress) {
        this(lake, config, progress, null);
    }

    /** A pipeline whose gold stage uses these definitions instead of the configured gold folder's. */
    public Pipeline(Lake lake, C360Config config, Progress progress, GoldDefinitions gold) {
        this.lake = lake;
        this.config = config;
        this.progress = progress;
        this.goldDefinitions = Optional.ofNullable(gold);
    }

    /** What the run did; the stage results are present for the stages that ran to the end. */
    public record Outcome(
            PipelineRun run,
            Optional<BronzeIngest.Result> bronze,
            Optional<SilverJob.Result> silver,
            Optional<GoldJob.Result> gold,
            String report) {
        public boolean succeeded() {
            return run.succeeded();
        }
    }

    public Outcome run(List<Stage> stages, Instant asOf, boolean retrain) {
        return run(stages, asOf, retrain, false);
    }

    /**
     * @param fullRefresh silver resolves every record again instead of only what changed since its last
     *     run (bronze is never rebuilt: it is the record of every delivery, which landing may no longer hold)
     */
    public Outcome run(List<Stage> stages, Instant asOf, boolean retrain, boolean fullRefresh) {
        Instant startedAt = Instant.now();
        String runId = RUN_ID.format(startedAt);
        try (LakeLock lock =
                LakeLock.acquire(lake.root(), lake.spark().sparkContext().hadoopConfiguration(), runId)) {
            try (LineageEvents lineage = LineageEvents.open(lake, config, progress)) {
                return run(runId, startedAt, stages, asOf, retrain, fullRefresh, lineage);
            }
        }
    }

    private Outcome run(
            String runId,
            Instant startedAt,
            List<Stage> stages,
            Instant asOf,
            boolean retrain,
            boolean fullRefresh,
            LineageEvents lineage) {
        lineage.runStarted(runId, startedAt);
        lake.registerAll();
        Map<String, Long> before = versions();
        List<PipelineRun.StageTiming> timings = new ArrayList<>();
        List<CheckOutcome> quality = new ArrayList<>();
        Optional<BronzeIngest.Result> bronze = Optional.empty();
        Optional<SilverJob.Result> silver = Optional.empty();
        Optional<GoldJob.Result> gold = Optional.empty();
        Optional<String> failure = Optional.empty();

        for (Stage stage : Stage.values()) {
            if (!stages.contains(stage)) {
                continue;
            }
            if (failure.isPresent()) {
                timings.add(new PipelineRun.StageTiming(stage, Duration.ZERO, PipelineRun.Status.skipped));
                continue;
            }
            // Stage wall time on the monotonic clock: System.nanoTime, not Instant (which follows clock adjustments).
            long start = System.nanoTime();
            lineage.stageStarted(stage);
            int checkedBefore = quality.size();
            Optional<String> unchangedSince = Optional.empty();
            String outer = lake.spark().sparkContext().getLocalProperty(STAGE_PROPERTY);
            lake.spark().sparkContext().setLocalProperty(STAGE_PROPERTY, stage.name());
            try (Checkpoints.Scope materialized = Checkpoints.scope(lake.spark());
                    Steps.Named named = Steps.named(lake.spark(), stage.name())) {
                switch (stage) {
                    case bronze -> {
                        bronze = Optional.of(new BronzeIngest(lake, config, progress).run());
                        if (bronze.get().failed()) {
                            failure = Optional.of(
                                    "bronze: " + String.join("; ", bronze.get().failures()));
                        } else {
                            Gate checked = gate(config.definitions().bronze(), runId, quality, "bronze");
                            failure = checked.failure();
                            boolean nothingIngested =
                                    bronze.get().sources().stream().allMatch(s -> s.newFiles() == 0);
                            unchangedSince = checked.standingSince().filter(since -> nothingIngested);
                        }
                    }
                    case silver -> {
                        silver = Optional.of(
                                new SilverJob(lake, config, SilverConfig.of(config), progress, retrain, fullRefresh)
                                        .run(runId));
                        Gate checked = gate(config.definitions().silver(), runId, quality, "silver");
                        failure = checked.failure();
                        boolean resolvedNothing = silver.get().mode() == SilverJob.Mode.unchanged;
                        unchangedSince = checked.standingSince().filter(since -> resolvedNothing);
                    }
                    case gold -> {
                        // Gold reads silver: run without the silver stage, it checks silver first, as that stage would.
                        if (!stages.contains(Stage.silver)) {
                            failure = gate(config.definitions().silver(), runId, quality, "silver")
                                    .failure();
                        }
                        if (failure.isEmpty()) {
                            gold = Optional.of(new GoldJob(
                                            lake,
                                            config,
                                            goldDefinitions.orElseGet(
                                                    () -> GoldDefinitions.load(config.requireGoldFolder())),
                                            progress)
                                    .run(runId, asOf));
                            quality.addAll(gold.get().quality());
                            unchangedSince = gold.get().unchangedSince();
                            if (!gold.get().published()) {
                                failure = Optional.of("gold not published, quality gate failed: "
                                        + describe(gold.get().blockingFailures()));
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = Optional.of(
                        stage + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                if (!(e instanceof C360Exception)) {
                    progress.report(Secrets.redact(stage + " failed: " + e, lake.spark()));
                }
            } finally {
                lake.spark().sparkContext().setLocalProperty(STAGE_PROPERTY, outer);
            }
            lineage.stageEnded(
                    stage, failure, List.copyOf(quality.subList(checkedBefore, quality.size())), goldDefinitions);
            timings.add(new PipelineRun.StageTiming(
                    stage,
                    Duration.ofNanos(System.nanoTime() - start),
                    failure.isPresent() ? PipelineRun.Status.failed : PipelineRun.Status.succeeded,
                    failure.isPresent() ? Optional.empty() : unchangedSince));
        }

        progress.report("run log and report");
        lake.registerAll();
        Map<String, Long> after = versions();
        Map<String, Long> written = after.entrySet().stream()
                .filter(e -> !e.getValue().equals(before.get(e.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        Map<String, Long> rows =
                rowCounts(written.keySet(), gold.map(GoldJob.Result::rows).orElse(Map.of()));
        // Silver's figures as its stage measured or recorded them; a run without silver reads them from the lake.
        SilverFigures silverFigures =
                silver.map(SilverJob.Result::figures).orElseGet(() -> SilverFigures.measure(lake));
        // The failure goes to the run log and the report: a storage client's error may quote a credential.
        PipelineRun run = new PipelineRun(
                runId,
                startedAt,
                Instant.now(),
                asOf,
                failure.isPresent() ? PipelineRun.Status.failed : PipelineRun.Status.succeeded,
                failure.map(f -> Secrets.redact(f, lake.spark())),
                timings,
                rows,
                silver.map(Pipeline::matchStats),
                quality,
                before,
                written,
                Freshness.measure(config, silverFigures.newestRecords(), PipelineRun.freshnessMoment(startedAt, asOf)));
        RunLog.append(lake, run);
        String report = RunReport.write(
                lake,
                config,
                run,
                new RunReport.Charts(
                        silverFigures, gold.filter(GoldJob.Result::published).map(GoldJob.Result::segmentSizes)));
        lineage.runEnded(!run.succeeded(), run.failure());
        progress.report("run " + runId + " " + run.status() + "; report " + report);
        return new Outcome(run, bronze, silver, gold, report);
    }

    /**
     * Rows in each written table. A published gold table holds exactly the rows gold built and counted;
     * the others are counted, a few at once: Delta answers a whole-table count from the file statistics
     * in its transaction log, so a count is driver work (planning, Delta's snapshot), which overlaps.
     */
    private Map<String, Long> rowCounts(Set<String> written, Map<String, Long> known) {
        List<String> toCount =
                written.stream().filter(t -> !known.containsKey(t)).toList();
        List<Long> counts =
                Concurrently.map(toCount, table -> lake.spark().table(table).count());
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String table : written) {
            rows.put(table, known.containsKey(table) ? known.get(table) : counts.get(toCount.indexOf(table)));
        }
        return rows;
    }

    /**
     * How a layer's gate went: the failure that stops the run, if any, and the earlier run whose outcomes
     * stand when nothing the gate checks had changed since.
     */
    private record Gate(Optional<String> failure, Optional<String> standingSince) {}

    /**
     * Runs a layer's quality.yaml over its tables in the lake, unless neither the file nor any table it
     * checks changed since it last ran (its record: {@code <layer>/_quality.json}); a blocking failure,
     * found now or standing, stops the run.
     */
    private Gate gate(Optional<Path> folder, String runId, List<CheckOutcome> quality, String layer) {
        Optional<Path> file = folder.map(f -> f.resolve("quality.yaml")).filter(Files::exists);
        if (file.isEmpty()) {
            return new Gate(Optional.empty(), Optional.empty());
        }
        progress.report(layer + ": checking " + file.get());
        QualityGate.LakeOutcome checked =
                QualityGate.load(file.get()).verifyLakeUnlessUnchanged(lake, runId, layer + "/_quality.json");
        checked.standingSince()
                .ifPresent(since -> progress.report(layer + ": nothing its quality checks read changed since run "
                        + since + "; those outcomes stand"));
        quality.addAll(checked.outcomes());
        List<CheckOutcome> blocking =
                checked.outcomes().stream().filter(CheckOutcome::blocks).toList();
        return new Gate(
                blocking.isEmpty()
                        ? Optional.empty()
                        : Optional.of(layer + " quality gate failed: " + describe(blocking)),
                checked.standingSince());
    }

    private static String describe(List<CheckOutcome> failures) {
        return failures.stream()
                .map(f -> f.table() + " " + f.check() + " (" + f.message() + ")")
                .collect(Collectors.joining("; "));
    }

    /** The current Delta version of every table in the lake, by {@code layer.name}. */
    private Map<String, Long> versions() {
        Map<String, Long> versions = new LinkedHashMap<>();
        for (TableName t : lake.registerAll()) {
            if (!t.layer().equals("ops")) {
                versions.put(t.toString(), lake.version(t));
            }
        }
        return versions;
    }

    private static PipelineRun.MatchStats matchStats(SilverJob.Result r) {
        SilverJob.Counts c = r.counts();
        return new PipelineRun.MatchStats(
                c.records(),
                c.identities(),
                c.candidatePairs(),
                c.linkedPairs(),
                c.reviewPairs(),
                c.vetoedPairs(),
                c.customers(),
                c.redirects(),
                r.model().version(),
                r.model().flags().stream()
                        .map(f -> f.kind() + ": " + f.message())
                        .toList(),
                io.c360.silver.RuleCheck.contradicted(r.model().ruleChecks()).stream()
                        .map(io.c360.silver.RuleCheck::describe)
                        .toList());
    }
}
