package io.c360.cli;

import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.bench.Benchmark;
import io.c360.lake.SparkSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the pipeline end to end on generated data.",
            "Generates N persons' sources into a fresh work folder, runs bronze, silver and gold on a fresh lake there (the"
                    + " run configuration with its lake and landing moved), evaluates against the generator's truth, and records"
                    + " wall time per stage, peak heap and RSS, throughput and match quality: a Markdown row (with header) and a"
                    + " JSON document on stdout. See docs/BENCHMARKS.md."
        })
final class BenchCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--persons",
            required = true,
            paramLabel = "N",
            description = "Persons to generate (about 7.7 source records each).")
    int persons;

    @Option(
            names = "--seed",
            defaultValue = "42",
            paramLabel = "S",
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description =
                    "Folder for the generated sources and the lake; must be absent or empty (default: a new folder under the system temp folder).")
    Path work;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JSON document to FILE (replacing it).")
    Path json;

    @Option(
            names = "--markdown",
            paramLabel = "FILE",
            description = "Also append the Markdown row to FILE (the header first when FILE is new or empty).")
    Path markdown;

    @Option(names = "--keep", description = "Keep the generated sources and the lake (default: deleted at the end).")
    boolean keep;

    @Option(
            names = "--note",
            paramLabel = "TEXT",
            description = "Recorded with the run, e.g. what else ran on the machine.")
    String note;

    @Option(
            names = "--profile",
            description = "Also print where time went: Spark jobs and driver stack samples per stage.")
    boolean profile;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        Benchmark.Result result = Benchmark.run(
                config.load(),
                new Benchmark.Settings(persons, seed, work, keep, note),
                SparkSessions::forConfig,
                Progress.stderr());
        String row = Benchmark.markdownRow(result);
        String document = result.json();
        out.println(Benchmark.markdownHeader());
        out.println(row);
        out.println();
        out.println(document);
        if (profile) {
            out.println();
            out.print(Benchmark.profileText(result));
        }
        out.flush();
        try {
            if (json != null) {
                createParent(json);
                Files.writeString(json, document + "\n", StandardCharsets.UTF_8);
            }
            if (markdown != null) {
                createParent(markdown);
                boolean fresh = !Files.exists(markdown) || Files.size(markdown) == 0;
                Files.writeString(
                        markdown,
                        (fresh ? Benchmark.markdownHeader() + "\n" : "") + row + "\n",
                        StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new C360Exception("cannot write the benchmark output: " + e.getMessage(), e);
        }
        if (!result.succeeded()) {
            throw new C360Exception("the benchmarked run failed: " + result.failure());
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
