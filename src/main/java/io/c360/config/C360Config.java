package io.c360.config;

import io.c360.C360Exception;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run configuration (e.g. {@code conf/c360.yaml}), parsed once and validated at start-up.
 * Relative paths inside the file are resolved against the directory that holds the file, so a
 * configuration means the same thing from any working directory; {@code s3a://} (or any
 * {@code scheme://}) locations are kept as they are.
 */
public record C360Config(
        Path file,
        String lakeRoot,
        String landingRoot,
        List<SourceConfig> sources,
        SparkSettings spark,
        DemoSettings demo,
        Definitions definitions,
        String reportsRoot) {

    public static final String DEFAULT_FILE = "conf/c360.yaml";
    /** Where run reports go when the configuration names no {@code reports:} folder: beside the layers in the lake. */
    public static final String DEFAULT_REPORTS = "_reports";

    public C360Config {
        sources = List.copyOf(sources);
    }

    /**
     * One source system extract as declared in the configuration. {@code read}: how its files are
     * parsed; {@code readiness}: when a landed file may be read; {@code freshnessSla}: how old the
     * newest record may be at run time before the run log warns that the source is stale.
     */
    public record SourceConfig(
            String name,
            String system,
            String format,
            String path,
            Path contract,
            ReadOptions read,
            Readiness readiness,
            Optional<Duration> freshnessSla) {

        /** A source with reader options given as text (checked as the configuration file's would be), read at once. */
        public SourceConfig(
                String name, String system, String format, String path, Path contract, Map<String, String> options) {
            this(
                    name,
                    system,
                    format,
                    path,
                    contract,
                    ReadOptions.parse(
                            format,
                            options,
                            (key, expected) ->
                                    new C360Exception("source " + name + ": options: " + key + ": " + expected)),
                    Readiness.AT_ONCE,
                    Optional.empty());
        }
    }

    /**
     * When a landed file is complete enough to read. A system that writes straight into the landing
     * folder leaves a file half-written for a while: a file modified less than {@code settleTime} ago,
     * or (when a {@code completionMarker} is configured) whose marker file is absent, waits for the
     * next run. A marker containing {@code {file}} is per file ({@code {file}.done}); otherwise it is
     * one file in the same folder ({@code _SUCCESS}).
     */
    public record Readiness(Duration settleTime, Optional<String> completionMarker) {
        public static final Readiness AT_ONCE = new Readiness(Duration.ZERO, Optional.empty());
    }

    /** The folders of each layer's declarative definitions (contracts and quality checks, matching rules, gold SQL). */
    public record Definitions(Optional<Path> bronze, Optional<Path> silver, Optional<Path> gold) {
        public static Definitions none() {
            return new Definitions(Optional.empty(), Optional.empty(), Optional.empty());
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
        return definitions
                .silver()
                .orElseThrow(() -> new C360Exception(file + ": silver: missing; the silver stage needs the folder of "
                        + "identity.yaml, matching.yaml and survivorship.yaml (e.g. silver: ../silver)"));
    }

    /** The gold definitions folder; the gold stage needs it. */
    public Path requireGoldFolder() {
        return definitions
                .gold()
                .orElseThrow(() -> new C360Exception(file + ": gold: missing; the gold stage needs the folder of "
                        + "its metric SQL, segments.yaml and quality.yaml (e.g. gold: ../gold)"));
    }

    /** The same configuration on another lake and landing folder; reports go to the new lake's {@code _reports}. */
    public C360Config withLocations(String lake, String landing) {
        return new C360Config(file, lake, landing, sources, spark, demo, definitions, lake + "/" + DEFAULT_REPORTS);
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
                throw s.error(
                        "name", "expected lower-case letters, digits and _ (it becomes table bronze." + name + ")");
            }
            if (!names.add(name)) {
                throw s.error("name", "source '" + name + "' is declared twice");
            }
            String system = s.text("system");
            String format = s.choice("format", null, "csv", "json", "parquet");
            String path = s.text("path");
            Path contract = base.resolve(s.text("contract")).normalize();
            YamlNode optionsNode = s.optChild("options").orElse(null);
            ReadOptions read = ReadOptions.parse(
                    format, s.textMap("options"), optionsNode == null ? s::error : optionsNode::error);
            Duration settle = s.optText("settle_time")
                    .map(v -> duration(s, "settle_time", v))
                    .orElse(Duration.ZERO);
            Optional<String> marker = s.optText("completion_marker");
            if (marker.isPresent() && (marker.get().isBlank() || marker.get().contains("/"))) {
                throw s.error(
                        "completion_marker",
                        "expected a file name such as _SUCCESS or {file}.done but was '" + marker.get() + "'");
            }
            Optional<Duration> sla = s.optText("freshness_sla").map(v -> duration(s, "freshness_sla", v));
            s.finish();
            sources.add(
                    new SourceConfig(name, system, format, path, contract, read, new Readiness(settle, marker), sla));
        }
        if (sources.isEmpty()) {
            throw root.error("sources", "expected at least one source");
        }

        SparkSettings spark = new SparkSettings("local[*]", "c360", Map.of());
        Optional<YamlNode> sparkNode = root.optChild("spark");
        if (sparkNode.isPresent()) {
            YamlNode sp = sparkNode.get();
            spark = new SparkSettings(
                    sp.text("master", "local[*]"), sp.text("app_name", "c360"), sp.textMap("settings"));
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
        Definitions definitions = new Definitions(
                root.optText("bronze").map(p -> base.resolve(p).normalize()),
                root.optText("silver").map(p -> base.resolve(p).normalize()),
                root.optText("gold").map(p -> base.resolve(p).normalize()));
        String reports = root.optText("reports").map(r -> resolve(base, r)).orElse(lakeRoot + "/" + DEFAULT_REPORTS);
        root.finish();
        return new C360Config(file, lakeRoot, landing, sources, spark, demo, definitions, reports);
    }

    /** A duration written as a number and a unit: {@code 30s}, {@code 90m}, {@code 26h}, {@code 7d}. */
    static Duration duration(YamlNode node, String key, String value) {
        Matcher m = Pattern.compile("(\\d+)\\s*([smhd])").matcher(value.trim());
        if (!m.matches()) {
            throw node.error(key, "expected a duration such as 30s, 90m, 26h or 7d but was '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The glob of a source's files: relative globs sit under the landing root. */
    public String sourceGlob(SourceConfig source) {
        return isUri(source.path()) || source.path().startsWith("/")
                ? source.path()
                : landingRoot + "/" + source.path();
    }

    /** A location written in a file of folder {@code base}: a URI ({@code s3a://...}) as it is, a relative path against the folder. */
    public static String resolve(Path base, String location) {
        if (location == null || location.isBlank()) {
            throw new C360Exception("empty location");
        }
        return isUri(location)
                ? stripSlash(location)
                : base.resolve(location).normalize().toString();
    }

    static boolean isUri(String location) {
        return location.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
