package io.c360.ops;

import io.c360.config.C360Config;
import io.c360.quality.CheckOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs and configurations for the ops tests. */
final class SampleRuns {
    static final Instant AS_OF = Instant.parse("2025-03-01T06:00:00Z");

    private SampleRuns() {}

    static PipelineRun succeeded(String runId) {
        return new PipelineRun(
                runId,
                AS_OF,
                AS_OF.plusSeconds(95),
                AS_OF,
                PipelineRun.Status.succeeded,
                Optional.empty(),
                List.of(
                        new PipelineRun.StageTiming(
                                Pipeline.Stage.bronze, Duration.ofMillis(12_300), PipelineRun.Status.succeeded),
                        new PipelineRun.StageTiming(
                                Pipeline.Stage.silver, Duration.ofSeconds(80), PipelineRun.Status.succeeded)),
                Map.of("bronze.crm_contacts", 120L, "silver.customer_id_map", 300L),
                Optional.of(
                        new PipelineRun.MatchStats(
                                300,
                                250,
                                4_000,
                                180,
                                12,
                                3,
                                140,
                                2,
                                1,
                                List.of("agreement_against_match: given_name level 'exact' weighs -1.20"),
                                List.of(
                                        "cannot_link different_national_id: 10.2 % of 5,810 pairs disagree, contradicted: not applied"))),
                List.of(
                        new CheckOutcome(
                                "gold.customer", "customer_id is unique", CheckOutcome.Level.error, true, "ok"),
                        new CheckOutcome(
                                "gold.customer",
                                "email completeness >= 0.9",
                                CheckOutcome.Level.warning,
                                false,
                                "completeness 0.82 <script>alert('x')</script>")),
                Map.of("bronze.crm_contacts", 3L),
                Map.of("silver.customer_id_map", 7L),
                List.of(
                        new PipelineRun.Freshness(
                                "crm_contacts",
                                Optional.of(AS_OF.minus(Duration.ofHours(30))),
                                Optional.of(Duration.ofHours(26)),
                                true),
                        new PipelineRun.Freshness("web_events", Optional.empty(), Optional.empty(), false)));
    }

    static PipelineRun failed(String runId) {
        Instant started = AS_OF.plus(Duration.ofDays(1));
        return new PipelineRun(
                runId,
                started,
                started.plusSeconds(4),
                started,
                PipelineRun.Status.failed,
                Optional.of("silver: identity.yaml: unknown key 'emial'"),
                List.of(
                        new PipelineRun.StageTiming(
                                Pipeline.Stage.bronze, Duration.ofSeconds(3), PipelineRun.Status.succeeded),
                        new PipelineRun.StageTiming(
                                Pipeline.Stage.silver, Duration.ofSeconds(1), PipelineRun.Status.failed)),
                Map.of(),
                Optional.empty(),
                List.of(),
                Map.of(),
                Map.of(),
                List.of());
    }

    /** A configuration of the given sources (name and SLA) on a lake and reports folder under {@code home}. */
    static C360Config config(Path home, Map<String, Optional<Duration>> slaPerSource) {
        List<C360Config.SourceConfig> sources = slaPerSource.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new C360Config.SourceConfig(
                        e.getKey(),
                        "system",
                        "csv",
                        e.getKey() + "/*.csv",
                        home.resolve(e.getKey() + ".yaml"),
                        io.c360.config.ReadOptions.DEFAULTS,
                        C360Config.Readiness.AT_ONCE,
                        e.getValue()))
                .toList();
        return new C360Config(
                home.resolve("c360.yaml"),
                home.resolve("lake").toString(),
                home.resolve("landing").toString(),
                sources,
                new C360Config.SparkSettings("local[2]", "test", Map.of()),
                new C360Config.DemoSettings(10, 1),
                C360Config.Definitions.none(),
                home.resolve("reports").toString());
    }
}
