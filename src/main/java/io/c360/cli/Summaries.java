package io.c360.cli;

import io.c360.Progress;
import io.c360.bronze.BronzeIngest;
import io.c360.gold.GoldJob;
import io.c360.ops.Pipeline;
import io.c360.ops.PipelineRun;
import io.c360.quality.CheckOutcome;
import io.c360.silver.SilverJob;
import java.io.PrintWriter;
import java.util.stream.Collectors;

/** What a stage did, as the short table the CLI prints. */
final class Summaries {
    private Summaries() {}

    static void silver(SilverJob.Result r, PrintWriter out) {
        out.printf("silver run %s (%s)%n", r.runId(), Progress.seconds(r.elapsed()));
        out.printf(
                "  records %,d -> distinct identities %,d -> candidate pairs %,d%n",
                r.counts().records(), r.counts().identities(), r.counts().candidatePairs());
        out.printf(
                "  linked %,d  for review %,d  vetoed %,d  (model v%d, %s)%n",
                r.counts().linkedPairs(),
                r.counts().reviewPairs(),
                r.counts().vetoedPairs(),
                r.model().version(),
                r.model().trained() ? "trained now" : "reused");
        out.printf(
                "  customers %,d  id redirects %,d%n",
                r.counts().customers(), r.counts().redirects());
        if (r.mode() == SilverJob.Mode.unchanged) {
            out.printf("  unchanged: nothing delivered or decided since the last run; its tables stand%n");
        } else if (r.incremental()) {
            out.printf(
                    "  incremental: %,d records standardized, %,d identities touched, %,d pairs scored, %,d identities re-clustered%n",
                    r.work().standardizedRecords(),
                    r.work().touchedIdentities(),
                    r.work().scoredPairs(),
                    r.work().reclusteredIdentities());
        } else {
            out.printf("  full: every identity matched and clustered%n");
        }
    }

    /** Every stage that ran, then the run's status, quality and report. */
    static void outcome(Pipeline.Outcome o, PrintWriter out) {
        o.bronze().ifPresent(b -> {
            bronze(b, out);
            out.println();
        });
        o.silver().ifPresent(s -> {
            silver(s, out);
            out.println();
        });
        o.gold().ifPresent(g -> {
            gold(g, out);
            out.println();
        });
        PipelineRun run = o.run();
        long failed = run.quality().stream().filter(q -> !q.passed()).count();
        out.printf(
                "run %s %s: %s%n",
                run.runId(),
                run.status(),
                run.stages().stream()
                        .map(t -> t.stage() + " "
                                + (t.status() == PipelineRun.Status.succeeded
                                        ? Progress.seconds(t.elapsed())
                                        : t.status())
                                + t.unchangedSince()
                                        .map(since -> " (unchanged since " + since + ")")
                                        .orElse(""))
                        .collect(Collectors.joining(", ")));
        out.printf(
                "  quality checks %d, failed %d (%d blocking)%n",
                run.quality().size(),
                failed,
                run.quality().stream().filter(CheckOutcome::blocks).count());
        run.quality().stream()
                .filter(q -> !q.passed())
                .limit(10)
                .forEach(q -> out.printf("    %s %s %s: %s%n", q.level(), q.table(), q.check(), q.message()));
        run.freshness().stream()
                .filter(PipelineRun.Freshness::stale)
                .forEach(f -> out.printf(
                        "  stale source %s: newest record %s, SLA %s%n",
                        f.source(),
                        f.newestRecord().map(Object::toString).orElse("-"),
                        f.sla().map(Object::toString).orElse("-")));
        run.failure().ifPresent(f -> out.println("  failed: " + f));
        out.println("  report: " + o.report());
    }

    static void gold(GoldJob.Result r, PrintWriter out) {
        out.printf(
                "gold run %s as of %s (%s)%s%n",
                r.runId(),
                r.asOf(),
                Progress.seconds(r.elapsed()),
                r.unchangedSince()
                        .map(since -> "  unchanged since run " + since + ": nothing built or published")
                        .orElse(r.published() ? "" : "  NOT PUBLISHED: quality gate failed, previous version kept"));
        r.rows().forEach((table, n) -> out.printf("  %-28s %,10d rows%n", table, n));
        if (!r.segmentSizes().isEmpty()) {
            out.println("  segments: "
                    + r.segmentSizes().entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
    }

    static void bronze(BronzeIngest.Result r, PrintWriter out) {
        out.printf("bronze batch %s (%s)%n", r.batchId(), Progress.seconds(r.elapsed()));
        boolean suppressed = r.sources().stream().anyMatch(s -> s.rowsSuppressed() > 0);
        out.printf(
                "  %-28s %9s %9s %12s %12s %11s%s%n",
                "table",
                "new files",
                "skipped",
                "rows added",
                "quarantined",
                "duplicates",
                suppressed ? String.format(" %11s", "suppressed") : "");
        for (BronzeIngest.SourceResult s : r.sources()) {
            out.printf(
                    "  %-28s %9d %9d %12d %12d %11d%s%s%n",
                    "bronze." + s.source(),
                    s.newFiles(),
                    s.skippedFiles(),
                    s.rowsValid(),
                    s.rowsQuarantined(),
                    s.rowsDuplicate(),
                    suppressed ? String.format(" %11d", s.rowsSuppressed()) : "",
                    s.failure().isPresent() ? "  FAILED" : "");
        }
        r.sources().stream()
                .filter(s -> s.waitingFiles() > 0)
                .forEach(s -> out.printf(
                        "  bronze.%s: %d file(s) not ready yet (settle_time / completion_marker), left for the next run%n",
                        s.source(), s.waitingFiles()));
    }
}
