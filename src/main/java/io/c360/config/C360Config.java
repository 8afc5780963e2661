package io.c360.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.c360.C360Exception;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
        String reportsRoot,
        AccessSettings access,
        ServeSettings serve,
        LineageSettings lineage) {

    public static final String DEFAULT_FILE = "conf/c360.yaml";
    /** Where run reports go when the configuration names no {@code reports:} folder: beside the layers in the lake. */
    public static final String DEFAULT_REPORTS = "_reports";

    public C360Config {
        sources = List.copyOf(sources);
        lineage = lineage == null ? LineageSettings.OFF : lineage;
    }

    /**
     * A configuration with the default roles ({@link AccessSettings#DEFAULTS}), whose {@code c360 serve} reads
     * the users file beside it ({@link ServeSettings#defaults}), sending no lineage events.
     */
    public C360Config(
            Path file,
            String lakeRoot,
            String landingRoot,
            List<SourceConfig> sources,
            SparkSettings spark,
            DemoSettings demo,
            Definitions definitions,
            String reportsRoot) {
        this(
                file,
                lakeRoot,
                landingRoot,
                sources,
                spark,
                demo,
                definitions,
                reportsRoot,
                AccessSettings.DEFAULTS,
                ServeSettings.defaults(file),
                LineageSettings.OFF);
    }

    /**
     * Where each pipeline run's OpenLineage events go ({@code lineage:}): {@code transport} none (the
     * default: no events), console, file ({@code path}, one JSON event a line) or http ({@code url} of the
     * catalog, e.g. {@code http://marquez:5000}; {@code api_key_env}: the environment variable holding a
     * bearer token). {@code namespace}: the namespace of c360's jobs (default c360).
     */
    public record LineageSettings(
            Transport transport,
            Optional<String> url,
            Optional<String> apiKeyEnv,
            Optional<String> path,
            String namespace) {
        public enum Transport {
            none,
            console,
            file,
            http
        }

        public static final LineageSettings OFF =
                new LineageSettings(Transport.none, Optional.empty(), Optional.empty(), Optional.empty(), "c360");

        public boolean enabled() {
            return transport != Transport.none;
        }

        @JsonCreator
        static LineageSettings of(
                @JsonProperty("transport") String transport,
                @JsonProperty("url") String url,
                @JsonProperty("api_key_env") String apiKeyEnv,
                @JsonProperty("path") String path,
                @JsonProperty("namespace") String namespace) {
            Transport chosen = transport == null
                    ? Transport.none
                    : java.util.Arrays.stream(Transport.values())
                            .filter(t -> t.name().equals(transport.toLowerCase(Locale.ROOT)))
                            .findFirst()
                            .orElseThrow(() -> new ConfigReader.InvalidSetting(
                                    "transport",
                                    "expected one of none, console, file, http but was '" + transport + "'"));
            // The URL is not repeated: it may carry credentials.
            if (chosen == Transport.http && (url == null || !url.matches("https?://[^\\s]+"))) {
                throw new ConfigReader.InvalidSetting(
                        "url", "expected the http(s) URL of the catalog (e.g. http://marquez:5000) for transport http");
            }
            if (chosen == Transport.file && (path == null || path.isBlank())) {
                throw new ConfigReader.InvalidSetting(
                        "path", "expected the file the events are appended to, for transport file");
            }
            if (apiKeyEnv != null && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigReader.InvalidSetting(
                        "api_key_env",
                        "expected the name of the environment variable that holds the token, not the token itself");
            }
            if (namespace != null && namespace.isBlank()) {
                throw new ConfigReader.InvalidSetting("namespace", "expected a job namespace such as c360");
            }
            return new LineageSettings(
                    chosen,
                    Optional.ofNullable(url),
                    Optional.ofNullable(apiKeyEnv),
                    Optional.ofNullable(path),
                    ConfigReader.orDefault(namespace, OFF.namespace()));
        }

        /** The settings with a relative {@code path} resolved against the configuration file's folder. */
        LineageSettings resolved(Path base) {
            return new LineageSettings(transport, url, apiKeyEnv, path.map(p -> resolve(base, p)), namespace);
        }
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

    /**
     * The folders of each layer's declarative definitions (contracts and quality checks, matching rules,
     * gold SQL), and the standardization settings that replace those of the silver folder's
     * {@code identity.yaml} key by key ({@code standardize:}, as written).
     */
    public record Definitions(
            Optional<Path> bronze, Optional<Path> silver, Optional<Path> gold, Optional<JsonNode> standardize) {
        public Definitions(Optional<Path> bronze, Optional<Path> silver, Optional<Path> gold) {
            this(bronze, silver, gold, Optional.empty());
        }

        public static Definitions none() {
            return new Definitions(Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** Spark settings; {@code master} applies only when the launcher (spark-submit) did not set one. */
    public record SparkSettings(String master, String appName, Map<String, String> settings) {
        public static final SparkSettings DEFAULTS = new SparkSettings(null, null, null);

        public SparkSettings {
            master = ConfigReader.orDefault(master, "local[*]");
            appName = ConfigReader.orDefault(appName, "c360");
            settings = settings == null ? Map.of() : Map.copyOf(settings);
        }
    }

    /** What {@code c360 demo} generates when the landing folder holds no sample data yet. */
    public record DemoSettings(int persons, long seed) {
        public static final DemoSettings DEFAULTS = new DemoSettings(2_000, 42L);

        public DemoSettings {
            if (persons < 1) {
                throw new ConfigReader.InvalidSetting(
                        "persons", "expected a positive number of persons but was " + persons);
            }
        }

        @JsonCreator
        static DemoSettings of(@JsonProperty("persons") Integer persons, @JsonProperty("seed") Long seed) {
            return new DemoSettings(
                    ConfigReader.orDefault(persons, DEFAULTS.persons), ConfigReader.orDefault(seed, DEFAULTS.seed));
        }
    }

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
        return new C360Config(
                file,
                lake,
                landing,
                sources,
                spark,
                demo,
                definitions,
                lake + "/" + DEFAULT_REPORTS,
                access,
                serve,
                lineage);
    }

    /** The same configuration sending its runs' lineage events as these settings say. */
    public C360Config withLineage(LineageSettings settings) {
        return new C360Config(
                file, lakeRoot, landingRoot, sources, spark, demo, definitions, reportsRoot, access, serve, settings);
    }

    public Optional<SourceConfig> source(String name) {
        return sources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static C360Config load(Path file) {
        Document doc = ConfigReader.read(file, Document.class);
        Path base = file.toAbsolutePath().getParent();
        Set<String> names = new HashSet<>();
        List<SourceConfig> sources = new ArrayList<>();
        for (int i = 0; i < doc.sources().size(); i++) {
            Source s = doc.sources().get(i);
            if (!names.add(s.name())) {
                throw new C360Exception(
                        file + ": sources[" + i + "].name: source '" + s.name() + "' is declared twice");
            }
            sources.add(new SourceConfig(
                    s.name(),
                    s.system(),
                    s.format(),
                    s.path(),
                    base.resolve(s.contract()).normalize(),
                    s.read(),
                    s.readiness(),
                    s.sla()));
        }
        String lakeRoot = resolve(base, doc.lake().root());
        Definitions definitions = new Definitions(
                folder(base, doc.bronze()),
                folder(base, doc.silver()),
                folder(base, doc.gold()),
                Optional.ofNullable(doc.standardize()));
        String reports = doc.reports() == null ? lakeRoot + "/" + DEFAULT_REPORTS : resolve(base, doc.reports());
        ServeSettings serve =
                doc.serve() == null ? ServeSettings.defaults(file) : doc.serve().resolve(file);
        return new C360Config(
                file,
                lakeRoot,
                resolve(base, doc.landing()),
                sources,
                doc.spark(),
                doc.demo(),
                definitions,
                reports,
                doc.access(),
                serve,
                doc.lineage().resolved(base));
    }

    /** {@code c360.yaml} as written; locations are resolved against the file's folder once it is read. */
    private record Document(
            @JsonProperty(required = true) Lake lake,
            @JsonProperty(required = true) String landing,
            String bronze,
            String silver,
            String gold,
            JsonNode standardize,
            String reports,
            List<Source> sources,
            SparkSettings spark,
            DemoSettings demo,
            AccessSettings access,
            ServeSettings.Document serve,
            LineageSettings lineage) {
        Document {
            if (sources == null || sources.isEmpty()) {
                throw new ConfigReader.InvalidSetting("sources", "expected at least one source");
            }
            spark = ConfigReader.orDefault(spark, SparkSettings.DEFAULTS);
            demo = ConfigReader.orDefault(demo, DemoSettings.DEFAULTS);
            access = ConfigReader.orDefault(access, AccessSettings.DEFAULTS);
            lineage = ConfigReader.orDefault(lineage, LineageSettings.OFF);
        }
    }

    private record Lake(@JsonProperty(required = true) String root) {}

    /** One entry of {@code sources:} as written. */
    private record Source(
            String name,
            String system,
            String format,
            String path,
            String contract,
            Map<String, String> options,
            String settleTime,
            String completionMarker,
            String freshnessSla) {
        Source {
            ConfigReader.required(name, "name");
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw new ConfigReader.InvalidSetting(
                        "name", "expected lower-case letters, digits and _ (it becomes table bronze." + name + ")");
            }
            ConfigReader.required(system, "system");
            ConfigReader.required(format, "format");
            ConfigReader.required(path, "path");
            ConfigReader.required(contract, "contract");
            format = format.toLowerCase(Locale.ROOT);
            if (!FORMATS.contains(format)) {
                throw new ConfigReader.InvalidSetting(
                        "format", "expected one of " + String.join(", ", FORMATS) + " but was '" + format + "'");
            }
            if (completionMarker != null && (completionMarker.isBlank() || completionMarker.contains("/"))) {
                throw new ConfigReader.InvalidSetting(
                        "completion_marker",
                        "expected a file name such as _SUCCESS or {file}.done but was '" + completionMarker + "'");
            }
            read(format, options);
            readiness(settleTime, completionMarker);
            sla(freshnessSla);
        }

        ReadOptions read() {
            return read(format, options);
        }

        Readiness readiness() {
            return readiness(settleTime, completionMarker);
        }

        Optional<Duration> sla() {
            return sla(freshnessSla);
        }

        private static ReadOptions read(String format, Map<String, String> options) {
            return ReadOptions.parse(
                    format,
                    ConfigReader.orDefault(options, Map.of()),
                    (key, expected) -> new ConfigReader.InvalidSetting("options." + key, expected));
        }

        private static Readiness readiness(String settleTime, String completionMarker) {
            Duration settle = settleTime == null ? Duration.ZERO : duration("settle_time", settleTime);
            return new Readiness(settle, Optional.ofNullable(completionMarker));
        }

        private static Optional<Duration> sla(String freshnessSla) {
            return Optional.ofNullable(freshnessSla).map(v -> duration("freshness_sla", v));
        }
    }

    private static final List<String> FORMATS = List.of("csv", "json", "parquet");

    private static Optional<Path> folder(Path base, String location) {
        return Optional.ofNullable(location).map(p -> base.resolve(p).normalize());
    }

    /** A duration written as a number and a unit: {@code 30s}, {@code 90m}, {@code 26h}, {@code 7d}. */
    static Duration duration(String key, String value) {
        Matcher m = Pattern.compile("(\\d+)\\s*([smhd])").matcher(value.trim());
        if (!m.matches()) {
            throw new ConfigReader.InvalidSetting(
                    key, "expected a duration such as 30s, 90m, 26h or 7d but was '" + value + "'");
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
