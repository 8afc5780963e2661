package io.c360.cli;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.governance.Erasure;
import io.c360.governance.ErasureRequest;
import io.c360.lake.Lake;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "erase",
    mixinStandardHelpOptions = true,
    description = {
      "GDPR erasure: deletes everything the lake holds about one person.",
      "Their rows go from every layer (bronze rows and quarantined lines, silver records and ids, gold tables and"
          + " their staging copies) and from the activation files listed in ops.exports; then every table is VACUUMed"
          + " so no reachable version holds them (with the default --retention-hours 0 the transaction log before a new"
          + " checkpoint is dropped too: time travel to earlier versions fails afterwards).",
      "Keyed hashes of their identifiers go to ops.suppression_list, so bronze drops them if a source delivers them"
          + " again; ops.erasure_audit records the request without personal data. It takes the lake lock, so it"
          + " refuses while a pipeline run writes the lake."
    })
final class EraseCommand implements Runnable {
  @Mixin ConfigOption config;
  @Mixin SubjectOptions subject;
  @Spec CommandSpec spec;

  @Option(names = "--retention-hours", paramLabel = "H", defaultValue = "0",
      description = "VACUUM retention: files of older versions younger than this stay (and with them the person) until a later VACUUM (default: ${DEFAULT-VALUE}).")
  double retentionHours;

  @Override
  public void run() {
    ErasureRequest request = subject.request();
    C360Config cfg = config.load();
    Lake lake = Lake.forConfig(cfg);
    Erasure.Result r = new Erasure(lake, cfg, Progress.stderr()).erase(request, retentionHours);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("erasure %s %s (%s)%n", r.requestId(), r.status(), Progress.seconds(r.elapsed()));
    out.printf("  subject: %d customer(s), %d record(s); %d identifier hash(es) added to ops.suppression_list%n",
        r.customers(), r.records(), r.suppressedIdentifiers());
    r.rowsRemoved().forEach((table, n) -> out.printf("  %-36s %,8d rows deleted%n", table, n));
    out.printf("  activation files: %d rewritten, %d deleted, %d missing (%d rows removed)%n",
        r.exports().rewritten(), r.exports().deleted(), r.exports().missing(), r.exports().rowsRemoved());
    out.printf("  vacuumed %,d file(s); %,d log entr(ies) dropped%n", r.filesVacuumed(), r.logEntriesRemoved());
    if (r.status().equals("purge_pending")) {
      out.printf("  older versions stay readable for up to %s hour(s): VACUUM again after that to finish the purge%n", retentionHours);
    }
    out.flush();
  }
}
