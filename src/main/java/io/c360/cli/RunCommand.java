package io.c360.cli;

import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.bronze.BronzeIngest;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.SparkSessions;
import io.c360.silver.SilverConfig;
import io.c360.silver.SilverJob;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs pipeline stages on the configured lake.",
      "bronze: ingests new landed files of every source against its contract.",
      "silver: resolves every record to a stable customer id and builds golden records.",
      "all: bronze then silver."
    })
final class RunCommand implements Runnable {
  @Mixin ConfigOption config;
  @Spec CommandSpec spec;

  @Option(names = "--stage", required = true, paramLabel = "STAGE",
      description = "Stage to run: ${COMPLETION-CANDIDATES}.")
  Stage stage;

  @Option(names = "--retrain", description = "Train the matching model again instead of reusing the saved one.")
  boolean retrain;

  @Override
  public void run() {
    C360Config cfg = config.load();
    PrintWriter out = spec.commandLine().getOut();
    Progress progress = Progress.stderr();
    progress.report("starting Spark (" + cfg.spark().master() + "), lake " + cfg.lakeRoot());
    Lake lake = new Lake(SparkSessions.forConfig(cfg), cfg.lakeRoot());
    lake.registerAll();
    if (stage == Stage.bronze || stage == Stage.all) {
      runBronze(lake, cfg, progress, out);
    }
    if (stage == Stage.silver || stage == Stage.all) {
      runSilver(lake, cfg, progress, out, retrain);
    }
    out.flush();
  }

  /** Runs silver and prints its summary. */
  static SilverJob.Result runSilver(Lake lake, C360Config cfg, Progress progress, PrintWriter out, boolean retrain) {
    SilverConfig silver = SilverConfig.load(cfg.requireSilverFolder());
    SilverJob.Result result = new SilverJob(lake, cfg, silver, progress, retrain).run();
    Summaries.silver(result, out);
    out.flush();
    return result;
  }

  /** Runs bronze and prints its summary; a failed source makes the command fail after the others ran. */
  static BronzeIngest.Result runBronze(Lake lake, C360Config cfg, Progress progress, PrintWriter out) {
    BronzeIngest.Result result = new BronzeIngest(lake, cfg, progress).run();
    Summaries.bronze(result, out);
    out.flush();
    if (result.failed()) {
      throw new C360Exception(String.join("; ", result.failures()));
    }
    return result;
  }
}
