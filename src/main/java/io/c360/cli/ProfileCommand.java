package io.c360.cli;

import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.eval.Evaluation;
import io.c360.eval.Profile;
import io.c360.lake.Lake;
import io.c360.lake.SparkSessions;
import io.c360.lake.TableCatalog;
import io.c360.silver.IdentityConfig;
import io.c360.silver.SilverConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description = {
            "Profiles the identity attributes and derives a matching file from the mapping.",
            "Per attribute: the share of records without a value, distinct values, the most frequent values and values that"
                    + " look like placeholders; the blocking rules chosen from the data with the pairs each makes and its"
                    + " largest block. Writes the derived matching file (a templated comparison per attribute, the"
                    + " blocking rules, the model's settings) to start from.",
            "--config names an evaluation file (with input:, e.g. conf/examples/febrl3.yaml) or a run configuration,"
                    + " whose lake's silver.identity_records are profiled."
        })
final class ProfileCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Where to write the derived matching file (default: <config name>-matching.yaml beside the"
                    + " configuration; an existing file is not overwritten unless named here).")
    Path out;

    @Override
    public void run() {
        PrintWriter printer = spec.commandLine().getOut();
        Progress progress = Progress.stderr();
        Profile.Result result;
        String origin = config.file.getFileName().toString();
        if (Evaluation.Spec.isSpec(config.file)) {
            Evaluation.Spec evaluation = Evaluation.Spec.load(config.file);
            progress.report("profiling " + evaluation.name() + " ("
                    + evaluation.inputs().stream()
                            .map(in -> String.join(", ", in.paths()))
                            .collect(java.util.stream.Collectors.joining("; "))
                    + ")");
            SparkSession spark = SparkSessions.local("local[*]", Map.of("spark.sql.shuffle.partitions", "8"));
            Dataset<Row> records = Profile.records(spark, evaluation).localCheckpoint(true);
            result = Profile.of(records, evaluation.mapping().types());
        } else {
            C360Config cfg = config.load();
            SilverConfig silver = SilverConfig.of(cfg);
            Lake lake = Lake.forConfig(cfg);
            if (!lake.exists(TableCatalog.IDENTITY_RECORDS)) {
                throw new C360Exception("no " + TableCatalog.IDENTITY_RECORDS + " under " + lake.root()
                        + " to profile; run: c360 run --stage silver");
            }
            progress.report("profiling " + TableCatalog.IDENTITY_RECORDS + " of " + lake.root());
            result = Profile.of(
                    lake.read(TableCatalog.IDENTITY_RECORDS),
                    IdentityConfig.attributes(silver.identity().sources().values()));
        }
        Path target = out != null ? out : derivedFile(config.file);
        try {
            Files.writeString(target, Profile.matchingFile(result, origin));
        } catch (IOException e) {
            throw new C360Exception(target + ": cannot write the derived matching file: " + e.getMessage(), e);
        }
        printer.println(Profile.format(result));
        printer.println(
                "matching file derived from the mapping: " + target + " (name it with matching: to start from it)");
        printer.flush();
    }

    /** {@code <name>-matching.yaml} beside the configuration, or a free name if that exists (never overwritten). */
    private static Path derivedFile(Path configFile) {
        Path folder = configFile.toAbsolutePath().getParent();
        String name = configFile.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        Path target = folder.resolve(name + "-matching.yaml");
        for (int i = 2; Files.exists(target); i++) {
            target = folder.resolve(name + "-matching-" + i + ".yaml");
        }
        return target;
    }
}
