package io.c360.cli;

import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.ops.Pipeline;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs pipeline stages on the configured lake.",
            "bronze: ingests new landed files of every source against its contract.",
            "silver: resolves records to stable customer ids and builds golden records; only what changed since its last run unless --full-refresh.",
            "gold: checks silver, builds the gold tables and segments, checks them and publishes them.",
            "all: bronze, silver, gold.",
            "Every run is logged in ops.pipeline_runs and gets an HTML report."
        })
final class RunCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--stage",
            required = true,
            paramLabel = "STAGE",
            completionCandidates = StageNames.class,
            description = "Stage to run: ${COMPLETION-CANDIDATES}.")
    String stage;

    /** The pipeline's stages by name, and {@code all} for every one of them in order. */
    static final class StageNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.concat(Arrays.stream(Pipeline.Stage.values()).map(Enum::name), Stream.of("all"))
                    .iterator();
        }
    }

    @Option(
            names = "--as-of",
            paramLabel = "TIME",
            converter = AsOf.Converter.class,
            description =
                    "Moment gold metrics are measured from: a date (yyyy-MM-dd, meaning the end of that day, UTC) or an ISO-8601 instant (default: the end of the current UTC day).")
    AsOf asOf;

    @Option(names = "--retrain", description = "Train the matching model again instead of reusing the saved one.")
    boolean retrain;

    @Option(
            names = "--full-refresh",
            description = "Silver: resolve every record again instead of only the new and changed ones "
                    + "(same result; bronze is never rebuilt).")
    boolean fullRefresh;

    @Override
    public void run() {
        List<Pipeline.Stage> stages = stages();
        C360Config cfg = config.load();
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.stderr();
        progress.report("starting Spark, lake " + cfg.lakeRoot());
        Lake lake = Lake.forConfig(cfg);
        progress.report("Spark " + lake.spark().version() + " on "
                + lake.spark().sparkContext().master());
        Pipeline.Outcome outcome = new Pipeline(lake, cfg, progress)
                .run(stages, (asOf != null ? asOf : AsOf.endOfToday()).instant(), retrain, fullRefresh);
        Summaries.outcome(outcome, out);
        out.flush();
        if (!outcome.succeeded()) {
            throw new C360Exception(outcome.run().failure().orElse("run failed"));
        }
    }

    private List<Pipeline.Stage> stages() {
        if (stage.equals("all")) {
            return List.of(Pipeline.Stage.values());
        }
        return Arrays.stream(Pipeline.Stage.values())
                .filter(s -> s.name().equals(stage))
                .map(List::of)
                .findFirst()
                .orElseThrow(() -> new ParameterException(
                        spec.commandLine(),
                        "Invalid value for option '--stage': expected one of "
                                + String.join(", ", new StageNames())
                                + " but was '" + stage + "'"));
    }
}
