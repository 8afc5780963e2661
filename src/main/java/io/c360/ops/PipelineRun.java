package io.c360.ops;

import io.c360.quality.CheckOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one pipeline run did, as {@code ops.pipeline_runs} stores it and the HTML report shows it.
 *
 * @param status succeeded, or failed (with {@code failure} naming the stage and cause)
 * @param asOf the moment metrics and freshness are measured against
 * @param rowsPerTable rows in each table the run wrote, keyed by {@code layer.name}
 * @param inputVersions / outputVersions Delta versions read and written, keyed by {@code layer.name}
 */
public record PipelineRun(
        String runId,
        Instant startedAt,
        Instant finishedAt,
        Instant asOf,
        Status status,
        Optional<String> failure,
        List<StageTiming> stages,
        Map<String, Long> rowsPerTable,
        Optional<MatchStats> match,
        List<CheckOutcome> quality,
        Map<String, Long> inputVersions,
        Map<String, Long> outputVersions,
        List<Freshness> freshness) {

    public PipelineRun {
        stages = List.copyOf(stages);
        rowsPerTable = Map.copyOf(rowsPerTable);
        quality = List.copyOf(quality);
        inputVersions = Map.copyOf(inputVersions);
        outputVersions = Map.copyOf(outputVersions);
        freshness = List.copyOf(freshness);
    }

    /**
     * How a run or one of its stages ended; a stage after a failed one is skipped. The names are what
     * {@code ops.pipeline_runs} stores.
     */
    public enum Status {
        succeeded,
        failed,
        skipped
    }

    /**
     * One stage's wall time and how it ended. {@code unchangedSince} names the earlier run whose results
     * stand when the stage found nothing new: it wrote no table, and its quality outcomes are that run's.
     */
    public record StageTiming(Pipeline.Stage stage, Duration elapsed, Status status, Optional<String> unchangedSince) {
        public StageTiming(Pipeline.Stage stage, Duration elapsed, Status status) {
            this(stage, elapsed, status, Optional.empty());
        }
    }

    public boolean succeeded() {
        return status == Status.succeeded;
    }

    /**
     * The moment sources' freshness is judged at: the as-of, or the run's start when the as-of is later
     * (the default as-of is the end of the run's day, and a record cannot be judged by hours still to come).
     */
    public static Instant freshnessMoment(Instant startedAt, Instant asOf) {
        return asOf.isAfter(startedAt) ? startedAt : asOf;
    }

    /** The silver stage's matching figures. */
    public record MatchStats(
            long records,
            long identities,
            long candidatePairs,
            long linkedPairs,
            long reviewPairs,
            long vetoedPairs,
            long customers,
            long redirects,
            int modelVersion,
            List<String> modelFlags,
            List<String> rulesContradicted) {
        public MatchStats {
            modelFlags = List.copyOf(modelFlags);
            rulesContradicted = List.copyOf(rulesContradicted);
        }
    }

    /**
     * How fresh a source is: its newest record time against the run's as-of (its start, if earlier); {@code stale} when older
     * than the source's SLA (false when it has none or no records).
     */
    public record Freshness(String source, Optional<Instant> newestRecord, Optional<Duration> sla, boolean stale) {}
}
