package io.c360.silver;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.config.ConfigReader;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code silver/matching.yaml}: blocking rules, comparisons with ordered levels, the model's
 * thresholds and training settings, deterministic link rules and cannot-link vetoes. Conditions are
 * Spark SQL over a pair's two records {@code l} and {@code r}.
 */
public record MatchingConfig(
        List<NodeAttribute> nodeAttributes,
        List<BlockingRule> blocking,
        List<Comparison> comparisons,
        Model model,
        List<PairRule> linkRules,
        List<PairRule> cannotLinkRules,
        List<PairRule> modelLinkRequires) {

    /**
     * An attribute computed over all distinct identities before blocking: a Spark SQL expression that
     * may use window functions, e.g. how many different given names share a phone number.
     */
    public record NodeAttribute(
            String name, @JsonProperty("expr") String expression) {
        public NodeAttribute {
            ConfigReader.required(name, "name");
            ConfigReader.required(expression, "expr");
        }
    }

    /**
     * Records whose key expressions are all non-null and equal become candidate pairs; a key shared by
     * more than {@code maxBlockSize} records makes none (it is skipped and reported).
     */
    public record BlockingRule(String name, List<String> keys, int maxBlockSize) {
        /** The largest block a rule pairs when neither {@code blocking:} nor the rule sets {@code max_block_size}. */
        public static final int DEFAULT_MAX_BLOCK_SIZE = 300;

        public BlockingRule {
            keys = List.copyOf(keys);
        }
    }

    /** {@code blocking:} as written: a cap for every rule, and the rules, each of which may set its own. */
    private record Blocking(Integer maxBlockSize, List<Rule> rules) {
        Blocking {
            maxBlockSize = blockSize(maxBlockSize, BlockingRule.DEFAULT_MAX_BLOCK_SIZE);
            rules = ConfigReader.orEmpty(rules);
            if (rules.isEmpty()) {
                throw new ConfigReader.InvalidSetting("rules", "expected at least one blocking rule");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < rules.size(); i++) {
                if (!names.add(rules.get(i).name())) {
                    throw new ConfigReader.InvalidSetting(
                            "rules[" + i + "].name",
                            "blocking rule '" + rules.get(i).name() + "' is declared twice");
                }
            }
        }

        List<BlockingRule> blockingRules() {
            return rules.stream()
                    .map(r -> new BlockingRule(r.name(), r.keys(), blockSize(r.maxBlockSize(), maxBlockSize)))
                    .toList();
        }
    }

    /** One entry of {@code blocking.rules} as written. */
    private record Rule(String name, List<String> keys, Integer maxBlockSize) {
        Rule {
            ConfigReader.required(name, "name");
            keys = ConfigReader.orEmpty(keys);
            if (keys.isEmpty()) {
                throw new ConfigReader.InvalidSetting("keys", "expected at least one key expression");
            }
            if (maxBlockSize != null) {
                blockSize(maxBlockSize, maxBlockSize);
            }
        }
    }

    /** {@code rules:} as written. */
    private record Rules(List<PairRule> link, List<PairRule> cannotLink, List<PairRule> modelLinkRequires) {}

    /**
     * One level of a comparison; {@code tf} names the column whose term frequency adjusts an exact
     * match; {@code m} pins the level's match probability instead of training it (prior knowledge,
     * e.g. records of one person rarely carry unrelated given names). {@code uFromValueCounts} is an
     * expression over one identity whose shared non-null value is what the level means (email for
     * {@code l.email = r.email}): u then comes from how many identities share each value, counted over
     * all of them, instead of from the random-pair sample (see {@link FellegiSunter#valueCounts}).
     */
    public record Level(
            String name,
            Optional<String> when,
            Optional<String> tf,
            Optional<Double> m,
            Optional<String> uFromValueCounts) {

        public Level(String name, Optional<String> when, Optional<String> tf, Optional<Double> m) {
            this(name, when, tf, m, Optional.empty());
        }

        @JsonCreator
        static Level of(
                @JsonProperty("name") String name,
                @JsonProperty("when") String when,
                @JsonProperty("tf") String tf,
                @JsonProperty("m") Double m,
                @JsonProperty("u_from_value_counts") String uFromValueCounts) {
            ConfigReader.required(name, "name");
            if (m != null && (m <= 0 || m >= 1)) {
                throw new ConfigReader.InvalidSetting(
                        "m", "expected a probability between 0 and 1 (exclusive) but was " + m);
            }
            if (uFromValueCounts != null && uFromValueCounts.isBlank()) {
                throw new ConfigReader.InvalidSetting(
                        "u_from_value_counts", "expected an expression over one identity (e.g. email) but was empty");
            }
            if (uFromValueCounts != null && when == null) {
                throw new ConfigReader.InvalidSetting(
                        "u_from_value_counts",
                        "the catch-all level (without 'when') is not one shared value; "
                                + "u_from_value_counts belongs on a level such as {name: exact, when: 'l.email = r.email', u_from_value_counts: email}");
            }
            return new Level(
                    name,
                    Optional.ofNullable(when),
                    Optional.ofNullable(tf),
                    Optional.ofNullable(m),
                    Optional.ofNullable(uFromValueCounts));
        }
    }

    /** A comparison: its levels in order (first true wins; a level without {@code when} catches the rest). */
    public record Comparison(String name, String nullWhen, List<Level> levels) {
        public Comparison {
            levels = List.copyOf(levels);
        }

        /**
         * A comparison as written: without {@code null_when}, it does not apply to a pair missing one of
         * its {@code columns} (by default the column of its name).
         */
        @JsonCreator
        static Comparison of(
                @JsonProperty("name") String name,
                @JsonProperty("columns") List<String> columns,
                @JsonProperty("null_when") String nullWhen,
                @JsonProperty("levels") List<Level> levels) {
            ConfigReader.required(name, "name");
            List<Level> ordered = ConfigReader.orEmpty(levels);
            if (ordered.size() < 2) {
                throw new ConfigReader.InvalidSetting("levels", "expected at least two levels (e.g. exact and else)");
            }
            if (ordered.get(ordered.size() - 1).when().isPresent()) {
                throw new ConfigReader.InvalidSetting(
                        "levels", "the last level must be the catch-all, without 'when' (e.g. {name: else})");
            }
            for (int i = 0; i < ordered.size() - 1; i++) {
                if (ordered.get(i).when().isEmpty()) {
                    throw new ConfigReader.InvalidSetting(
                            "levels",
                            "level '" + ordered.get(i).name()
                                    + "' has no 'when'; only the last level may catch the rest");
                }
            }
            List<String> compared = ConfigReader.orEmpty(columns);
            return new Comparison(
                    name,
                    nullWhen != null
                            ? nullWhen
                            : MatchingConfig.nullWhen(compared.isEmpty() ? List.of(name) : compared),
                    ordered);
        }
    }

    /** Link and review thresholds on the match probability, and how the model is trained. */
    public record Model(
            double linkThreshold,
            double reviewThreshold,
            int uSamplePairs,
            int emMaxIterations,
            double emTolerance,
            double initialPrior,
            long seed,
            boolean mFromStewardDecisions,
            boolean emExcludesVetoed,
            boolean emWithoutBlockedComparisons) {

        public Model(
                double linkThreshold,
                double reviewThreshold,
                int uSamplePairs,
                int emMaxIterations,
                double emTolerance,
                double initialPrior,
                long seed,
                boolean mFromStewardDecisions) {
            this(
                    linkThreshold,
                    reviewThreshold,
                    uSamplePairs,
                    emMaxIterations,
                    emTolerance,
                    initialPrior,
                    seed,
                    mFromStewardDecisions,
                    false);
        }

        public Model(
                double linkThreshold,
                double reviewThreshold,
                int uSamplePairs,
                int emMaxIterations,
                double emTolerance,
                double initialPrior,
                long seed,
                boolean mFromStewardDecisions,
                boolean emExcludesVetoed) {
            this(
                    linkThreshold,
                    reviewThreshold,
                    uSamplePairs,
                    emMaxIterations,
                    emTolerance,
                    initialPrior,
                    seed,
                    mFromStewardDecisions,
                    emExcludesVetoed,
                    false);
        }

        /** The model's settings as written; an absent one takes the value the shipped matching.yaml documents. */
        @JsonCreator
        static Model of(
                @JsonProperty("link_threshold") Double linkThreshold,
                @JsonProperty("review_threshold") Double reviewThreshold,
                @JsonProperty("u_sample_pairs") Integer uSamplePairs,
                @JsonProperty("em_max_iterations") Integer emMaxIterations,
                @JsonProperty("em_tolerance") Double emTolerance,
                @JsonProperty("initial_prior") Double initialPrior,
                @JsonProperty("seed") Long seed,
                @JsonProperty("m_from") String mFrom,
                @JsonProperty("em_vetoed_as_non_matches") Boolean emVetoedAsNonMatches,
                @JsonProperty("em_without_blocked_comparisons") Boolean emWithoutBlockedComparisons) {
            String source = ConfigReader.orDefault(mFrom, "em").toLowerCase(Locale.ROOT);
            if (!source.equals("em") && !source.equals("steward_decisions")) {
                throw new ConfigReader.InvalidSetting(
                        "m_from", "expected one of em, steward_decisions but was '" + mFrom + "'");
            }
            Model model = new Model(
                    ConfigReader.orDefault(linkThreshold, 0.85),
                    ConfigReader.orDefault(reviewThreshold, 0.5),
                    ConfigReader.orDefault(uSamplePairs, 1_000_000),
                    ConfigReader.orDefault(emMaxIterations, 60),
                    ConfigReader.orDefault(emTolerance, 1e-6),
                    ConfigReader.orDefault(initialPrior, 0.05),
                    ConfigReader.orDefault(seed, 42L),
                    source.equals("steward_decisions"),
                    ConfigReader.orDefault(emVetoedAsNonMatches, true),
                    ConfigReader.orDefault(emWithoutBlockedComparisons, true));
            if (!(model.reviewThreshold() <= model.linkThreshold()
                    && model.linkThreshold() <= 1
                    && model.reviewThreshold() >= 0)) {
                throw new ConfigReader.InvalidSetting(
                        "review_threshold", "expected 0 <= review_threshold <= link_threshold <= 1");
            }
            return model;
        }
    }

    /** A named pair condition (a deterministic link or a cannot-link veto). */
    public record PairRule(String name, String when) {
        public PairRule {
            ConfigReader.required(name, "name");
            ConfigReader.required(when, "when");
        }
    }

    public MatchingConfig {
        nodeAttributes = List.copyOf(nodeAttributes);
        modelLinkRequires = List.copyOf(modelLinkRequires);
        blocking = List.copyOf(blocking);
        comparisons = List.copyOf(comparisons);
        linkRules = List.copyOf(linkRules);
        cannotLinkRules = List.copyOf(cannotLinkRules);
    }

    public static MatchingConfig load(Path file) {
        return ConfigReader.read(file, MatchingConfig.class);
    }

    /** Matching rules given as YAML text; {@code origin} names them in errors. */
    public static MatchingConfig parse(String origin, String yaml) {
        return ConfigReader.parse(origin, yaml, MatchingConfig.class);
    }

    @JsonCreator
    static MatchingConfig of(
            @JsonProperty("node_attributes") List<NodeAttribute> nodeAttributes,
            @JsonProperty(value = "blocking", required = true) Blocking blocking,
            @JsonProperty("comparisons") List<Comparison> comparisons,
            @JsonProperty(value = "model", required = true) Model model,
            @JsonProperty("rules") Rules rules) {
        List<NodeAttribute> attributes = ConfigReader.orEmpty(nodeAttributes);
        Set<String> attributeNames = new HashSet<>(IdentityRecords.MATCH_ATTRIBUTES);
        attributeNames.addAll(List.of("id", "records", "given_name_variants"));
        for (int i = 0; i < attributes.size(); i++) {
            String name = attributes.get(i).name();
            if (!name.matches("[a-z][a-z0-9_]*") || !attributeNames.add(name)) {
                throw new ConfigReader.InvalidSetting(
                        "node_attributes[" + i + "].name",
                        "expected a new attribute name (lower case, digits, _) but was '" + name + "'");
            }
        }
        if (comparisons == null || comparisons.isEmpty()) {
            throw new ConfigReader.InvalidSetting("comparisons", "expected at least one comparison");
        }
        Rules pairRules = ConfigReader.orDefault(rules, new Rules(null, null, null));
        return new MatchingConfig(
                attributes,
                blocking.blockingRules(),
                comparisons,
                model,
                ConfigReader.orEmpty(pairRules.link()),
                ConfigReader.orEmpty(pairRules.cannotLink()),
                ConfigReader.orEmpty(pairRules.modelLinkRequires()));
    }

    /** {@code max_block_size}: the largest block that still makes pairs (two records at least). */
    private static int blockSize(Integer size, int fallback) {
        int cap = ConfigReader.orDefault(size, fallback);
        if (cap < 2) {
            throw new ConfigReader.InvalidSetting(
                    "max_block_size",
                    "expected a whole number of at least 2 (a block of one record makes no pair) but was " + cap);
        }
        return cap;
    }

    private static String nullWhen(List<String> columns) {
        return String.join(
                " OR ",
                columns.stream()
                        .map(c -> "l." + c + " IS NULL OR r." + c + " IS NULL")
                        .toList());
    }
}
