package io.c360.cli;

import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.eval.Evaluation;
import io.c360.gold.GoldJob;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.ops.Pipeline;
import io.c360.synth.GenerationSummary;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs c360 end to end on generated sample data.",
            "Generates the six source extracts into the configured landing folder (once; again only when the size or seed"
                    + " changes), then runs the pipeline. Running it again on the same data adds nothing."
        })
final class DemoCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--persons",
            paramLabel = "N",
            description = "Persons to generate (default: the config's demo.persons).")
    Integer persons;

    @Option(names = "--seed", paramLabel = "S", description = "Generator seed (default: the config's demo.seed).")
    Long seed;

    @Option(names = "--reset", description = "Delete the demo's landing folder and lake first.")
    boolean reset;

    @Override
    public void run() {
        C360Config cfg = config.load();
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.stderr();
        Path landing = localFolder(cfg.landingRoot(), "landing");
        if (reset) {
            deleteTree(localFolder(cfg.lakeRoot(), "lake.root"), progress);
            deleteTree(landing, progress);
        }
        int n = persons != null ? persons : cfg.demo().persons();
        long s = seed != null ? seed : cfg.demo().seed();

        Optional<GenerationSummary> existing = SyntheticSources.existing(landing);
        GenerationSummary data;
        if (existing.isPresent()
                && existing.get().persons() == n
                && existing.get().seed() == s) {
            data = existing.get();
            out.printf("sample data: already in %s (%d persons, seed %d), not generated again%n", landing, n, s);
        } else {
            progress.report("generating " + n + " persons (seed " + s + ") into " + landing);
            data = SyntheticSources.generate(GeneratorSettings.defaults(n, s), landing, progress);
            out.printf(
                    "sample data: %d persons, seed %d -> %s (%d records, %.1fs)%n",
                    n, s, landing, data.records(), data.seconds());
        }
        out.println();

        progress.report("starting Spark (" + cfg.spark().master() + "), lake " + cfg.lakeRoot());
        Lake lake = Lake.forConfig(cfg);
        // Metrics are measured as of the day the sample extracts were taken, not today.
        Instant asOf =
                data.settings().asOf().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Pipeline.Outcome outcome = new Pipeline(lake, cfg, progress).run(List.of(Pipeline.Stage.values()), asOf, false);
        Summaries.outcome(outcome, out);
        out.println();
        if (outcome.silver().isPresent()) {
            out.println(Evaluation.format(Evaluation.ofLake(lake, cfg, false))
                    .replace("evaluation: lake " + cfg.lakeRoot(), "match quality against the generator's truth:"));
            out.println();
        }
        if (outcome.gold().map(GoldJob.Result::published).orElse(false)) {
            Row c = lake.read(TableName.gold("customer"))
                    .selectExpr(
                            "count(*)",
                            "sum(CASE WHEN marketing_email THEN 1 ELSE 0 END)",
                            "sum(CASE WHEN do_not_contact THEN 1 ELSE 0 END)")
                    .head();
            out.printf(
                    "customers: %,d unified from %,d source records of %d sources (%,d with e-mail marketing consent, %,d do-not-contact)%n",
                    c.getLong(0),
                    outcome.silver().map(silver -> silver.counts().records()).orElse(0L),
                    cfg.sources().size(),
                    c.getLong(1),
                    c.getLong(2));
        }
        out.println("report: " + outcome.report());
        out.println("next: bin/c360 sql \"SELECT * FROM gold.customer_360 LIMIT 5\"");
        out.flush();
        if (!outcome.succeeded()) {
            throw new C360Exception(outcome.run().failure().orElse("run failed"));
        }
    }

    private static Path localFolder(String location, String what) {
        if (location.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !location.startsWith("file:")) {
            throw new C360Exception(
                    "demo works on a local folder, but " + what + " is " + location + "; use a local configuration");
        }
        return Path.of(location.replaceFirst("^file:(//)?", ""));
    }

    private static void deleteTree(Path dir, Progress progress) {
        if (!Files.exists(dir)) {
            return;
        }
        progress.report("deleting " + dir);
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new C360Exception("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
