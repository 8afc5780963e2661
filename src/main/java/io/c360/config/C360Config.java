package io.c360.config;

import io.c360.C360Exception;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One run configuration (e.g. {@code conf/c360.yaml}), parsed once and validated at start-up.
 * Relative paths inside the file are resolved against the directory that holds the file, so a
 * configuration means the same thing from any working directory; {@code s3a://} (or any
 * {@code scheme://}) locations are kept as they are.
 */
public record C360Config(
    Path file, String lakeRoot, String landingRoot, List<SourceConfig> sources, SparkSettings spark, DemoSettings demo,
    Optional<Path> silverFolder) {

  public static final String DEFAULT_FILE = "conf/c360.yaml";

  public C360Config {
    sources = List.copyOf(sources);
  }

  /** One source system extract as declared in the configuration. */
  public record SourceConfig(
      String name, String system, String format, String path, Path contract, Map<String, String> options) {
    public SourceConfig {
      options = Map.copyOf(options);
    }
  }

  /** Spark settings; {@code master} applies only when the launcher (spark-submit) did not set one. */
  public record SparkSettings(String master, String appName, Map<String, String> settings) {
    public SparkSettings {
      settings = Map.copyOf(settings);
    }
  }

  /** What {@code c360 demo} generates when the landing folder holds no sample data yet. */
  public record DemoSettings(int persons, long seed) {}

  /** The silver definitions folder; the silver stage needs it. */
  public Path requireSilverFolder() {
    return silverFolder.orElseThrow(() -> new C360Exception(file + ": silver: missing; the silver stage needs the folder of "
        + "identity.yaml, matching.yaml and survivorship.yaml (e.g. silver: ../silver)"));
  }

  public Optional<SourceConfig> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public static C360Config load(Path file) {
    YamlNode root = YamlNode.load(file);
    Path base = file.toAbsolutePath().getParent();

    YamlNode lake = root.child("lake");
    String lakeRoot = resolve(base, lake.text("root"));
    lake.finish();
    String landing = resolve(base, root.text("landing"));

    List<SourceConfig> sources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (YamlNode s : root.list("sources")) {
      String name = s.text("name");
      if (!name.matches("[a-z][a-z0-9_]*")) {
        throw s.error("name", "expected lower-case letters, digits and _ (it becomes table bronze." + name + ")");
      }
      if (!names.add(name)) {
        throw s.error("name", "source '" + name + "' is declared twice");
      }
      String system = s.text("system");
      String format = s.choice("format", null, "csv", "json", "parquet");
      String path = s.text("path");
      Path contract = base.resolve(s.text("contract")).normalize();
      Map<String, String> options = s.textMap("options");
      s.finish();
      sources.add(new SourceConfig(name, system, format, path, contract, options));
    }
    if (sources.isEmpty()) {
      throw root.error("sources", "expected at least one source");
    }

    SparkSettings spark = new SparkSettings("local[*]", "c360", Map.of());
    Optional<YamlNode> sparkNode = root.optChild("spark");
    if (sparkNode.isPresent()) {
      YamlNode sp = sparkNode.get();
      spark = new SparkSettings(sp.text("master", "local[*]"), sp.text("app_name", "c360"), sp.textMap("settings"));
      sp.finish();
    }

    DemoSettings demo = new DemoSettings(2_000, 42L);
    Optional<YamlNode> demoNode = root.optChild("demo");
    if (demoNode.isPresent()) {
      YamlNode d = demoNode.get();
      int persons = d.integer("persons", demo.persons());
      if (persons < 1) {
        throw d.error("persons", "expected a positive number of persons but was " + persons);
      }
      demo = new DemoSettings(persons, d.integer("seed", (int) demo.seed()));
      d.finish();
    }
    Optional<Path> silver = root.optText("silver").map(p -> base.resolve(p).normalize());
    root.finish();
    return new C360Config(file, lakeRoot, landing, sources, spark, demo, silver);
  }

  /** The glob of a source's files: relative globs sit under the landing root. */
  public String sourceGlob(SourceConfig source) {
    return isUri(source.path()) || source.path().startsWith("/")
        ? source.path()
        : landingRoot + "/" + source.path();
  }

  static String resolve(Path base, String location) {
    if (location == null || location.isBlank()) {
      throw new C360Exception("empty location");
    }
    return isUri(location) ? stripSlash(location) : base.resolve(location).normalize().toString();
  }

  static boolean isUri(String location) {
    return location.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
