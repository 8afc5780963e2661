package io.c360.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.eval.Evaluation;
import io.c360.lake.Lake;
import io.c360.lake.SparkSessions;
import java.io.PrintWriter;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Measures matching quality against a truth.",
            "Blocking recall and reduction ratio, pairwise and B-cubed precision/recall/F1 on the final clusters (pairs"
                    + " blocking missed count as misses), over-merged clusters; the true pairs some comparison sees as"
                    + " alike (the recall any matcher can reach) and the recall among them; precision/recall/F1 of the"
                    + " decided pairs (before clustering) at a range of match-probability thresholds; the model's m, u"
                    + " and weight per comparison level, and flags for a model that learned nonsense.",
            "--config names either an evaluation file (with input:, e.g. conf/examples/febrl3.yaml), which is matched from"
                    + " scratch, or a run configuration, whose lake's silver tables are measured against the generator's truth in"
                    + " its landing folder; when gold has published households, also their pairwise precision/recall (pairs"
                    + " of customers in one household) against the generator's households."
        })
final class EvaluateCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the figures as JSON.")
    boolean json;

    @Option(
            names = "--by-rule",
            description = "Also measure each blocking rule's recall on its own (one pass per rule: slow at scale).")
    boolean byRule;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = Progress.stderr();
        Evaluation.Report report;
        if (Evaluation.Spec.isSpec(config.file)) {
            Evaluation.Spec evaluation = Evaluation.Spec.load(config.file);
            progress.report("evaluating " + evaluation.name() + " ("
                    + evaluation.inputs().stream()
                            .map(in -> String.join(", ", in.paths()))
                            .collect(java.util.stream.Collectors.joining("; "))
                    + (evaluation.linkType() == Evaluation.LinkType.link_only ? "; linked across inputs only" : "")
                    + ")");
            SparkSession spark = SparkSessions.local("local[*]", Map.of("spark.sql.shuffle.partitions", "8"));
            report = Evaluation.run(spark, evaluation, byRule);
        } else {
            C360Config cfg = config.load();
            Lake lake = Lake.forConfig(cfg);
            progress.report(
                    "evaluating the silver tables of " + cfg.lakeRoot() + " against " + cfg.landingRoot() + "/_truth");
            report = Evaluation.ofLake(lake, cfg, byRule);
        }
        if (json) {
            try {
                out.println(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(report));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.println(Evaluation.format(report));
        }
        out.flush();
    }
}
