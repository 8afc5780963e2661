package io.c360.cli;

import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.synth.GenerationSummary;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {
            "Generates synthetic source extracts with ground truth.",
            "Writes the six source systems' files (crm, billing, support, web, ecommerce, consent), _truth/ and"
                    + " _manifest.json, replacing earlier generator output in that folder. See docs/GENERATOR.md."
        })
final class GenerateCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--persons", required = true, paramLabel = "N", description = "How many true persons to simulate.")
    int persons;

    @Option(
            names = "--seed",
            defaultValue = "42",
            paramLabel = "S",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output folder (default: the landing folder of the run configuration).")
    Path out;

    @Option(
            names = "--settings",
            paramLabel = "FILE",
            description = "Generator settings YAML (see conf/generator-example.yaml).")
    Path settingsFile;

    @Option(
            names = "--noise",
            defaultValue = "1.0",
            paramLabel = "X",
            description = "Multiplies every noise rate (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(
            names = "--as-of",
            paramLabel = "DATE",
            description = "Extract date, yyyy-MM-dd (default: the settings' as_of, 2026-11-01).")
    String asOf;

    @Override
    public void run() {
        if (persons < 1) {
            throw new C360Exception("--persons: expected at least 1 but was " + persons);
        }
        GeneratorSettings settings = settingsFile == null
                ? GeneratorSettings.defaults(persons, seed)
                : GeneratorSettings.load(settingsFile, persons, seed);
        settings = settings.withNoiseScale(noise);
        if (asOf != null) {
            settings = settings.withAsOf(parseDate(asOf));
        }
        Path target = out != null ? out : landingFolder();
        GenerationSummary summary = SyntheticSources.generate(settings, target, Progress.stderr());
        print(summary, target, spec.commandLine().getOut());
    }

    private Path landingFolder() {
        String landing = config.load().landingRoot();
        if (landing.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new C360Exception("the landing folder " + landing + " is not on this machine; pass --out DIR");
        }
        return Path.of(landing);
    }

    private static LocalDate parseDate(String text) {
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new C360Exception("--as-of: expected a date like 2026-11-01 but was '" + text + "'");
        }
    }

    private static void print(GenerationSummary s, Path target, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "Generated %,d persons (seed %d) into %s in %.1fs%n",
                s.persons(),
                s.seed(),
                target,
                s.seconds());
        for (Map.Entry<String, Long> e : s.recordsPerSource().entrySet()) {
            out.printf(Locale.ROOT, "  %-18s %,12d records%n", e.getKey(), e.getValue());
        }
        out.printf(Locale.ROOT, "  %-18s %,12d records%n", "total", s.records());
        out.printf(Locale.ROOT, "  %-18s %,12d rows (_truth/)%n", "truth", s.truthRows());
        out.flush();
    }
}
