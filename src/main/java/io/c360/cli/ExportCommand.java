package io.c360.cli;

import io.c360.config.C360Config;
import io.c360.gold.GoldDefinitions;
import io.c360.governance.Exports;
import io.c360.lake.Lake;
import io.c360.lake.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a segment's activation file (CSV with a header) for a marketing platform.",
            "It holds the current members of the segment in gold.segment_membership with the contact details of its"
                    + " channel. Only customers whose consent is granted for the segment's purpose and channel (and not on"
                    + " do-not-contact) are written; a phone number or e-mail address held by anyone who opted out, or whose own"
                    + " latest consent event is a withdrawal, is never exported.",
            "The last column, consent_check, names the consent check that chose the rows (purpose/channel, exclusions,"
                    + " the gold.consent version and as-of). Text a spreadsheet would run as a formula (starting with = + - @,"
                    + " tab or carriage return, and not a plain number) is written with a leading '.",
            "The export is made for a role (--role, default marketing) that must see every column it writes in clear;"
                    + " otherwise it is refused, naming the kinds of personal data the role does not see.",
            "Each export is logged in ops.exports (segment, file, rows) and ops.access_log (who, which role; no personal"
                    + " data)."
        })
final class ExportCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--segment",
            required = true,
            paramLabel = "NAME",
            description = "Segment name from gold/segments.yaml.")
    String segment;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description =
                    "CSV file to write (replaced): a local path or a location such as s3a://bucket/exports/winback.csv.")
    String out;

    @Option(
            names = "--role",
            defaultValue = "marketing",
            paramLabel = "ROLE",
            description = "Role the file is written for, from access.roles in the run configuration (default:"
                    + " ${DEFAULT-VALUE}); it must see the file's personal data in clear.")
    String role;

    @Override
    public void run() {
        C360Config cfg = config.load();
        GoldDefinitions gold = GoldDefinitions.load(cfg.requireGoldFolder());
        Lake lake = Lake.forConfig(cfg);
        long rows = Exports.write(lake, cfg, gold, segment, out, role, System.getProperty("user.name"));
        spec.commandLine()
                .getOut()
                .printf("%,d customers of segment %s -> %s%n", rows, segment, Storage.qualified(out));
        spec.commandLine().getOut().flush();
    }
}
