package io.c360.silver;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.C360Exception;
import io.c360.config.ConfigReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        List<PairRule> modelLinkRequires,
        Map<String, AttributeType> attributes) {

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

    /**
     * {@code blocking:} as written: a cap for every rule, and the rules, each of which may set its own; or
     * {@code auto}, no rules: they are chosen from the data (see {@link BlockingChoice}).
     */
    private record Blocking(Integer maxBlockSize, List<Rule> rules) {
        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        static Blocking written(
                @JsonProperty("max_block_size") Integer maxBlockSize, @JsonProperty("rules") List<Rule> rules) {
            List<Rule> written = ConfigReader.orEmpty(rules);
            if (written.isEmpty()) {
                throw new ConfigReader.InvalidSetting(
                        "rules",
                        "expected at least one blocking rule (or blocking: auto, to choose them from the data)");
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < written.size(); i++) {
                if (!names.add(written.get(i).name())) {
                    throw new ConfigReader.InvalidSetting(
                            "rules[" + i + "].name",
                            "blocking rule '" + written.get(i).name() + "' is declared twice");
                }
            }
            return new Blocking(blockSize(maxBlockSize, BlockingRule.DEFAULT_MAX_BLOCK_SIZE), written);
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Blocking chosen(String written) {
            if (!AUTO.equals(written.trim())) {
                throw new ConfigReader.InvalidSetting(
                        "",
                        "expected rules ({max_block_size: ..., rules: [...]}) or 'auto' (chosen from the data) but was '"
                                + written + "'");
            }
            return new Blocking(BlockingRule.DEFAULT_MAX_BLOCK_SIZE, List.of());
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
     * {@code mStart} is where EM starts the level's m (how often one person's records typically show
     * it): EM then starts from what matches look like, not from a generic guess, and does not drift to
     * a solution where "matches" are some other frequent group of pairs.
     */
    public record Level(
            String name,
            Optional<String> when,
            Optional<String> tf,
            Optional<Double> m,
            Optional<String> uFromValueCounts,
            Optional<Double> mStart) {

        public Level(String name, Optional<String> when, Optional<String> tf, Optional<Double> m) {
            this(name, when, tf, m, Optional.empty());
        }

        public Level(
                String name,
                Optional<String> when,
                Optional<String> tf,
                Optional<Double> m,
                Optional<String> uFromValueCounts) {
            this(name, when, tf, m, uFromValueCounts, Optional.empty());
        }

        @JsonCreator
        static Level of(
                @JsonProperty("name") String name,
                @JsonProperty("when") String when,
                @JsonProperty("tf") String tf,
                @JsonProperty("m") Double m,
                @JsonProperty("u_from_value_counts") String uFromValueCounts,
                @JsonProperty("m_start") Double mStart) {
            ConfigReader.required(name, "name");
            if (m != null && (m <= 0 || m >= 1)) {
                throw new ConfigReader.InvalidSetting(
                        "m", "expected a probability between 0 and 1 (exclusive) but was " + m);
            }
            if (mStart != null && (mStart <= 0 || mStart >= 1)) {
                throw new ConfigReader.InvalidSetting(
                        "m_start", "expected a probability between 0 and 1 (exclusive) but was " + mStart);
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
                    Optional.ofNullable(uFromValueCounts),
                    Optional.ofNullable(mStart));
        }
    }

    /** A comparison: its levels in order (first true wins; a level without {@code when} catches the rest). */
    public record Comparison(String name, String nullWhen, List<Level> levels, Optional<Templates.Spec> template) {
        public Comparison {
            levels = List.copyOf(levels);
        }

        public Comparison(String name, String nullWhen, List<Level> levels) {
            this(name, nullWhen, levels, Optional.empty());
        }

        /** A templated comparison whose attribute's type the identity mapping has yet to give ({@link #over}). */
        boolean deferred() {
            return levels.isEmpty();
        }

        /**
         * A comparison as written: either {@code levels} (SQL conditions) or {@code attribute} with an
         * optional {@code template} and its parameters (see {@link Templates}). Without {@code null_when},
         * a comparison of levels does not apply to a pair missing one of its {@code columns} (by default
         * the column of its name). A templated comparison of an attribute that is not built in, without
         * {@code template}, is expanded once the identity mapping gives the attribute's type.
         */
        @JsonCreator
        static Comparison of(
                @JsonProperty("name") String name,
                @JsonProperty("attribute") String attribute,
                @JsonProperty("template") String template,
                @JsonProperty("thresholds") List<Double> thresholds,
                @JsonProperty("tf") Boolean tf,
                @JsonProperty("m") Map<String, Double> m,
                @JsonProperty("u_from_value_counts") Boolean uFromValueCounts,
                @JsonProperty("with") Map<String, String> with,
                @JsonProperty("columns") List<String> columns,
                @JsonProperty("null_when") String nullWhen,
                @JsonProperty("levels") List<Level> levels) {
            if (attribute != null) {
                if (levels != null || columns != null) {
                    throw new ConfigReader.InvalidSetting(
                            levels != null ? "levels" : "columns",
                            "a comparison is either a template (attribute, template) or levels, not both");
                }
                Templates.Spec spec = new Templates.Spec(
                        ConfigReader.orDefault(name, attribute),
                        attribute,
                        Optional.ofNullable(template).map(Templates.Template::parse),
                        Optional.ofNullable(thresholds).map(List::copyOf),
                        Optional.ofNullable(tf),
                        m == null ? Map.of() : m,
                        ConfigReader.orDefault(uFromValueCounts, false),
                        with == null ? Map.of() : with,
                        Optional.ofNullable(nullWhen));
                AttributeType type = AttributeType.BUILT_IN.get(attribute);
                if (spec.template().isEmpty() && type == null) {
                    return new Comparison(spec.name(), "", List.of(), Optional.of(spec));
                }
                return Templates.expand(spec, type == null ? AttributeType.TEXT : type);
            }
            ConfigReader.required(name, "name");
            for (String templateKey :
                    new String[] {"template", "thresholds", "tf", "m", "u_from_value_counts", "with"}) {
                boolean given = switch (templateKey) {
                    case "template" -> template != null;
                    case "thresholds" -> thresholds != null;
                    case "tf" -> tf != null;
                    case "m" -> m != null;
                    case "u_from_value_counts" -> uFromValueCounts != null;
                    default -> with != null;
                };
                if (given) {
                    throw new ConfigReader.InvalidSetting(
                            templateKey, "belongs to a templated comparison; expected 'attribute' beside it");
                }
            }
            List<Level> ordered = ConfigReader.orEmpty(levels);
            if (ordered.size() < 2) {
                throw new ConfigReader.InvalidSetting(
                        "levels", "expected at least two levels (e.g. exact and else), or attribute and template");
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
            boolean emWithoutBlockedComparisons,
            double ruleContradictionShare,
            double nearCertain) {

        /** A rule the data contradicts on more than this share of the pairs it is checked on is not applied. */
        public static final double DEFAULT_RULE_CONTRADICTION_SHARE = 0.05;
        /** A match probability at least this is a near-certain match; at most one minus it, a near-certain non-match. */
        public static final double DEFAULT_NEAR_CERTAIN = 0.99;

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
                @JsonProperty("em_without_blocked_comparisons") Boolean emWithoutBlockedComparisons,
                @JsonProperty("rule_contradiction_share") Double ruleContradictionShare,
                @JsonProperty("near_certain") Double nearCertain) {
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
                    ConfigReader.orDefault(emWithoutBlockedComparisons, true),
                    ConfigReader.orDefault(ruleContradictionShare, DEFAULT_RULE_CONTRADICTION_SHARE),
                    ConfigReader.orDefault(nearCertain, DEFAULT_NEAR_CERTAIN));
            if (!(model.ruleContradictionShare() >= 0 && model.ruleContradictionShare() <= 1)) {
                throw new ConfigReader.InvalidSetting(
                        "rule_contradiction_share",
                        "expected a share between 0 and 1 but was " + model.ruleContradictionShare());
            }
            if (!(model.nearCertain() > 0.5 && model.nearCertain() < 1)) {
                throw new ConfigReader.InvalidSetting(
                        "near_certain",
                        "expected a probability above 0.5 and below 1 (e.g. 0.99) but was " + model.nearCertain());
            }
            if (!(model.reviewThreshold() <= model.linkThreshold()
                    && model.linkThreshold() <= 1
                    && model.reviewThreshold() >= 0)) {
                throw new ConfigReader.InvalidSetting(
                        "review_threshold", "expected 0 <= review_threshold <= link_threshold <= 1");
            }
            return model;
        }
    }

    /**
     * A named pair condition (a deterministic link, a cannot-link veto or a model link requirement).
     * Training checks it against the data and does not apply it when the data contradicts it (see
     * {@link RuleCheck}), unless it is {@code enforced} ({@code enforce: always}): a fact known outside
     * the data, such as an order belonging to its buyer.
     */
    public record PairRule(String name, String when, boolean enforced) {
        public PairRule {
            ConfigReader.required(name, "name");
            ConfigReader.required(when, "when");
        }

        /** A rule checked against the data (not enforced). */
        public PairRule(String name, String when) {
            this(name, when, false);
        }

        @JsonCreator
        static PairRule of(
                @JsonProperty("name") String name,
                @JsonProperty("when") String when,
                @JsonProperty("enforce") String enforce) {
            String mode = ConfigReader.orDefault(enforce, "when_confirmed").toLowerCase(Locale.ROOT);
            if (!mode.equals("always") && !mode.equals("when_confirmed")) {
                throw new ConfigReader.InvalidSetting(
                        "enforce", "expected one of always, when_confirmed but was '" + enforce + "'");
            }
            return new PairRule(name, when, mode.equals("always"));
        }
    }

    public MatchingConfig {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        nodeAttributes = List.copyOf(nodeAttributes);
        modelLinkRequires = List.copyOf(modelLinkRequires);
        blocking = List.copyOf(blocking);
        comparisons = List.copyOf(comparisons);
        linkRules = List.copyOf(linkRules);
        cannotLinkRules = List.copyOf(cannotLinkRules);
    }

    /** Written for a matching file (evaluation configs) or for {@code blocking:}: derive it instead. */
    public static final String AUTO = "auto";

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
        Set<String> comparisonNames = new HashSet<>();
        for (int i = 0; i < comparisons.size(); i++) {
            if (!comparisonNames.add(comparisons.get(i).name())) {
                throw new ConfigReader.InvalidSetting(
                        "comparisons[" + i + "].name",
                        "comparison '" + comparisons.get(i).name() + "' is declared twice");
            }
        }
        return new MatchingConfig(
                attributes,
                blocking.blockingRules(),
                comparisons,
                model,
                ConfigReader.orEmpty(pairRules.link()),
                ConfigReader.orEmpty(pairRules.cannotLink()),
                ConfigReader.orEmpty(pairRules.modelLinkRequires()),
                BUILT_IN_ATTRIBUTES);
    }

    /** The attributes a matching file is checked against until it is bound to an identity mapping. */
    private static final Map<String, AttributeType> BUILT_IN_ATTRIBUTES = builtInAttributes();

    private static Map<String, AttributeType> builtInAttributes() {
        Map<String, AttributeType> attributes = new LinkedHashMap<>(AttributeType.BUILT_IN);
        attributes.remove("full_name");
        return attributes;
    }

    /** Columns a pair's records carry besides the attributes. */
    private static final Set<String> RECORD_COLUMNS =
            Set.of("id", "records", "given_name_variants", "house_number", "unit", IdentityRecords.OWNED_BY);

    /**
     * These rules bound to the attributes an identity mapping maps (name → type; see
     * {@link IdentityConfig#attributes}): templated comparisons of attributes that are not built in take
     * their type's template, and a comparison that reads a column the records do not carry is an error
     * naming it. {@code origin} names the matching file in errors.
     */
    public MatchingConfig over(Map<String, AttributeType> mapped, String origin) {
        Map<String, AttributeType> bound = compared(mapped);
        Map<String, AttributeType> carried = new LinkedHashMap<>(BUILT_IN_ATTRIBUTES);
        carried.putAll(bound);
        Set<String> known = new HashSet<>(carried.keySet());
        known.addAll(RECORD_COLUMNS);
        nodeAttributes.forEach(a -> known.add(a.name()));
        List<Comparison> expanded = new ArrayList<>();
        for (Comparison c : comparisons) {
            Comparison full = c;
            if (c.deferred()) {
                Templates.Spec spec = c.template().orElseThrow();
                AttributeType type = carried.get(spec.attribute());
                if (type == null) {
                    throw new C360Exception(origin + ": comparison '" + c.name() + "': attribute '" + spec.attribute()
                            + "' is not an attribute of the identity mapping; expected one of "
                            + String.join(", ", carried.keySet()) + " (declare others in the mapping with a type)");
                }
                full = Templates.expand(spec, type);
            }
            for (String column : readColumns(full)) {
                if (!known.contains(column)) {
                    throw new C360Exception(origin + ": comparison '" + c.name() + "' reads l." + column + " / r."
                            + column + ", which identity records do not carry; expected an attribute ("
                            + String.join(", ", carried.keySet()) + ") or a node attribute");
                }
            }
            expanded.add(full);
        }
        return new MatchingConfig(
                nodeAttributes, blocking, expanded, model, linkRules, cannotLinkRules, modelLinkRequires, bound);
    }

    /**
     * Matching derived from an identity mapping alone: one comparison per mapped attribute, by its type's
     * template; blocking chosen from the data (no rules here); the model's defaults; no link rules or
     * vetoes (nothing is known of the data that would justify one).
     */
    public static MatchingConfig auto(Map<String, AttributeType> mapped) {
        Map<String, AttributeType> bound = compared(mapped);
        List<Comparison> comparisons = new ArrayList<>();
        bound.forEach((name, type) -> comparisons.add(Templates.expand(
                new Templates.Spec(
                        name,
                        name,
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Map.of(),
                        false,
                        Map.of(),
                        Optional.empty()),
                type)));
        if (comparisons.isEmpty()) {
            throw new C360Exception("the identity mapping maps no attribute to compare");
        }
        return new MatchingConfig(
                List.of(),
                List.of(),
                comparisons,
                Model.of(null, null, null, null, null, null, null, null, null, null, null, null),
                List.of(),
                List.of(),
                List.of(),
                bound);
    }

    /** These rules with {@code rules} for blocking (rules chosen from the data). */
    public MatchingConfig withBlocking(List<BlockingRule> rules) {
        return new MatchingConfig(
                nodeAttributes, rules, comparisons, model, linkRules, cannotLinkRules, modelLinkRequires, attributes);
    }

    /** Whether blocking rules are to be chosen from the data (none written). */
    public boolean blockingFromData() {
        return blocking.isEmpty();
    }

    /** Mapped attributes as identity records carry them: a full name becomes a given name and a surname. */
    private static Map<String, AttributeType> compared(Map<String, AttributeType> mapped) {
        Map<String, AttributeType> compared = new LinkedHashMap<>();
        mapped.forEach((name, type) -> {
            if (name.equals("full_name")) {
                compared.put("given_name", AttributeType.GIVEN_NAME);
                compared.put("surname", AttributeType.SURNAME);
            } else {
                compared.put(name, type);
            }
        });
        return compared;
    }

    /** The extra attributes (beyond the built-in ones) these rules are bound to, with their types. */
    public Map<String, AttributeType> extras() {
        Map<String, AttributeType> extras = new LinkedHashMap<>(attributes);
        extras.keySet().removeAll(AttributeType.BUILT_IN.keySet());
        return extras;
    }

    private static final java.util.regex.Pattern PAIR_COLUMN =
            java.util.regex.Pattern.compile("\\b[lr]\\.([A-Za-z_][A-Za-z0-9_]*)");

    /** Columns of the pair's records ({@code l.x}, {@code r.x}) a comparison's conditions read. */
    private static Set<String> readColumns(Comparison c) {
        Set<String> columns = new java.util.TreeSet<>();
        List<String> conditions = new ArrayList<>();
        conditions.add(c.nullWhen());
        c.levels().forEach(l -> l.when().ifPresent(conditions::add));
        for (String condition : conditions) {
            java.util.regex.Matcher m = PAIR_COLUMN.matcher(condition.replaceAll("'[^']*'", "''"));
            while (m.find()) {
                columns.add(m.group(1));
            }
        }
        return columns;
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
