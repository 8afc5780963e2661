package io.c360.eval;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.config.ConfigReader;
import io.c360.lake.Storage;
import io.c360.lake.TableCatalog;
import io.c360.silver.Blocking;
import io.c360.silver.IdentityConfig;
import io.c360.silver.IdentityRecords;
import io.c360.silver.MatchingConfig;
import io.c360.silver.Resolver;
import io.c360.silver.SilverConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Matching quality against a truth: blocking recall and reduction ratio, pairwise and B-cubed
 * precision/recall/F1 on the final clusters, and over-merged clusters. Either a labelled file run
 * through the silver matcher ({@link Spec}, e.g. FEBRL), or a lake's silver output against the
 * generator's truth.
 */
public final class Evaluation {
    private Evaluation() {}

    /** What was measured; serialized as the {@code --json} output. */
    public record Report(
            @JsonProperty("name") String name,
            @JsonProperty("records") long records,
            @JsonProperty("true_pairs") long truePairs,
            @JsonProperty("candidate_pairs") long candidatePairs,
            @JsonProperty("blocking_recall") double blockingRecall,
            @JsonProperty("blocking_recall_connected") double blockingRecallConnected,
            @JsonProperty("reduction_ratio") double reductionRatio,
            @JsonProperty("link_threshold") double linkThreshold,
            @JsonProperty("pairwise") Metrics.Pairwise pairwise,
            @JsonProperty("bcubed") Metrics.BCubed bcubed,
            @JsonProperty("clusters") long clusters,
            @JsonProperty("true_entities") long trueEntities,
            @JsonProperty("over_merged_clusters") long overMergedClusters,
            @JsonProperty("clusters_joining_twins") Long clustersJoiningTwins,
            @JsonProperty("blocking_rules") List<RuleFigures> blockingRules,
            @JsonProperty("seconds") double seconds,
            @JsonProperty("birth_dates_out_of_range") long birthDatesOutOfRange) {

        /** This report with the count of birth dates standardization left out as implausible. */
        Report withBirthDatesOutOfRange(long count) {
            return new Report(
                    name,
                    records,
                    truePairs,
                    candidatePairs,
                    blockingRecall,
                    blockingRecallConnected,
                    reductionRatio,
                    linkThreshold,
                    pairwise,
                    bcubed,
                    clusters,
                    trueEntities,
                    overMergedClusters,
                    clustersJoiningTwins,
                    blockingRules,
                    seconds,
                    count);
        }
    }

    /** One blocking rule: identity pairs it generated, and the share of true record pairs it proposed on its own. */
    public record RuleFigures(
            @JsonProperty("rule") String rule,
            @JsonProperty("pairs") long pairs,
            @JsonProperty("recall") double recall,
            @JsonProperty("skipped_keys") long skippedKeys) {}

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

    /** A labelled data set to evaluate on: where it is, how its columns map, what the truth is. */
    public record Spec(
            String name,
            String path,
            String format,
            Map<String, String> options,
            IdentityConfig.SourceMapping mapping,
            String truth,
            SilverConfig silver,
            Optional<Labels> labels) {

        /** Reads an evaluation configuration; relative paths are relative to its folder. */
        public static Spec load(Path file) {
            SpecFile spec = ConfigReader.read(file, SpecFile.class);
            Path base = file.toAbsolutePath().getParent();
            SilverConfig defaults =
                    SilverConfig.load(base.resolve(spec.silver()).normalize());
            Path matchingFile = spec.matching()
                    .map(m -> base.resolve(m).normalize())
                    .orElse(defaults.folder().resolve("matching.yaml"));
            SilverConfig silver = new SilverConfig(
                    defaults.folder(),
                    defaults.identity(),
                    MatchingConfig.load(matchingFile).over(spec.mapping().types(), matchingFile.toString()),
                    defaults.survivorship());
            return new Spec(
                    spec.name(),
                    C360Config.resolve(base, spec.input().path()),
                    spec.input().format(),
                    spec.input().options(),
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
    }

    /** An evaluation file as written: paths relative to its folder, the silver folder not yet read. */
    private record SpecFile(
            String name,
            Input input,
            IdentityConfig.SourceMapping mapping,
            String truth,
            String silver,
            Optional<String> matching,
            Optional<Labels> labels) {
        @JsonCreator
        static SpecFile of(
                @JsonProperty("name") String name,
                @JsonProperty("input") Input input,
                @JsonProperty("mapping") IdentityConfig.SourceMapping mapping,
                @JsonProperty("truth") String truth,
                @JsonProperty("silver") String silver,
                @JsonProperty("matching") String matching,
                @JsonProperty("labels") Labels labels) {
            return new SpecFile(
                    ConfigReader.required(name, "name"),
                    ConfigReader.required(input, "input"),
                    ConfigReader.required(mapping, "mapping"),
                    ConfigReader.required(truth, "truth"),
                    ConfigReader.required(silver, "silver"),
                    Optional.ofNullable(matching),
                    Optional.ofNullable(labels));
        }
    }

    /** Where a labelled file is and how to read it. */
    private record Input(String path, String format, Map<String, String> options) {
        @JsonCreator
        static Input of(
                @JsonProperty("path") String path,
                @JsonProperty("format") String format,
                @JsonProperty("options") Map<String, String> options) {
            String chosen = ConfigReader.orDefault(format, "csv").toLowerCase(Locale.ROOT);
            if (!List.of("csv", "json", "parquet").contains(chosen)) {
                throw new ConfigReader.InvalidSetting(
                        "format", "expected one of csv, json, parquet but was '" + format + "'");
            }
            return new Input(
                    ConfigReader.required(path, "path"),
                    chosen,
                    options == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(options)));
        }
    }

    /** A YAML file read only to tell an evaluation spec from a run configuration. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Probe(@JsonProperty("input") Object input) {}

    /** Runs the matcher on a labelled file and measures it. */
    public static Report run(SparkSession spark, Spec spec, boolean perRuleRecall) {
        Instant start = Instant.now();
        if (!Storage.isFile(spark.sparkContext().hadoopConfiguration(), spec.path())) {
            throw new C360Exception(spec.path() + ": evaluation input not found (input.path of " + spec.name() + ")");
        }
        Dataset<Row> input =
                spark.read().format(spec.format()).options(spec.options()).load(spec.path());
        Dataset<Row> nicknames = IdentityRecords.nicknameIndex(spec.silver().nicknames(spark));
        Dataset<Row> records = IdentityRecords.of(
                        input,
                        spec.name(),
                        spec.name(),
                        spec.mapping(),
                        spec.silver().identity().standardization(),
                        nicknames)
                .join(
                        input.select(
                                expr(spec.mapping().recordId()).cast("string").as("record_id"),
                                expr(spec.truth()).cast("string").as("truth")),
                        "record_id")
                .localCheckpoint(true);
        Optional<Dataset<Row>> labels = spec.labels().map(l -> {
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
        });
        Resolver.Resolution resolution =
                Resolver.resolve(records, spec.silver(), Optional.empty(), Resolver.noStewardDecisions(spark), labels);
        Dataset<Row> assigned = records.select(
                col("record_key"),
                col(IdentityRecords.SIGNATURE).as("node"),
                coalesce(col("truth"), col("record_key")).as("truth"));
        long outOfRange =
                records.filter(col(IdentityRecords.BIRTH_DATE_OUT_OF_RANGE)).count();
        return report(
                        spec.name(),
                        assigned,
                        resolution.recordClusters(),
                        resolution.pairs(),
                        spec.silver().matching().model().linkThreshold(),
                        perRuleRecall ? resolution.matched().blocking() : List.of(),
                        start)
                .withBirthDatesOutOfRange(outOfRange);
    }

    /** A lake's silver output (identity records, scored pairs, customer ids) against the generator's truth files. */
    public static Report ofLake(io.c360.lake.Lake lake, io.c360.config.C360Config config, boolean perRuleRecall) {
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
        Dataset<Row> records = lake.read(TableCatalog.IDENTITY_RECORDS)
                .select(col("record_key"), col(IdentityRecords.SIGNATURE).as("node"))
                .join(
                        truth,
                        scala.collection.JavaConverters.asScalaBuffer(List.of("record_key"))
                                .toSeq(),
                        "left")
                .select(
                        col("record_key"),
                        col("node"),
                        coalesce(col("truth"), col("record_key")).as("truth"));
        Dataset<Row> clusters = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .select(col("record_key"), col("customer_id").as("cluster"));
        Dataset<Row> pairs = lake.read(TableCatalog.SCORED_PAIRS);
        double threshold = SilverConfig.load(config.requireSilverFolder())
                .matching()
                .model()
                .linkThreshold();
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
        return report("lake " + lake.root(), records, clusters, pairs, threshold, blocking, Optional.of(twins), start);
    }

    /**
     * @param records {@code record_key, node, truth}
     * @param clusters {@code record_key, cluster}
     * @param pairs candidate node pairs {@code l_id, r_id}
     */
    static Report report(
            String name,
            Dataset<Row> records,
            Dataset<Row> clusters,
            Dataset<Row> pairs,
            double threshold,
            List<Blocking.RuleReport> blocking,
            Instant start) {
        return report(name, records, clusters, pairs, threshold, blocking, Optional.empty(), start);
    }

    /**
     * @param twins pairs of true entities that are twins ({@code a, b}), where the truth knows them
     */
    static Report report(
            String name,
            Dataset<Row> records,
            Dataset<Row> clusters,
            Dataset<Row> pairs,
            double threshold,
            List<Blocking.RuleReport> blocking,
            Optional<Dataset<Row>> twins,
            Instant start) {
        Dataset<Row> assignments = records.join(clusters, "record_key")
                .select(col("cluster").as("predicted"), col("truth"))
                .cache();
        Metrics.Blocking b =
                Metrics.blocking(records.select("node", "truth"), pairs.select(Blocking.LEFT, Blocking.RIGHT));
        // Records of several systems often share no attribute pairwise (a web login's email, a CRM row
        // without one) and can only be joined through others: the share of true pairs blocking connects
        // at all, directly or through other candidates, is the recall clustering can reach.
        Dataset<Row> blockingComponents = io.c360.silver.cluster.ConnectedComponents.of(
                records.select(col("node").as("record_key")).distinct(),
                pairs.select(col(Blocking.LEFT).as("l"), col(Blocking.RIGHT).as("r")),
                200);
        Dataset<Row> connected = records.join(blockingComponents.withColumnRenamed("record_key", "node"), "node")
                .select(col("component").as("predicted"), col("truth"));
        double connectedRecall = Metrics.pairwise(connected).recall();
        Metrics.Pairwise pw = Metrics.pairwise(assignments);
        Metrics.BCubed bc = Metrics.bcubed(assignments);
        long clusterCount = assignments.select("predicted").distinct().count();
        long entities = assignments.select("truth").distinct().count();
        long overMerged = Metrics.overMergedClusters(assignments);
        Long twinMerges = twins.map(t -> {
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
        List<RuleFigures> perRule = new java.util.ArrayList<>();
        Dataset<Row> nodeTruth = records.select("node", "truth");
        for (Blocking.RuleReport rule : blocking) {
            Dataset<Row> byRule = pairs.filter(
                            org.apache.spark.sql.functions.array_contains(col(Blocking.RULES), rule.rule()))
                    .select(Blocking.LEFT, Blocking.RIGHT);
            perRule.add(new RuleFigures(
                    rule.rule(),
                    rule.pairs(),
                    Metrics.blocking(nodeTruth, byRule).recall(),
                    rule.skippedKeys()));
        }
        return new Report(
                name,
                records.count(),
                b.truePairs(),
                b.candidatePairs(),
                b.recall(),
                connectedRecall,
                b.reductionRatio(),
                threshold,
                pw,
                bc,
                clusterCount,
                entities,
                overMerged,
                twinMerges,
                perRule,
                Duration.between(start, Instant.now()).toMillis() / 1000.0,
                0);
    }

    /** Human-readable report lines. */
    public static String format(Report r) {
        return String.join(
                        "\n",
                        "evaluation: " + r.name(),
                        String.format(
                                "  records %,d  true entities %,d  true pairs %,d",
                                r.records(), r.trueEntities(), r.truePairs()),
                        r.birthDatesOutOfRange() == 0
                                ? ""
                                : String.format(
                                        "  birth dates left out as implausible (before standardize.earliest_birth_date"
                                                + " or after today): %,d",
                                        r.birthDatesOutOfRange()),
                        String.format(
                                "  blocking: recall %.4f (connected through candidates %.4f)  reduction ratio %.6f  candidate pairs %,d",
                                r.blockingRecall(),
                                r.blockingRecallConnected(),
                                r.reductionRatio(),
                                r.candidatePairs()),
                        String.format(
                                "  pairwise at p >= %.2f: precision %.4f  recall %.4f  F1 %.4f",
                                r.linkThreshold(),
                                r.pairwise().precision(),
                                r.pairwise().recall(),
                                r.pairwise().f1()),
                        String.format(
                                "  B-cubed: precision %.4f  recall %.4f  F1 %.4f",
                                r.bcubed().precision(),
                                r.bcubed().recall(),
                                r.bcubed().f1()),
                        String.format(
                                "  clusters %,d  over-merged clusters %,d%s  (%.1fs)",
                                r.clusters(),
                                r.overMergedClusters(),
                                r.clustersJoiningTwins() == null
                                        ? ""
                                        : String.format("  clusters joining twins %,d", r.clustersJoiningTwins()),
                                r.seconds()),
                        r.blockingRules().isEmpty()
                                ? ""
                                : "  blocking rules (identity pairs, recall on its own, keys skipped over the cap):\n"
                                        + String.join(
                                                "\n",
                                                r.blockingRules().stream()
                                                        .map(b -> String.format(
                                                                "    %-28s %,10d  %.4f  %,d",
                                                                b.rule(), b.pairs(), b.recall(), b.skippedKeys()))
                                                        .toList()))
                .stripTrailing();
    }
}
