package io.c360.silver;

import io.c360.config.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    public record NodeAttribute(String name, String expression) {}

    /**
     * Records whose key expressions are all non-null and equal become candidate pairs; a key shared by
     * more than {@code maxBlockSize} records makes none (it is skipped and reported).
     */
    public record BlockingRule(String name, List<String> keys, int maxBlockSize) {}

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
    }

    /** A comparison: its levels in order (first true wins; a level without {@code when} catches the rest). */
    public record Comparison(String name, String nullWhen, List<Level> levels) {}

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
    }

    /** A named pair condition (a deterministic link or a cannot-link veto). */
    public record PairRule(String name, String when) {}

    public MatchingConfig {
        nodeAttributes = List.copyOf(nodeAttributes);
        modelLinkRequires = List.copyOf(modelLinkRequires);
        blocking = List.copyOf(blocking);
        comparisons = List.copyOf(comparisons);
        linkRules = List.copyOf(linkRules);
        cannotLinkRules = List.copyOf(cannotLinkRules);
    }

    public static MatchingConfig load(Path file) {
        return parse(YamlNode.load(file));
    }

    public static MatchingConfig parse(YamlNode root) {
        List<NodeAttribute> nodeAttributes = new ArrayList<>();
        Set<String> attributeNames = new HashSet<>(IdentityRecords.MATCH_ATTRIBUTES);
        attributeNames.addAll(List.of("id", "records", "given_name_variants"));
        for (YamlNode a : root.list("node_attributes")) {
            String name = a.text("name");
            if (!name.matches("[a-z][a-z0-9_]*") || !attributeNames.add(name)) {
                throw a.error("name", "expected a new attribute name (lower case, digits, _) but was '" + name + "'");
            }
            nodeAttributes.add(new NodeAttribute(name, a.text("expr")));
            a.finish();
        }
        YamlNode b = root.child("blocking");
        int cap = blockSize(b, 500);
        List<BlockingRule> blocking = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlNode r : b.list("rules")) {
            String name = r.text("name");
            if (!names.add(name)) {
                throw r.error("name", "blocking rule '" + name + "' is declared twice");
            }
            List<String> keys = r.textList("keys");
            if (keys.isEmpty()) {
                throw r.error("keys", "expected at least one key expression");
            }
            int ruleCap = blockSize(r, cap);
            r.finish();
            blocking.add(new BlockingRule(name, keys, ruleCap));
        }
        b.finish();
        if (blocking.isEmpty()) {
            throw b.error("rules", "expected at least one blocking rule");
        }

        List<Comparison> comparisons = new ArrayList<>();
        for (YamlNode c : root.list("comparisons")) {
            String name = c.text("name");
            List<String> columns = c.textList("columns");
            String nullWhen =
                    c.optText("null_when").orElseGet(() -> nullWhen(columns.isEmpty() ? List.of(name) : columns));
            List<Level> levels = new ArrayList<>();
            for (YamlNode l : c.list("levels")) {
                Optional<Double> pinned = l.has("m") ? Optional.of(l.decimal("m", 0)) : Optional.empty();
                if (pinned.isPresent() && (pinned.get() <= 0 || pinned.get() >= 1)) {
                    throw l.error("m", "expected a probability between 0 and 1 (exclusive) but was " + pinned.get());
                }
                Optional<String> counted = l.optText("u_from_value_counts");
                if (counted.isPresent() && counted.get().isBlank()) {
                    throw l.error(
                            "u_from_value_counts",
                            "expected an expression over one identity (e.g. email) but was empty");
                }
                if (counted.isPresent() && !l.has("when")) {
                    throw l.error(
                            "u_from_value_counts",
                            "the catch-all level (without 'when') is not one shared value; "
                                    + "u_from_value_counts belongs on a level such as {name: exact, when: 'l.email = r.email', u_from_value_counts: email}");
                }
                levels.add(new Level(l.text("name"), l.optText("when"), l.optText("tf"), pinned, counted));
                l.finish();
            }
            c.finish();
            if (levels.size() < 2) {
                throw c.error("levels", "expected at least two levels (e.g. exact and else)");
            }
            if (levels.get(levels.size() - 1).when().isPresent()) {
                throw c.error("levels", "the last level must be the catch-all, without 'when' (e.g. {name: else})");
            }
            for (int i = 0; i < levels.size() - 1; i++) {
                if (levels.get(i).when().isEmpty()) {
                    throw c.error(
                            "levels",
                            "level '" + levels.get(i).name()
                                    + "' has no 'when'; only the last level may catch the rest");
                }
            }
            comparisons.add(new Comparison(name, nullWhen, levels));
        }
        if (comparisons.isEmpty()) {
            throw root.error("comparisons", "expected at least one comparison");
        }

        YamlNode m = root.child("model");
        Model model = new Model(
                m.decimal("link_threshold", 0.9),
                m.decimal("review_threshold", 0.5),
                m.integer("u_sample_pairs", 1_000_000),
                m.integer("em_max_iterations", 50),
                m.decimal("em_tolerance", 1e-5),
                m.decimal("initial_prior", 0.001),
                m.integer("seed", 42),
                m.choice("m_from", "em", "em", "steward_decisions").equals("steward_decisions"),
                m.bool("em_vetoed_as_non_matches", false),
                m.bool("em_without_blocked_comparisons", false));
        m.finish();
        if (!(model.reviewThreshold() <= model.linkThreshold()
                && model.linkThreshold() <= 1
                && model.reviewThreshold() >= 0)) {
            throw m.error("review_threshold", "expected 0 <= review_threshold <= link_threshold <= 1");
        }

        List<PairRule> links = new ArrayList<>();
        List<PairRule> vetoes = new ArrayList<>();
        List<PairRule> requires = new ArrayList<>();
        root.optChild("rules").ifPresent(r -> {
            r.list("link").forEach(x -> links.add(pairRule(x)));
            r.list("cannot_link").forEach(x -> vetoes.add(pairRule(x)));
            r.list("model_link_requires").forEach(x -> requires.add(pairRule(x)));
            r.finish();
        });
        root.finish();
        return new MatchingConfig(nodeAttributes, blocking, comparisons, model, links, vetoes, requires);
    }

    /** {@code max_block_size} of a node: the largest block that still makes pairs (two records at least). */
    private static int blockSize(YamlNode n, int fallback) {
        int size = n.integer("max_block_size", fallback);
        if (size < 2) {
            throw n.error(
                    "max_block_size",
                    "expected a whole number of at least 2 (a block of one record makes no pair) but was " + size);
        }
        return size;
    }

    private static PairRule pairRule(YamlNode n) {
        PairRule rule = new PairRule(n.text("name"), n.text("when"));
        n.finish();
        return rule;
    }

    private static String nullWhen(List<String> columns) {
        return String.join(
                " OR ",
                columns.stream()
                        .map(c -> "l." + c + " IS NULL OR r." + c + " IS NULL")
                        .toList());
    }
}
