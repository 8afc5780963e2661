package io.c360.cli;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.governance.ErasureRequest;
import io.c360.governance.SubjectAccess;
import io.c360.lake.Lake;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "access",
        mixinStandardHelpOptions = true,
        description = {
            "GDPR subject access request: everything the lake holds about one person, in one JSON file.",
            "The file groups it by table (bronze rows per source, quarantined lines, silver records, golden record, ids"
                    + " and redirects, gold customer, customer_360, consent, segments), plus their lines in activation files."
                    + " It finds exactly the rows `c360 erase` would delete. The file holds personal data: handle it as such.",
            "An e-mail or phone on the records of several customers is refused without --all-customers-sharing (exit code 3,"
                    + " the customers listed, no file written)."
        })
final class AccessCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Mixin
    SubjectOptions subject;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE.json", description = "JSON file to write (replaced).")
    Path out;

    @Override
    public void run() {
        ErasureRequest request = subject.request();
        C360Config cfg = config.load();
        Lake lake = Lake.forConfig(cfg);
        SubjectAccess.Result r = new SubjectAccess(lake, cfg, Progress.stderr()).write(request, out);
        spec.commandLine()
                .getOut()
                .printf(
                        "%d customer(s), %d record(s), %,d rows from %d table(s) -> %s%n",
                        r.customers(),
                        r.records(),
                        r.rowsPerTable().values().stream()
                                .mapToLong(Long::longValue)
                                .sum(),
                        r.rowsPerTable().size(),
                        r.file());
        spec.commandLine().getOut().flush();
    }
}
