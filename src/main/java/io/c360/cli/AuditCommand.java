package io.c360.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.steward.AuditSummary;
import io.c360.steward.Audits;
import io.c360.steward.Estimate;
import io.c360.steward.Stratum;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Accuracy audits by business sample: stewards answer a random sample of record pairs (match or not),"
                    + " and c360 estimates precision and recall with 95 %% intervals (docs/stewardship.md)."
        },
        subcommands = {AuditCommand.Start.class, AuditCommand.Status.class})
final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: start or status");
    }

    @Command(
            name = "start",
            mixinStandardHelpOptions = true,
            description = {
                "Draws a stratified random sample of record pairs and stores it as an open audit in ops.audit_items:"
                        + " pairs sharing a customer (for precision) by how they were joined, and candidate pairs"
                        + " that do not (for recall). The same seed on the same lake draws the same pairs.",
                "Stewards answer the pairs in the workbench (c360 workbench); the audit completes when every pair is"
                        + " answered."
            })
    static final class Start implements Runnable {
        @Mixin
        ConfigOption config;

        @Spec
        CommandSpec spec;

        @Option(names = "--size", required = true, paramLabel = "N", description = "Pairs to draw.")
        int size;

        @Option(names = "--seed", paramLabel = "S", description = "Seed of the draw (default: a random one, printed).")
        Long seed;

        @Option(
                names = "--steward",
                paramLabel = "NAME",
                description = "Who starts the audit (default: the login name of the user running c360).")
        String steward = System.getProperty("user.name");

        @Override
        public void run() {
            C360Config cfg = config.load();
            long s = seed != null ? seed : new SecureRandom().nextInt(1_000_000_000);
            AuditSummary audit = new Audits(Lake.forConfig(cfg), cfg).start(size, s, steward);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "audit %s: %d pairs drawn (seed %d) by %s%n",
                    audit.auditId(), audit.size(), audit.seed(), audit.startedBy());
            strata(audit, false, out);
            out.printf(
                    "answer the pairs in the workbench (c360 workbench, the audit screen);"
                            + " c360 audit status --id %s shows the progress%n",
                    audit.auditId());
            out.flush();
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = {
                "Prints the latest completed audit (or the one given): its strata and answers, precision and recall"
                        + " with 95 %% intervals, who ran it and when.",
                "Recall is among the pairs blocking compared: an upper bound on true recall."
            })
    static final class Status implements Runnable {
        @Mixin
        ConfigOption config;

        @Spec
        CommandSpec spec;

        @Option(names = "--id", paramLabel = "ID", description = "The audit to show (default: the latest completed).")
        String id;

        @Option(names = "--json", description = "Print the audit as JSON.")
        boolean json;

        @Override
        public void run() {
            C360Config cfg = config.load();
            Audits audits = new Audits(Lake.forConfig(cfg), cfg);
            Optional<AuditSummary> audit = id != null ? audits.audit(id) : audits.latest();
            if (id != null && audit.isEmpty()) {
                throw new C360Exception("--id: no audit '" + id + "' in the lake");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(json(audit.orElse(null)));
            } else if (audit.isEmpty()) {
                out.println("no accuracy audit completed yet; c360 audit start --size N draws one");
            } else {
                print(audit.get(), out);
            }
            if (!json && id == null) {
                for (AuditSummary open : audits.open()) {
                    out.printf(
                            "open: %s, %d of %d pairs answered, started by %s at %s (c360 audit status --id %s)%n",
                            open.auditId(),
                            open.answered(),
                            open.size(),
                            open.startedBy(),
                            open.startedAt(),
                            open.auditId());
                }
            }
            out.flush();
        }
    }

    static String json(AuditSummary audit) {
        try {
            return new ObjectMapper()
                    .registerModule(new Jdk8Module())
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(audit);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void print(AuditSummary a, PrintWriter out) {
        out.printf("audit %s (%s): started by %s at %s", a.auditId(), a.status(), a.startedBy(), a.startedAt());
        out.println(a.completedAt().map(t -> ", completed at " + t).orElse(""));
        out.printf("  %d of %d pairs answered (seed %d)%n", a.answered(), a.size(), a.seed());
        strata(a, true, out);
        out.println("  precision " + estimate(a.precision()));
        out.println("  recall    " + estimate(a.recall()) + "  (among the pairs blocking compared: an upper bound)");
    }

    private static void strata(AuditSummary a, boolean answers, PrintWriter out) {
        out.printf(
                "  %-17s %-9s %12s %8s%s%n",
                "stratum",
                "purpose",
                "population",
                "sampled",
                answers ? String.format(" %7s %9s %7s", "match", "non_match", "unsure") : "");
        for (Stratum s : a.strata()) {
            out.printf(
                    "  %-17s %-9s %,12d %8d%s%n",
                    s.name(),
                    s.purpose(),
                    s.population(),
                    s.sampled(),
                    answers ? String.format(" %7d %9d %7d", s.matches(), s.nonMatches(), s.unsure()) : "");
        }
    }

    private static String estimate(Optional<Estimate> e) {
        return e.map(x -> String.format(
                        "%.3f (95 %% interval %.3f to %.3f, effective n %.1f)",
                        x.value(), x.low(), x.high(), x.effectiveSampleSize()))
                .orElse("not estimable yet (a stratum has no match or non_match answer)");
    }
}
