package io.c360.eval;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.config.ConfigReader;
import io.c360.lake.Lake;
import io.c360.lake.Storage;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.silver.Blocking;
import io.c360.silver.Comparisons;
import io.c360.silver.FellegiSunter;
import io.c360.silver.IdentityConfig;
import io.c360.silver.IdentityRecords;
import io.c360.silver.Matcher;
import io.c360.silver.MatchingConfig;
import io.c360.silver.ModelFlags;
import io.c360.silver.ModelStore;
import io.c360.silver.Resolver;
import io.c360.silver.RuleCheck;
import io.c360.silver.SilverConfig;
import io.c360.silver.cluster.ConnectedComponents;
import io.c360.silver.survivorship.SurvivorshipRules;
import io.c360.standardize.Standardization;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Matching quality against a truth: blocking recall and reduction ratio, the true pairs any matcher
 * could reach, pairwise and B-cubed precision/recall/F1 on the final clusters, a threshold sweep on the
 * decided pairs, the trained model's m/u per level with flags for a model that learned nonsense, and
 * over-merged clusters. Either a labelled data set run through the silver matcher ({@link Spec}, e.g.
 * FEBRL), or a lake's silver output against the generator's truth.
 */
public final class Evaluation {
    /** What the threshold sweep is measured on (said in the output, so nobody reads it as cluster figures). */
    static final String SWEEP_MEASURED_ON = "pairs before clustering";

    /** The match probabilities the sweep measures at, besides the configured link threshold. */
    static final List<Double> SWEEP_THRESHOLDS =
            List.of(0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999);

    private Evaluation() {}

    /** Whether records of one input are matched with each other too, or only with records of the other inputs. */
    public enum LinkType {
        dedupe,
        link_only
    }

    /** What was measured; serialized as the {@code --json} output. */
    public record Report(
            @JsonProperty("name") String name,
            @JsonProperty("link_type") LinkType linkType,
            @JsonProperty("records") long records,
            @JsonProperty("birth_dates_out_of_range") long birthDatesOutOfRange,
            @JsonProperty("true_pairs") long truePairs,
            @JsonProperty("candidate_pairs") long candidatePairs,
            @JsonProperty("blocking_recall") double blockingRecall,
            @JsonProperty("blocking_recall_connected") double blockingRecallConnected,
            @JsonProperty("reduction_ratio") double reductionRatio,
            @JsonProperty("reachable") Reachable reachable,
            @JsonProperty("link_threshold") double linkThreshold,
            @JsonProperty("pairwise") Metrics.Pairwise pairwise,
            @JsonProperty("bcubed") Metrics.BCubed bcubed,
            @JsonProperty("threshold_sweep") Sweep thresholdSweep,
            @JsonProperty("clusters") long clusters,
            @JsonProperty("true_entities") long trueEntities,
            @JsonProperty("over_merged_clusters") long overMergedClusters,
            @JsonProperty("clusters_joining_twins") Long clustersJoiningTwins,
            @JsonProperty("model") ModelFigures model,
            @JsonProperty("model_flags") List<ModelFlags.Flag> modelFlags,
            @JsonProperty("rule_checks") List<RuleCheck> ruleChecks,
            @JsonProperty("blocking_rules") List<RuleFigures> blockingRules,
            @JsonProperty("seconds") double seconds,
            @JsonProperty("households") Households households) {
        /** The same report with the household figures. */
        Report with(Households figures) {
            return new Report(
                    name,
                    linkType,
                    records,
                    birthDatesOutOfRange,
                    truePairs,
                    candidatePairs,
                    blockingRecall,
                    blockingRecallConnected,
                    reductionRatio,
                    reachable,
                    linkThreshold,
                    pairwise,
                    bcubed,
                    thresholdSweep,
                    clusters,
                    trueEntities,
                    overMergedClusters,
                    clustersJoiningTwins,
                    model,
                    modelFlags,
                    ruleChecks,
                    blockingRules,
                    seconds,
                    figures);
        }
    }

    /**
     * Households of gold ({@code gold.household_member}) against the generator's: pairwise over customers, a pair
     * being two customers in one household. A customer's true household is that of the person most of its
     * records belong to (ties: the smaller person id), so two customers of one person are a true pair too.
     */
    public record Households(
            @JsonProperty("customers") long customers,
            @JsonProperty("households") long households,
            @JsonProperty("true_households") long trueHouseholds,
            @JsonProperty("pairwise") Metrics.Pairwise pairwise,
            @JsonProperty("showable") Metrics.Pairwise showable) {}

    /** One blocking rule: identity pairs it generated, and the share of true record pairs it proposed on its own. */
    public record RuleFigures(
            @JsonProperty("rule") String rule,
            @JsonProperty("pairs") long pairs,
            @JsonProperty("recall") double recall,
            @JsonProperty("skipped_keys") long skippedKeys) {}

    /**
     * True pairs within reach: their two records are joined by a chain of records of the same entity,
     * each alike the next (some comparison puts the two at a level other than its catch-all). The rest
     * look like strangers to every comparison and to every record between them, so no matcher on these
     * comparisons finds them: {@code share} is the recall ceiling; {@code alikePairs} the true pairs
     * alike directly; {@code recall} how many of the reachable pairs the final clusters hold.
     */
    public record Reachable(
            @JsonProperty("reachable_pairs") long reachablePairs,
            @JsonProperty("share") double share,
            @JsonProperty("alike_pairs") long alikePairs,
            @JsonProperty("found_pairs") long foundPairs,
            @JsonProperty("recall") double recall) {}

    /** Pairwise figures at several match-probability thresholds, and the threshold with the best F1. */
    public record Sweep(
            @JsonProperty("measured_on") String measuredOn,
            @JsonProperty("points") List<SweepPoint> points,
            @JsonProperty("best") SweepPoint best) {}

    /** Pairwise figures of the pairs taken for matches at one threshold. */
    public record SweepPoint(
            @JsonProperty("threshold") double threshold,
            @JsonProperty("predicted_pairs") long predictedPairs,
            @JsonProperty("true_positives") long truePositives,
            @JsonProperty("precision") double precision,
            @JsonProperty("recall") double recall,
            @JsonProperty("f1") double f1) {}

    /** How training went, and what the model learned per comparison level. */
    public record ModelFigures(
            @JsonProperty("em_iterations") int emIterations,
            @JsonProperty("em_max_iterations") int emMaxIterations,
            @JsonProperty("converged") boolean converged,
            @JsonProperty("prior") double prior,
            @JsonProperty("candidate_prior") double candidatePrior,
            @JsonProperty("levels") List<LevelFigures> levels) {}

    /**
     * One comparison level: m = P(level | match), u = P(level | non-match), weight = log2(m / u), and the
     * candidate pairs at the level (the evidence training had).
     */
    public record LevelFigures(
            @JsonProperty("comparison") String comparison,
            @JsonProperty("level") String level,
            @JsonProperty("m") double m,
            @JsonProperty("u") double u,
            @JsonProperty("weight") double weight,
            @JsonProperty("candidate_pairs") long candidatePairs) {}

    /** Labelled pairs to estimate m from: a CSV with the two record ids and a match condition. */
    public record Labels(String path, String left, String right, String match) {
        @JsonCreator
        static Labels of(
                @JsonProperty("path") String path,
                @JsonProperty("left") String left,
                @JsonProperty("right") String right,
                @JsonProperty("match") String match) {
            return new Labels(
                    ConfigReader.required(path, "path"),
                    ConfigReader.required(left, "left"),
                    ConfigReader.required(right, "right"),
                    ConfigReader.required(match, "match"));
        }
    }

    /**
     * One labelled input: its name (the source of its records), the files it reads (each may be a glob
     * pattern), and how to read them; {@code key} is where the files are named in the evaluation file.
     */
    public record Input(String name, List<String> paths, String format, Map<String, String> options, String key) {
        public Input {
            paths = List.copyOf(paths);
        }
    }

    /** A labelled data set to evaluate on: where it is, how its columns map, what the truth is. */
    public record Spec(
            Path file,
            String name,
            List<Input> inputs,
            LinkType linkType,
            IdentityConfig.SourceMapping mapping,
            String truth,
            SilverConfig silver,
            Optional<Labels> labels) {

        public Spec {
            inputs = List.copyOf(inputs);
        }

        /** Reads an evaluation configuration; relative paths are relative to its folder. */
        public static Spec load(Path file) {
            SpecFile spec = ConfigReader.read(file, SpecFile.class);
            Path base = file.toAbsolutePath().getParent();
            Optional<SilverConfig> definitions =
                    spec.silver().map(s -> SilverConfig.load(base.resolve(s).normalize()));
            Standardization standardization = spec.standardize()
                    .map(overrides -> Standardization.overridden(
                            definitions
                                    .map(d -> d.folder().resolve("identity.yaml"))
                                    .orElse(null),
                            file,
                            overrides))
                    .orElseGet(() ->
                            definitions.map(d -> d.identity().standardization()).orElse(Standardization.defaults()));
            // Without a matching file (or with 'auto'), comparisons come from the mapped attributes' types
            // and blocking rules are chosen from the data.
            MatchingConfig matching = spec.matching()
                    .filter(m -> !m.equals(MatchingConfig.AUTO))
                    .map(m -> base.resolve(m).normalize())
                    .map(m -> MatchingConfig.load(m).over(spec.mapping().types(), m.toString()))
                    .orElseGet(() -> MatchingConfig.auto(spec.mapping().types()));
            SilverConfig silver = new SilverConfig(
                    definitions.map(SilverConfig::folder).orElse(base),
                    new IdentityConfig(standardization, Map.of()),
                    matching,
                    // evaluation builds no golden records
                    definitions
                            .map(SilverConfig::survivorship)
                            .orElseGet(() -> new SurvivorshipRules(file.toString(), List.of(), List.of())));
            return new Spec(
                    file,
                    spec.name(),
                    inputs(file, base, spec),
                    spec.linkType(),
                    spec.mapping(),
                    spec.truth(),
                    silver,
                    spec.labels()
                            .map(l -> new Labels(C360Config.resolve(base, l.path()), l.left(), l.right(), l.match())));
        }

        /** Whether a YAML file is an evaluation spec (it names an {@code input}) rather than a run configuration. */
        public static boolean isSpec(Path file) {
            return ConfigReader.read(file, Probe.class).input() != null;
        }

        /** The inputs named and resolved against the file's folder; several need distinct names. */
        private static List<Input> inputs(Path file, Path base, SpecFile spec) {
            List<InputFile> written = spec.input();
            List<Input> inputs = new ArrayList<>();
            java.util.Set<String> names = new HashSet<>();
            for (int i = 0; i < written.size(); i++) {
                InputFile in = written.get(i);
                String at = written.size() == 1 ? "input" : "input[" + i + "]";
                if (written.size() > 1 && in.name().isEmpty()) {
                    throw new C360Exception(file + ": " + at
                            + ".name: missing required key (several inputs need a name each; it becomes their records'"
                            + " source)");
                }
                String name = in.name().orElse(spec.name());
                if (!names.add(name)) {
                    throw new C360Exception(file + ": " + at + ".name: '" + name + "' names another input too");
                }
                inputs.add(new Input(
                        name,
                        in.paths().stream()
                                .map(p -> C360Config.resolve(base, p))
                                .toList(),
                        in.format(),
                        in.options(),
                        at + "." + in.pathKey()));
            }
            if (spec.linkType() == LinkType.link_only && inputs.size() < 2) {
                throw new C360Exception(file
                        + ": link_type: link_only links records of different inputs and needs at least two under"
                        + " input (a list), found " + inputs.size());
            }
            return inputs;
        }
    }

    /** An evaluation file as written: paths relative to its folder, the silver folder not yet read. */
    private record SpecFile(
            String name,
            List<InputFile> input,
            LinkType linkType,
            IdentityConfig.SourceMapping mapping,
            String truth,
            Optional<String> silver,
            Optional<JsonNode> standardize,
            Optional<String> matching,
            Optional<Labels> labels) {
        @JsonCreator
        static SpecFile of(
                @JsonProperty("name") String name,
                @JsonProperty("input") List<InputFile> input,
                @JsonProperty("link_type") LinkType linkType,
                @JsonProperty("mapping") IdentityConfig.SourceMapping mapping,
                @JsonProperty("truth") String truth,
                @JsonProperty("silver") String silver,
                @JsonProperty("standardize") JsonNode standardize,
                @JsonProperty("matching") String matching,
                @JsonProperty("labels") Labels labels) {
            List<InputFile> inputs = ConfigReader.required(input, "input");
            if (inputs.isEmpty()) {
                throw new ConfigReader.InvalidSetting("input", "expected an input (path, format) or a list of them");
            }
            return new SpecFile(
                    ConfigReader.required(name, "name"),
                    List.copyOf(inputs),
                    ConfigReader.orDefault(linkType, LinkType.dedupe),
                    ConfigReader.required(mapping, "mapping"),
                    ConfigReader.required(truth, "truth"),
                    Optional.ofNullable(silver),
                    Optional.ofNullable(standardize),
                    Optional.ofNullable(matching),
                    Optional.ofNullable(labels));
        }
    }

    /** Where a labelled input is (one path or glob, or several) and how to read it. */
    private record InputFile(Optional<String> name, List<String> paths, String format, Map<String, String> options) {
        @JsonCreator
        static InputFile of(
                @JsonProperty("name") String name,
                @JsonProperty("path") String path,
                @JsonProperty("paths") List<String> paths,
                @JsonProperty("format") String format,
                @JsonProperty("options") Map<String, String> options) {
            String chosen = ConfigReader.orDefault(format, "csv").toLowerCase(Locale.ROOT);
            if (!List.of("csv", "json", "parquet").contains(chosen)) {
                throw new ConfigReader.InvalidSetting(
                        "format", "expected one of csv, json, parquet but was '" + format + "'");
            }
            if ((path == null) == (paths == null)) {
                throw new ConfigReader.InvalidSetting(
                        path == null ? "path" : "paths",
                        "expected either path (a file or a glob such as data/part-*.csv) or paths (a list of them)");
            }
            List<String> files = path != null ? List.of(path) : List.copyOf(paths);
            if (files.isEmpty()) {
                throw new ConfigReader.InvalidSetting("paths", "expected at least one file or glob");
            }
            return new InputFile(
                    Optional.ofNullable(name),
                    files,
                    chosen,
                    options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options)));
        }

        /** The key the files were given under. */
        String pathKey() {
            return paths.size() == 1 ? "path" : "paths";
        }
    }

    /** A YAML file read only to tell an evaluation spec from a run configuration. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Probe(@JsonProperty("input") Object input) {}

    /**
     * A resolution to measure. {@code records}: {@code record_key, node, truth, input} (records sharing a
     * node are one identity); {@code clusters}: {@code record_key, cluster}; {@code pairs}: the decided
     * candidate node pairs ({@code l_id, r_id, match_probability, decision}, with {@code blocking_rules} when
     * rules are measured); {@code nodes}: the identities with their attributes, to find the reachable pairs;
     * {@code parameters}: the model that scored the pairs, when known; {@code birthDatesOutOfRange}: the
     * birth dates standardization left out as implausible.
     */
    record Resolved(
            Dataset<Row> records,
            Dataset<Row> clusters,
            Dataset<Row> pairs,
            Optional<Dataset<Row>> nodes,
            MatchingConfig matching,
            Optional<FellegiSunter.Parameters> parameters,
            List<Blocking.RuleReport> blocking,
            Optional<Dataset<Row>> twins,
            boolean linkOnly,
            long birthDatesOutOfRange) {}

    /** Runs the matcher on a labelled data set and measures it. */
    public static Report run(SparkSession spark, Spec spec, boolean perRuleRecall) {
        Instant start = Instant.now();
        boolean linkOnly = spec.linkType() == LinkType.link_only;
        Dataset<Row> records = records(spark, spec);
        if (linkOnly) {
            // Each record its own identity: records of different inputs, or identical ones of one input,
            // never become one node, so only blocking and the model ever join them (and only across inputs).
            records = records.withColumn(IdentityRecords.SIGNATURE, col(IdentityRecords.RECORD_KEY));
        }
        Dataset<Row> identityRecords = records.localCheckpoint(true);
        Optional<Dataset<Row>> labels = spec.labels().map(l -> labelledPairs(spark, identityRecords, l));
        MatchingConfig matching = spec.silver().matching();
        Dataset<Row> nodes = Matcher.nodes(identityRecords, matching).localCheckpoint(true);
        Blocking.Result blocked = Matcher.block(nodes, matching);
        Blocking.Result candidates = linkOnly ? acrossInputs(blocked, identityRecords) : blocked;
        Matcher.Result matched = Matcher.score(
                nodes, candidates, candidates.pairs(), matching, Optional.empty(), Optional.empty(), labels);
        Dataset<Row> pairs = matched.pairs().localCheckpoint(true);
        Resolver.Resolution resolution = Resolver.cluster(
                identityRecords, matched, pairs, nodes.select("id"), spec.silver(), Resolver.noStewardDecisions(spark));
        Dataset<Row> assigned = identityRecords.select(
                col("record_key"),
                col(IdentityRecords.SIGNATURE).as("node"),
                coalesce(col("truth"), col("record_key")).as("truth"),
                col("source").as("input"));
        return report(
                spec.name(),
                new Resolved(
                        assigned,
                        resolution.recordClusters(),
                        pairs,
                        Optional.of(nodes),
                        matching,
                        Optional.of(matched.parameters()),
                        // rules chosen from the data are listed with their figures: the user has not seen them
                        perRuleRecall || matching.blockingFromData() ? matched.blocking() : List.of(),
                        Optional.empty(),
                        linkOnly,
                        identityRecords
                                .filter(col(IdentityRecords.BIRTH_DATE_OUT_OF_RANGE))
                                .count()),
                start);
    }

    /** The identity records of every input, each with its {@code truth}. */
    static Dataset<Row> records(SparkSession spark, Spec spec) {
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(spec.silver().nicknames(spark));
        Dataset<Row> records = null;
        for (Input in : spec.inputs()) {
            Dataset<Row> rows = read(spark, spec, in);
            Dataset<Row> mapped = IdentityRecords.of(
                            rows,
                            in.name(),
                            in.name(),
                            spec.mapping(),
                            spec.silver().identity().standardization(),
                            nicknames)
                    .join(
                            rows.select(
                                    expr(spec.mapping().recordId())
                                            .cast("string")
                                            .as("record_id"),
                                    expr(spec.truth()).cast("string").as("truth")),
                            "record_id");
            records = records == null ? mapped : records.unionByName(mapped);
        }
        return records;
    }

    /** One input's rows; every path or glob must name something. */
    private static Dataset<Row> read(SparkSession spark, Spec spec, Input in) {
        for (String path : in.paths()) {
            if (Storage.matches(spark.sparkContext().hadoopConfiguration(), path) == 0) {
                throw new C360Exception(spec.file() + ": " + in.key() + ": '" + path
                        + "' matches no file (a path relative to the evaluation file, or a glob such as"
                        + " data/part-*.csv)");
            }
        }
        return spark.read()
                .format(in.format())
                .options(in.options())
                .load(in.paths().toArray(String[]::new));
    }

    /** The candidate pairs of records from different inputs: inputs linked without deduplicating each. */
    private static Blocking.Result acrossInputs(Blocking.Result blocked, Dataset<Row> records) {
        Dataset<Row> inputs =
                records.select(col(IdentityRecords.SIGNATURE), col("source")).distinct();
        Dataset<Row> pairs = blocked.pairs()
                .join(
                        inputs.select(
                                col(IdentityRecords.SIGNATURE).as("li"),
                                col("source").as("l_input")),
                        col(Blocking.LEFT).equalTo(col("li")))
                .join(
                        inputs.select(
                                col(IdentityRecords.SIGNATURE).as("ri"),
                                col("source").as("r_input")),
                        col(Blocking.RIGHT).equalTo(col("ri")))
                .filter(col("l_input").notEqual(col("r_input")))
                .select(col(Blocking.LEFT), col(Blocking.RIGHT), col(Blocking.RULES))
                .localCheckpoint(true);
        return new Blocking.Result(pairs, blocked.rules(), blocked.report());
    }

    /** The labelled pairs as identity pairs ({@code l_id, r_id, is_match}); pairs within one identity say nothing. */
    private static Dataset<Row> labelledPairs(SparkSession spark, Dataset<Row> records, Labels l) {
        Dataset<Row> sig = records.select(col("record_id"), col(IdentityRecords.SIGNATURE));
        return spark.read()
                .option("header", "true")
                .csv(l.path())
                .select(
                        expr(l.left()).cast("string").as("a"),
                        expr(l.right()).cast("string").as("b"),
                        expr(l.match()).as("is_match"))
                .join(
                        sig.select(
                                col("record_id").as("a"),
                                col(IdentityRecords.SIGNATURE).as("sa")),
                        "a")
                .join(
                        sig.select(
                                col("record_id").as("b"),
                                col(IdentityRecords.SIGNATURE).as("sb")),
                        "b")
                .filter(col("sa").notEqual(col("sb")))
                .select(
                        expr("least(sa, sb)").as(Blocking.LEFT),
                        expr("greatest(sa, sb)").as(Blocking.RIGHT),
                        col("is_match"));
    }

    /** A lake's silver output (identity records, scored pairs, customer ids) against the generator's truth files. */
    public static Report ofLake(Lake lake, C360Config config, boolean perRuleRecall) {
        Instant start = Instant.now();
        SparkSession spark = lake.spark();
        String truthFolder = config.landingRoot() + "/_truth";
        Dataset<Row> truth = spark.read()
                .option("header", "true")
                .csv(truthFolder + "/truth_*.csv")
                .select(
                        org.apache
                                .spark
                                .sql
                                .functions
                                .concat_ws(":", col("source"), col("record_id"))
                                .as("record_key"),
                        col("person_id").as("truth"));
        Dataset<Row> identityRecords = lake.read(TableCatalog.IDENTITY_RECORDS);
        Dataset<Row> records = identityRecords
                .select(col("record_key"), col(IdentityRecords.SIGNATURE).as("node"), col("source"))
                .join(
                        truth,
                        scala.collection.JavaConverters.asScalaBuffer(List.of("record_key"))
                                .toSeq(),
                        "left")
                .select(
                        col("record_key"),
                        col("node"),
                        coalesce(col("truth"), col("record_key")).as("truth"),
                        col("source").as("input"));
        Dataset<Row> clusters = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .select(col("record_key"), col("customer_id").as("cluster"));
        Dataset<Row> pairs = lake.read(TableCatalog.SCORED_PAIRS);
        MatchingConfig matching = SilverConfig.of(config).matching();
        Optional<FellegiSunter.Parameters> parameters = new ModelStore(
                        lake.root(), spark.sparkContext().hadoopConfiguration())
                .latest(ModelStore.fingerprint(matching))
                .map(ModelStore.Artefact::parameters);
        List<Blocking.RuleReport> blocking = perRuleRecall && lake.exists(TableCatalog.BLOCKING_REPORT)
                ? lake.read(TableCatalog.BLOCKING_REPORT).collectAsList().stream()
                        .map(r -> new Blocking.RuleReport(
                                r.getAs("rule"),
                                r.<Long>getAs("pairs"),
                                r.<Long>getAs("skipped_keys"),
                                r.<Long>getAs("skipped_records"),
                                r.getAs("largest_skipped_key")))
                        .toList()
                : List.of();
        Dataset<Row> twins = spark.read()
                .option("header", "true")
                .csv(truthFolder + "/persons_*.csv")
                .filter(col("twin_of").isNotNull())
                .select(col("person_id").as("a"), col("twin_of").as("b"));
        Comparisons.registerFunctions(spark);
        Optional<Households> households = households(lake, truth, truthFolder);
        Report report = report(
                "lake " + lake.root(),
                new Resolved(
                        records,
                        clusters,
                        pairs,
                        Optional.of(Matcher.nodes(identityRecords, matching)),
                        matching,
                        parameters,
                        blocking,
                        Optional.of(twins),
                        false,
                        0),
                start);
        return households.map(report::with).orElse(report);
    }

    /**
     * Gold's households against the generator's, if gold has published them. Besides all true pairs, recall is
     * measured on the pairs the sources can show ({@link #showable}). A pair outside them (a member known only
     * from web events, a roommate who gave no shared contact) cannot be found from these sources.
     */
    private static Optional<Households> households(Lake lake, Dataset<Row> truth, String truthFolder) {
        TableName members = TableName.gold("household_member");
        if (!lake.exists(members)) {
            return Optional.empty();
        }
        SparkSession spark = lake.spark();
        Dataset<Row> persons = spark.read()
                .option("header", "true")
                .csv(truthFolder + "/persons_*.csv")
                .select(col("person_id").as("truth"), col("household_id").as("true_household"));
        Dataset<Row> customerPerson = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .join(truth, "record_key")
                .groupBy("customer_id", "truth")
                .agg(count(lit(1)).as("records"))
                .withColumn(
                        "nth",
                        row_number()
                                .over(Window.partitionBy("customer_id")
                                        .orderBy(col("records").desc(), col("truth"))))
                .where(col("nth").equalTo(1))
                .join(persons, "truth")
                .select(
                        col("customer_id"),
                        coalesce(col("true_household"), concat(lit("customer "), col("customer_id")))
                                .as("true_household"))
                .localCheckpoint(true);
        Dataset<Row> predicted = lake.read(members)
                .select(col("customer_id"), col("household_id").as("predicted"));
        Dataset<Row> assignments = predicted
                .join(customerPerson, new String[] {"customer_id"}, "left")
                .select(
                        col("predicted"),
                        coalesce(col("true_household"), concat(lit("customer "), col("customer_id")))
                                .as("truth"),
                        lit("customers").as("input"))
                .cache();
        Households figures = new Households(
                assignments.count(),
                assignments.select("predicted").distinct().count(),
                assignments.select("truth").distinct().count(),
                Metrics.pairwise(assignments, false),
                Metrics.pairwise(
                        predicted
                                .join(showable(lake, customerPerson), "customer_id")
                                .select(
                                        col("predicted"),
                                        col("truth"),
                                        lit("customers").as("input")),
                        false));
        assignments.unpersist();
        return Optional.of(figures);
    }

    /**
     * {@code customer_id, truth}: each customer with, as its truth, the part of its true household it is
     * connected to by a contact its members share on any of their records: the standardized address, phone or
     * e-mail. Rules-independent, so the figure is a ceiling for any household evidence over these attributes.
     */
    private static Dataset<Row> showable(Lake lake, Dataset<Row> customerHousehold) {
        Dataset<Row> records = lake.read(TableCatalog.IDENTITY_RECORDS)
                .join(lake.read(TableCatalog.CUSTOMER_ID_MAP), "record_key")
                .join(customerHousehold, "customer_id");
        Column address = when(
                col("house_number")
                        .isNotNull()
                        .and(col("street").isNotNull())
                        .and(col("postcode").isNotNull()),
                concat(
                        lit("address "),
                        concat_ws(
                                "|",
                                col("house_number"),
                                col("street"),
                                coalesce(col("unit"), lit("")),
                                col("postcode"))));
        Dataset<Row> held = records.select(
                        col("customer_id"),
                        col("true_household"),
                        explode(array(
                                        address,
                                        concat(lit("phone "), col("phone")),
                                        concat(lit("email "), col("email"))))
                                .as("value"))
                .where(col("value").isNotNull());
        Dataset<Row> hubs =
                held.groupBy("true_household", "value").agg(min("customer_id").as("hub"));
        Dataset<Row> links = held.join(hubs, new String[] {"true_household", "value"})
                .select(col("hub").as("l"), col("customer_id").as("r"));
        return ConnectedComponents.of(
                        customerHousehold.select(col("customer_id").as(ConnectedComponents.RECORD_KEY)), links, 100)
                .select(
                        col(ConnectedComponents.RECORD_KEY).as("customer_id"),
                        col(ConnectedComponents.COMPONENT).as("truth"));
    }

    static Report report(String name, Resolved r, Instant start) {
        Dataset<Row> records = r.records();
        boolean linkOnly = r.linkOnly();
        Dataset<Row> assignments = records.join(r.clusters(), "record_key")
                .select(col("cluster").as("predicted"), col("truth"), col("input"))
                .cache();
        Dataset<Row> pairs = r.pairs();
        Dataset<Row> nodeTruth = records.select("node", "truth", "input");
        Metrics.Blocking b = Metrics.blocking(nodeTruth, pairs.select(Blocking.LEFT, Blocking.RIGHT), linkOnly);
        // Records of several systems often share no attribute pairwise (a web login's email, a CRM row
        // without one) and can only be joined through others: the share of true pairs blocking connects
        // at all, directly or through other candidates, is the recall clustering can reach.
        Dataset<Row> blockingComponents = io.c360.silver.cluster.ConnectedComponents.of(
                records.select(col("node").as("record_key")).distinct(),
                pairs.select(col(Blocking.LEFT).as("l"), col(Blocking.RIGHT).as("r")),
                200);
        Dataset<Row> connected = records.join(blockingComponents.withColumnRenamed("record_key", "node"), "node")
                .select(col("component").as("predicted"), col("truth"), col("input"));
        double connectedRecall = Metrics.pairwise(connected, linkOnly).recall();
        Metrics.Pairwise pw = Metrics.pairwise(assignments, linkOnly);
        Metrics.BCubed bc = Metrics.bcubed(assignments);
        long clusterCount = assignments.select("predicted").distinct().count();
        long entities = assignments.select("truth").distinct().count();
        long overMerged = Metrics.overMergedClusters(assignments);
        Long twinMerges = r.twins()
                .map(t -> {
                    Dataset<Row> placed =
                            assignments.select("predicted", "truth").distinct();
                    return placed.join(t, placed.col("truth").equalTo(t.col("a")))
                            .join(
                                    placed.select(
                                            col("predicted").as("p2"),
                                            col("truth").as("t2")),
                                    col("predicted")
                                            .equalTo(col("p2"))
                                            .and(col("t2").equalTo(col("b"))))
                            .select("predicted")
                            .distinct()
                            .count();
                })
                .orElse(null);
        assignments.unpersist();
        List<RuleFigures> perRule = new ArrayList<>();
        for (Blocking.RuleReport rule : r.blocking()) {
            Dataset<Row> byRule = pairs.filter(
                            org.apache.spark.sql.functions.array_contains(col(Blocking.RULES), rule.rule()))
                    .select(Blocking.LEFT, Blocking.RIGHT);
            perRule.add(new RuleFigures(
                    rule.rule(),
                    rule.pairs(),
                    Metrics.blocking(nodeTruth, byRule, linkOnly).recall(),
                    rule.skippedKeys()));
        }
        MatchingConfig.Model model = r.matching().model();
        Reachable reachable = r.nodes()
                .map(nodes ->
                        reachable(records, r.clusters(), nodes, r.matching().comparisons(), linkOnly))
                .orElse(null);
        Sweep sweep = sweep(records, pairs, linkOnly, model.linkThreshold());
        ModelFigures figures = null;
        List<ModelFlags.Flag> flags = List.of();
        if (r.parameters().isPresent()) {
            ModelFlags.Evidence evidence =
                    ModelFlags.evidence(pairs, r.matching().comparisons());
            figures = modelFigures(r.parameters().get(), r.matching(), evidence);
            flags = ModelFlags.of(r.parameters().get(), r.matching().comparisons(), evidence);
        }
        return new Report(
                name,
                linkOnly ? LinkType.link_only : LinkType.dedupe,
                records.count(),
                r.birthDatesOutOfRange(),
                b.truePairs(),
                b.candidatePairs(),
                b.recall(),
                connectedRecall,
                b.reductionRatio(),
                reachable,
                model.linkThreshold(),
                pw,
                bc,
                sweep,
                clusterCount,
                entities,
                overMerged,
                twinMerges,
                figures,
                flags,
                r.parameters().map(FellegiSunter.Parameters::ruleChecks).orElse(List.of()),
                perRule,
                Duration.between(start, Instant.now()).toMillis() / 1000.0,
                null);
    }

    /**
     * The true pairs within reach, computed on the true pairs themselves (few, unlike all pairs): two
     * records of one entity are alike when some comparison puts them at a level other than its catch-all
     * (records sharing an identity are alike by definition), and within reach when a chain of alike
     * records of that entity joins them, as clustering can.
     */
    static Reachable reachable(
            Dataset<Row> records,
            Dataset<Row> clusters,
            Dataset<Row> nodes,
            List<MatchingConfig.Comparison> comparisons,
            boolean linkOnly) {
        Dataset<Row> perNode = (linkOnly ? records.groupBy("node", "truth", "input") : records.groupBy("node", "truth"))
                .agg(count(lit(1)).as("c"));
        Dataset<Row> l = perNode.select(
                col("node").as(Blocking.LEFT),
                col("truth").as("lt"),
                (linkOnly ? col("input") : lit("")).as("li"),
                col("c").as("lc"));
        Dataset<Row> r = perNode.select(
                col("node").as(Blocking.RIGHT),
                col("truth").as("rt"),
                (linkOnly ? col("input") : lit("")).as("ri"),
                col("c").as("rc"));
        Column sameEntity = col("lt").equalTo(col("rt")).and(col(Blocking.LEFT).lt(col(Blocking.RIGHT)));
        Dataset<Row> truePairs = l.join(r, linkOnly ? sameEntity.and(col("li").notEqual(col("ri"))) : sameEntity)
                .groupBy(Blocking.LEFT, Blocking.RIGHT)
                .agg(sum(col("lc").multiply(col("rc"))).as("w"));
        Dataset<Row> ln = nodes.select(col("id").as("l_key"), struct(col("*")).as("l"));
        Dataset<Row> rn = nodes.select(col("id").as("r_key"), struct(col("*")).as("r"));
        Dataset<Row> compared = Comparisons.vectors(
                truePairs
                        .join(ln, col(Blocking.LEFT).equalTo(col("l_key")))
                        .join(rn, col(Blocking.RIGHT).equalTo(col("r_key"))),
                comparisons);
        Column alike = lit(false);
        for (MatchingConfig.Comparison c : comparisons) {
            Column level = col(Comparisons.gammaColumn(c));
            alike = alike.or(level.geq(0).and(level.lt(c.levels().size() - 1)));
        }
        Dataset<Row> alikePairs = compared.filter(alike)
                .select(col(Blocking.LEFT).as("l"), col(Blocking.RIGHT).as("r"), col("w"))
                .localCheckpoint(true);
        Row direct = alikePairs.agg(sum("w")).head();
        Dataset<Row> chains = io.c360.silver.cluster.ConnectedComponents.of(
                records.select(col("node").as("record_key")).distinct(), alikePairs.select("l", "r"), 200);
        Dataset<Row> placed = records.join(chains.withColumnRenamed("record_key", "node"), "node")
                .join(clusters, "record_key")
                .select(col("node"), col("truth"), col("input"), col("component"), col("cluster"));
        long truth = Metrics.pairs(records, linkOnly, "truth");
        long alikeDirectly =
                Metrics.pairs(records, linkOnly, "node", "truth") + (direct.isNullAt(0) ? 0 : direct.getLong(0));
        long reachablePairs = Metrics.pairs(placed, linkOnly, "component", "truth");
        long found = Metrics.pairs(placed, linkOnly, "component", "truth", "cluster");
        return new Reachable(
                reachablePairs,
                truth == 0 ? 1.0 : (double) reachablePairs / truth,
                alikeDirectly,
                found,
                reachablePairs == 0 ? 1.0 : (double) found / reachablePairs);
    }

    /**
     * Pairwise figures of the decided pairs at each threshold, before clustering (clustering at every
     * threshold would cost a resolution each): a pair counts as predicted when a rule or a steward linked
     * it, or when nothing vetoed it and its match probability reaches the threshold
     * ({@code model_link_requires} is not applied). Records sharing an identity are predicted at every
     * threshold.
     */
    static Sweep sweep(Dataset<Row> records, Dataset<Row> pairs, boolean linkOnly, double linkThreshold) {
        long truth = Metrics.pairs(records, linkOnly, "truth");
        long withinPredicted = Metrics.pairs(records, linkOnly, "node");
        long withinTrue = Metrics.pairs(records, linkOnly, "node", "truth");
        Dataset<Row> perNode = records.groupBy("node").agg(count(lit(1)).as("c"));
        Dataset<Row> perNodeTruth =
                records.groupBy("node", "truth").agg(count(lit(1)).as("c"));
        Dataset<Row> decided =
                pairs.select(col(Blocking.LEFT), col(Blocking.RIGHT), col("match_probability"), col("decision"));
        Dataset<Row> weighted = decided.join(
                        perNode.select(col("node").as(Blocking.LEFT), col("c").as("lc")), Blocking.LEFT)
                .join(perNode.select(col("node").as(Blocking.RIGHT), col("c").as("rc")), Blocking.RIGHT)
                .withColumn("w", col("lc").multiply(col("rc")));
        Dataset<Row> trueWeights = decided.select(Blocking.LEFT, Blocking.RIGHT)
                .join(
                        perNodeTruth.select(
                                col("node").as(Blocking.LEFT), col("truth").as("t"), col("c").as("ltc")),
                        Blocking.LEFT)
                .join(
                        perNodeTruth.select(
                                col("node").as(Blocking.RIGHT), col("truth").as("t"), col("c").as("rtc")),
                        scala.collection.JavaConverters.asScalaBuffer(List.of(Blocking.RIGHT, "t"))
                                .toSeq())
                .groupBy(Blocking.LEFT, Blocking.RIGHT)
                .agg(sum(col("ltc").multiply(col("rtc"))).as("tw"));
        Dataset<Row> both = weighted.join(
                        trueWeights,
                        scala.collection.JavaConverters.asScalaBuffer(List.of(Blocking.LEFT, Blocking.RIGHT))
                                .toSeq(),
                        "left")
                .withColumn("tw", coalesce(col("tw"), lit(0L)));
        TreeSet<Double> thresholds = new TreeSet<>(SWEEP_THRESHOLDS);
        thresholds.add(linkThreshold);
        List<Double> at = List.copyOf(thresholds);
        Column decidedLink = col("decision").isin(Matcher.LINKED_BY_RULE, Matcher.LINKED_BY_STEWARD);
        Column decidedApart = col("decision").isin(Matcher.VETOED, Matcher.NON_LINK_BY_STEWARD);
        List<Column> sums = new ArrayList<>();
        for (double t : at) {
            Column taken = decidedLink.or(org.apache
                    .spark
                    .sql
                    .functions
                    .not(decidedApart)
                    .and(col("match_probability").geq(t)));
            sums.add(sum(when(taken, col("w")).otherwise(0L)));
            sums.add(sum(when(taken, col("tw")).otherwise(0L)));
        }
        Row row = both.agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
                .head();
        List<SweepPoint> points = new ArrayList<>();
        SweepPoint best = null;
        for (int i = 0; i < at.size(); i++) {
            long predicted = withinPredicted + (row.isNullAt(2 * i) ? 0 : row.getLong(2 * i));
            long tp = withinTrue + (row.isNullAt(2 * i + 1) ? 0 : row.getLong(2 * i + 1));
            Metrics.Pairwise p = Metrics.pairwise(truth, predicted, tp);
            SweepPoint point = new SweepPoint(at.get(i), predicted, tp, p.precision(), p.recall(), p.f1());
            points.add(point);
            // On a tie the higher threshold wins: the same F1 with fewer links to review.
            if (best == null || point.f1() >= best.f1()) {
                best = point;
            }
        }
        return new Sweep(SWEEP_MEASURED_ON, points, best);
    }

    /** The model's m, u and weight per comparison level, and how EM went. */
    static ModelFigures modelFigures(
            FellegiSunter.Parameters p, MatchingConfig matching, ModelFlags.Evidence evidence) {
        List<LevelFigures> levels = new ArrayList<>();
        for (MatchingConfig.Comparison c : matching.comparisons()) {
            double[] m = p.m().get(c.name());
            double[] u = p.u().get(c.name());
            long[] seen = evidence.levelPairs().get(c.name());
            if (m == null || u == null) {
                continue;
            }
            for (int i = 0; i < c.levels().size(); i++) {
                levels.add(new LevelFigures(
                        c.name(), c.levels().get(i).name(), m[i], u[i], p.weight(c.name(), i), seen[i]));
            }
        }
        int max = matching.model().emMaxIterations();
        return new ModelFigures(p.emIterations(), max, p.emConverged(), p.prior(), p.candidatePrior(), levels);
    }

    /** Human-readable report lines. */
    public static String format(Report r) {
        List<String> lines = new ArrayList<>();
        lines.add("evaluation: " + r.name()
                + (r.linkType() == LinkType.link_only ? " (link only: pairs across inputs)" : ""));
        lines.add(String.format(
                "  records %,d  true entities %,d  true pairs %,d", r.records(), r.trueEntities(), r.truePairs()));
        if (r.birthDatesOutOfRange() > 0) {
            lines.add(String.format(
                    "  birth dates left out as implausible (before standardize.earliest_birth_date or after today): %,d",
                    r.birthDatesOutOfRange()));
        }
        lines.add(String.format(
                "  blocking: recall %.4f (connected through candidates %.4f)  reduction ratio %.6f  candidate pairs %,d",
                r.blockingRecall(), r.blockingRecallConnected(), r.reductionRatio(), r.candidatePairs()));
        if (r.reachable() != null) {
            lines.add(String.format(
                    "  reachable: %,d true pairs (%.4f of them; %,d alike directly) joined by records alike in some"
                            + " comparison; the clusters hold %,d of those (recall %.4f)",
                    r.reachable().reachablePairs(),
                    r.reachable().share(),
                    r.reachable().alikePairs(),
                    r.reachable().foundPairs(),
                    r.reachable().recall()));
        }
        lines.add(String.format(
                "  pairwise at p >= %.2f: precision %.4f  recall %.4f  F1 %.4f",
                r.linkThreshold(),
                r.pairwise().precision(),
                r.pairwise().recall(),
                r.pairwise().f1()));
        lines.add(String.format(
                "  B-cubed: precision %.4f  recall %.4f  F1 %.4f",
                r.bcubed().precision(), r.bcubed().recall(), r.bcubed().f1()));
        lines.add(String.format(
                "  clusters %,d  over-merged clusters %,d%s  (%.1fs)",
                r.clusters(),
                r.overMergedClusters(),
                r.clustersJoiningTwins() == null
                        ? ""
                        : String.format("  clusters joining twins %,d", r.clustersJoiningTwins()),
                r.seconds()));
        if (r.households() != null) {
            Households h = r.households();
            lines.add(String.format(
                    "  households (pairs of customers in one household): precision %.4f  recall %.4f  F1 %.4f"
                            + "  households %,d (true %,d) of %,d customers",
                    h.pairwise().precision(),
                    h.pairwise().recall(),
                    h.pairwise().f1(),
                    h.households(),
                    h.trueHouseholds(),
                    h.customers()));
            lines.add(String.format(
                    "  households the sources can show (members sharing an address, phone or e-mail): %,d of %,d true pairs,"
                            + " recall %.4f",
                    h.showable().truePairs(),
                    h.pairwise().truePairs(),
                    h.showable().recall()));
        }
        Sweep sweep = r.thresholdSweep();
        lines.add(String.format(
                "  threshold sweep (%s): best F1 %.4f at p >= %s",
                sweep.measuredOn(), sweep.best().f1(), threshold(sweep.best().threshold())));
        lines.add("    p >=      precision  recall   F1      predicted pairs");
        for (SweepPoint p : sweep.points()) {
            lines.add(String.format(
                    "    %-9s %.4f     %.4f   %.4f  %,d",
                    threshold(p.threshold()), p.precision(), p.recall(), p.f1(), p.predictedPairs()));
        }
        if (r.model() != null) {
            ModelFigures m = r.model();
            lines.add(String.format(
                    "  model: EM %d of at most %d iterations (%s), prior %.3g, matches among candidates %.4f",
                    m.emIterations(),
                    m.emMaxIterations(),
                    m.converged() ? "converged" : "did not converge",
                    m.prior(),
                    m.candidatePrior()));
            lines.add(String.format(
                    "    %-18s %-28s %10s %10s %8s %16s",
                    "comparison", "level", "m", "u", "weight", "candidate pairs"));
            for (LevelFigures l : m.levels()) {
                lines.add(String.format(
                        "    %-18s %-28s %10.4g %10.4g %8.2f %,16d",
                        l.comparison(), l.level(), l.m(), l.u(), l.weight(), l.candidatePairs()));
            }
        }
        if (r.modelFlags() != null && !r.modelFlags().isEmpty()) {
            lines.add("  model flags (the model may have learned something other than \"same person\"):");
            r.modelFlags().forEach(f -> lines.add("    " + f.kind() + ": " + f.message()));
        }
        if (r.ruleChecks() != null && !RuleCheck.contradicted(r.ruleChecks()).isEmpty()) {
            lines.add("  rules the data contradicts (see rule_checks in --json):");
            RuleCheck.contradicted(r.ruleChecks()).forEach(c -> lines.add("    " + c.describe()));
        }
        if (!r.blockingRules().isEmpty()) {
            lines.add("  blocking rules (identity pairs, recall on its own, keys skipped over the cap):");
            r.blockingRules()
                    .forEach(b -> lines.add(String.format(
                            "    %-28s %,10d  %.4f  %,d", b.rule(), b.pairs(), b.recall(), b.skippedKeys())));
        }
        return String.join("\n", lines);
    }

    private static String threshold(double t) {
        return new java.math.BigDecimal(Double.toString(t)).stripTrailingZeros().toPlainString();
    }
}
