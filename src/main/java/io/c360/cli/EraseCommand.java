package io.c360.cli;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.governance.Erasure;
import io.c360.governance.ErasureRequest;
import io.c360.lake.Lake;
import java.io.PrintWriter;
import java.util.stream.Collectors;
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
                    + " checkpoint is dropped too: time travel to earlier versions fails afterwards). It cannot be undone: try"
                    + " --dry-run first.",
            "Keyed hashes of their identifiers go to ops.suppression_list, so bronze drops them if a source delivers them"
                    + " again; ops.erasure_audit records the request without personal data. It takes the lake lock, so it"
                    + " refuses while a pipeline run writes the lake.",
            "Refused, nothing changed: an e-mail or phone on the records of several customers without --all-customers-sharing"
                    + " (exit code 3, the customers listed), and an identifier found nowhere in the lake (exit code 1)."
        })
final class EraseCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Mixin
    SubjectOptions subject;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--retention-hours",
            paramLabel = "H",
            defaultValue = "0",
            description =
                    "VACUUM retention: files of older versions younger than this stay (and with them the person) until a later VACUUM (default: ${DEFAULT-VALUE}).")
    double retentionHours;

    @Option(
            names = "--dry-run",
            description =
                    "Show what would be deleted (rows per table) and suppressed (hashes per kind of identifier), and change nothing:"
                            + " no lock, no suppression, no delete, no vacuum, no audit row.")
    boolean dryRun;

    @Override
    public void run() {
        ErasureRequest request = subject.request();
        C360Config cfg = config.load();
        Lake lake = Lake.forConfig(cfg);
        Erasure erasure = new Erasure(lake, cfg, Progress.stderr());
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            print(out, erasure.dryRun(request, retentionHours));
        } else {
            print(out, erasure.erase(request, retentionHours));
        }
        out.flush();
    }

    private void print(PrintWriter out, Erasure.Result r) {
        out.printf("erasure %s %s (%s)%n", r.requestId(), r.status(), Progress.seconds(r.elapsed()));
        out.printf(
                "  subject: %d customer(s), %d record(s); %d identifier hash(es) added to ops.suppression_list%n",
                r.customers(), r.records(), r.suppressedIdentifiers());
        r.rowsRemoved().forEach((table, n) -> out.printf("  %-36s %,8d rows deleted%n", table, n));
        out.printf(
                "  activation files: %d rewritten, %d deleted, %d missing (%d rows removed)%n",
                r.exports().rewritten(),
                r.exports().deleted(),
                r.exports().missing(),
                r.exports().rowsRemoved());
        out.printf("  vacuumed %,d file(s); %,d log entr(ies) dropped%n", r.filesVacuumed(), r.logEntriesRemoved());
        if (r.status().equals("purge_pending")) {
            out.printf(
                    "  older versions stay readable for up to %s hour(s): VACUUM again after that to finish the purge%n",
                    retentionHours);
        }
    }

    private static void print(PrintWriter out, Erasure.Plan p) {
        out.printf("erasure dry run: nothing was changed; erasing would take%n");
        out.printf("  %d customer(s), %d record(s)%n", p.customers().size(), p.records());
        p.customers().forEach(c -> out.printf("    %s%n", c));
        p.rowsToDelete().forEach((table, n) -> out.printf("  %-36s %,8d rows would be deleted%n", table, n));
        if (p.blockingKeysToClear() > 0) {
            out.printf(
                    "  silver.blocking_report: %d example key(s) naming them would be cleared%n",
                    p.blockingKeysToClear());
        }
        out.printf(
                "  activation files: %d would be rewritten, %d deleted (%d rows); %d missing%n",
                p.exports().rewritten(),
                p.exports().deleted(),
                p.exports().rowsRemoved(),
                p.exports().missing());
        out.printf(
                "  ops.suppression_list: would add %s hash(es)%n",
                p.identifiersToSuppress().entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey().name())
                        .collect(Collectors.joining(", ")));
        out.printf(
                "  then %d table(s) would be vacuumed with a retention of %s hour(s)%s%n",
                p.tablesToVacuum(),
                p.retentionHours(),
                p.retentionHours() == 0
                        ? " and their log before a new checkpoint dropped (no time travel to earlier versions)"
                        : "");
    }
}
