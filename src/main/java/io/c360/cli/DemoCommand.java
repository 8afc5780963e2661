package io.c360.cli;

import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.bronze.BronzeIngest;
import io.c360.config.C360Config;
import io.c360.eval.Evaluation;
import io.c360.lake.Lake;
import io.c360.lake.SparkSessions;
import io.c360.lake.TableName;
import io.c360.synth.GenerationSummary;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs c360 end to end on generated sample data: generates the six source extracts into the",
      "configured landing folder (once; again only when the size or seed changes), then runs the pipeline.",
      "Running it again on the same data adds nothing."
    })
final class DemoCommand implements Runnable {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--persons", paramLabel = "N", description = "Persons to generate (default: the config's demo.persons).")
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
    if (existing.isPresent() && existing.get().persons() == n && existing.get().seed() == s) {
      out.printf("sample data: already in %s (%d persons, seed %d), not generated again%n", landing, n, s);
    } else {
      progress.report("generating " + n + " persons (seed " + s + ") into " + landing);
      GenerationSummary g = SyntheticSources.generate(GeneratorSettings.defaults(n, s), landing, progress);
      out.printf("sample data: %d persons, seed %d -> %s (%d records, %.1fs)%n", n, s, landing,
          g.recordsPerSource().values().stream().mapToLong(Long::longValue).sum(), g.seconds());
    }

    progress.report("starting Spark (" + cfg.spark().master() + "), lake " + cfg.lakeRoot());
    Lake lake = new Lake(SparkSessions.forConfig(cfg), cfg.lakeRoot());
    lake.registerAll();
    RunCommand.runBronze(lake, cfg, progress, out);
    out.println();
    RunCommand.runSilver(lake, cfg, progress, out, false);
    out.println();
    out.println(Evaluation.format(Evaluation.ofLake(lake, cfg, false)).replace("evaluation: lake " + cfg.lakeRoot(),
        "match quality against the generator's truth:"));

    out.println();
    out.println("bronze tables in " + cfg.lakeRoot() + ":");
    for (C360Config.SourceConfig source : cfg.sources()) {
      TableName t = TableName.bronze(source.name());
      out.printf("  %-28s %,10d rows%n", t, lake.exists(t) ? lake.read(t).count() : 0);
    }
    out.printf("  %-28s %,10d rows%n", BronzeIngest.QUARANTINE, lake.exists(BronzeIngest.QUARANTINE) ? lake.read(BronzeIngest.QUARANTINE).count() : 0);
    out.println();
    out.println("next: bin/c360 sql \"SELECT rule, column, count(*) AS n FROM bronze._quarantine GROUP BY rule, column\"");
    out.flush();
  }

  private static Path localFolder(String location, String what) {
    if (location.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*") && !location.startsWith("file:")) {
      throw new C360Exception("demo works on a local folder, but " + what + " is " + location + "; use a local configuration");
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
