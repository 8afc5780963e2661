package io.c360.bronze;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** A throw-away landing folder, lake and configuration with small inline sources. */
final class BronzeFixture {
    static final String PEOPLE_CONTRACT = """
      source: people
      owner: test-team
      key: [id]
      columns:
        - {name: id, type: string, required: true, pattern: '^P[0-9]+$'}
        - {name: name, type: string, pii: name}
        - {name: status, type: string, values: [active, closed]}
        - {name: amount, type: 'decimal(10,2)', min: 0}
        - {name: seen_at, type: timestamp, format: 'yyyy-MM-dd HH:mm:ss'}
      """;

    final Path home;
    final Path landing;
    final Lake lake;
    private final List<C360Config.SourceConfig> sources = new ArrayList<>();

    BronzeFixture(SparkSession spark, Path home) {
        this.home = home;
        this.landing = home.resolve("landing");
        this.lake = new Lake(spark, home.resolve("lake").toString());
    }

    BronzeFixture source(String name, String format, String glob, String contractYaml) {
        return source(name, format, glob, contractYaml, Map.of(), C360Config.Readiness.AT_ONCE);
    }

    /** A source with reader options (as a configuration file gives them) and readiness rules. */
    BronzeFixture source(
            String name,
            String format,
            String glob,
            String contractYaml,
            Map<String, String> options,
            C360Config.Readiness readiness) {
        Path contract = home.resolve(name + ".yaml");
        write(contract, contractYaml);
        C360Config.SourceConfig plain =
                new C360Config.SourceConfig(name, name + "_system", format, glob, contract, options);
        sources.add(new C360Config.SourceConfig(
                name, plain.system(), format, glob, contract, plain.read(), readiness, Optional.empty()));
        return this;
    }

    C360Config config() {
        return new C360Config(
                home.resolve("c360.yaml"),
                lake.root(),
                landing.toString(),
                sources,
                new C360Config.SparkSettings("local[2]", "test", Map.of()),
                new C360Config.DemoSettings(10, 1),
                C360Config.Definitions.none(),
                lake.root() + "/" + C360Config.DEFAULT_REPORTS);
    }

    BronzeIngest.Result ingest() {
        return new BronzeIngest(lake, config(), Progress.silent()).run();
    }

    Path land(String relative, String content) {
        Path p = landing.resolve(relative);
        write(p, content);
        return p;
    }

    Path landBytes(String relative, byte[] content) {
        Path p = landing.resolve(relative);
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static void write(Path p, String content) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
