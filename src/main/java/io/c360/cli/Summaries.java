package io.c360.cli;

import io.c360.Progress;
import io.c360.bronze.BronzeIngest;
import io.c360.silver.SilverJob;
import java.io.PrintWriter;

/** What a stage did, as the short table the CLI prints. */
final class Summaries {
  private Summaries() {}

  static void silver(SilverJob.Result r, PrintWriter out) {
    out.printf("silver run %s (%s)%n", r.runId(), Progress.seconds(r.elapsed()));
    out.printf("  records %,d -> distinct identities %,d -> candidate pairs %,d%n", r.records(), r.identities(), r.candidatePairs());
    out.printf("  linked %,d  for review %,d  vetoed %,d  (model v%d, %s)%n", r.linkedPairs(), r.reviewPairs(), r.vetoedPairs(),
        r.modelVersion(), r.trained() ? "trained now" : "reused");
    out.printf("  customers %,d  id redirects %,d%n", r.customers(), r.redirects());
  }

  static void bronze(BronzeIngest.Result r, PrintWriter out) {
    out.printf("bronze batch %s (%s)%n", r.batchId(), Progress.seconds(r.elapsed()));
    out.printf("  %-28s %9s %9s %12s %12s %11s%n", "table", "new files", "skipped", "rows added", "quarantined", "duplicates");
    for (BronzeIngest.SourceResult s : r.sources()) {
      out.printf("  %-28s %9d %9d %12d %12d %11d%s%n", "bronze." + s.source(), s.newFiles(), s.skippedFiles(),
          s.rowsValid(), s.rowsQuarantined(), s.rowsDuplicate(), s.failure().isPresent() ? "  FAILED" : "");
    }
  }
}
