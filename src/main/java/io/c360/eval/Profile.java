package io.c360.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import io.c360.silver.AttributeType;
import io.c360.silver.BlockingChoice;
import io.c360.silver.Matcher;
import io.c360.silver.MatchingConfig;
import io.c360.silver.Templates;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the data of an identity mapping looks like to matching: per attribute its null rate, distinct and
 * most frequent values and the values that look like placeholders, and the blocking rules chosen from
 * it with the pairs each makes; and the matching file derived from the mapping, for a user to start from.
 */
public final class Profile {
    /** Most frequent values shown per attribute. */
    static final int TOP_VALUES = 5;

    /**
     * How many times the runner-up's count the most frequent value must reach to look like a filler. The
     * commonest genuine value of a person attribute (a surname, a big city) is a few times the next at
     * most; a value an order of magnitude ahead is a default some system writes when it knows nothing.
     */
    static final int FILLER_RATIO = 10;

    /** Fewest records a filler must have: in a handful of records any value may lead by chance. */
    static final int FILLER_MIN_RECORDS = 5;

    /** Words systems write for "no value", compared without spaces and punctuation ("n/a" = "n a" = "na"). */
    private static final Set<String> PLACEHOLDER_WORDS = Set.of(
            "unknown",
            "unk",
            "na",
            "none",
            "null",
            "nil",
            "notknown",
            "notavailable",
            "notgiven",
            "test",
            "tbd",
            "missing",
            "noname",
            "dummy",
            "anonymous",
            "blank",
            "xxx");

    /**
     * Values keyed in for want of one: zeros (000, 0000000), a letter repeated (xxx, aaaa), any character
     * repeated five times or more (99999, 5555555), a counting run (123456). Shorter runs of one digit are
     * left alone: real postcodes and house numbers have them (2222, 777).
     */
    private static final Pattern KEYED_IN = Pattern.compile("0{2,}|([a-z])\\1{2,}|(.)\\2{4,}|0?123456(7(8(90?)?)?)?");

    private Profile() {}

    /** One attribute's figures; {@code placeholders} are values (with their counts) that look like junk. */
    public record Attribute(
            String name,
            AttributeType type,
            long records,
            long nulls,
            long distinct,
            List<Value> top,
            List<Value> placeholders) {
        public double nullRate() {
            return records == 0 ? 0 : (double) nulls / records;
        }
    }

    /** A value and how many records carry it. */
    public record Value(String value, long records) {}

    /** The profile: the attributes' figures, the blocking rules chosen and the derived matching. */
    public record Result(List<Attribute> attributes, BlockingChoice.Choice blocking, MatchingConfig matching) {}

    /**
     * Profiles identity records (standardized, as matching sees them) of a mapping whose attributes have
     * {@code types}.
     */
    public static Result of(Dataset<Row> records, Map<String, AttributeType> types) {
        MatchingConfig derived = MatchingConfig.auto(types);
        List<Attribute> attributes = new ArrayList<>();
        long total = records.count();
        for (Map.Entry<String, AttributeType> e : derived.attributes().entrySet()) {
            attributes.add(attribute(records, e.getKey(), e.getValue(), total));
        }
        Dataset<Row> nodes = Matcher.nodes(records, derived).localCheckpoint(true);
        BlockingChoice.Choice choice = BlockingChoice.choose(nodes, derived.attributes());
        return new Result(attributes, choice, derived.withBlocking(choice.rules()));
    }

    private static Attribute attribute(Dataset<Row> records, String name, AttributeType type, long total) {
        Dataset<Row> values = records.select(col(name).cast("string").as("v"));
        Row counts = values.agg(count(col("v")), countDistinct(col("v"))).first();
        List<Row> frequent = values.filter(col("v").isNotNull())
                .groupBy("v")
                .agg(count(lit(1)).as("n"))
                .orderBy(col("n").desc(), col("v"))
                .limit(Math.max(TOP_VALUES, 2))
                .collectAsList();
        List<Value> top = frequent.stream()
                .map(r -> new Value(r.getString(0), r.getLong(1)))
                .toList();
        List<Value> placeholders = new ArrayList<>();
        if (!top.isEmpty()
                && top.get(0).records() >= FILLER_MIN_RECORDS
                && (top.size() == 1
                        || top.get(0).records() >= FILLER_RATIO * top.get(1).records())
                && type != AttributeType.CATEGORY) {
            placeholders.add(top.get(0));
        }
        List<String> suspects = new ArrayList<>();
        // Placeholder words and keyed-in runs, among all values (not only the frequent ones).
        values.filter(col("v").isNotNull())
                .groupBy("v")
                .agg(count(lit(1)).as("n"))
                .orderBy(col("n").desc(), col("v"))
                .collectAsList()
                .forEach(r -> {
                    String v = r.getString(0);
                    if (placeholder(v)
                            && placeholders.stream().noneMatch(p -> p.value().equals(v))
                            && suspects.size() < TOP_VALUES) {
                        suspects.add(v);
                        placeholders.add(new Value(v, r.getLong(1)));
                    }
                });
        return new Attribute(
                name,
                type,
                total,
                total - counts.getLong(0),
                counts.getLong(1),
                top.subList(0, Math.min(TOP_VALUES, top.size())),
                placeholders);
    }

    /** Whether a value reads as "no value": a placeholder word, one repeated character, a counting run. */
    static boolean placeholder(String value) {
        String compact = value.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
        return PLACEHOLDER_WORDS.contains(compact)
                || (compact.length() >= 2 && KEYED_IN.matcher(compact).matches());
    }

    /** The profile as text. */
    public static String format(Result r) {
        List<String> lines = new ArrayList<>();
        lines.add("attributes (records without a value, distinct values, most frequent values):");
        for (Attribute a : r.attributes()) {
            lines.add(String.format(
                    Locale.ROOT,
                    "  %-16s %-10s nulls %5.1f%%  distinct %,9d  top %s",
                    a.name(),
                    a.type().yamlName(),
                    100 * a.nullRate(),
                    a.distinct(),
                    String.join(
                            ", ",
                            a.top().stream()
                                    .map(v -> "'" + v.value() + "' " + v.records())
                                    .toList())));
            if (!a.placeholders().isEmpty()) {
                lines.add("  " + " ".repeat(16) + " looks like a placeholder (not a person's value): "
                        + String.join(
                                ", ",
                                a.placeholders().stream()
                                        .map(v -> "'" + v.value() + "' " + v.records())
                                        .toList()));
            }
        }
        lines.add("blocking: " + r.blocking().summary());
        r.blocking().lines().forEach(l -> lines.add("  " + l));
        return String.join("\n", lines);
    }

    /**
     * The derived matching as a matching file: the blocking rules chosen, one templated comparison per
     * attribute, the model's settings. Read back with {@link MatchingConfig#load} and bound to the same
     * mapping, it gives the same rules as the derivation.
     */
    public static String matchingFile(Result r, String origin) {
        MatchingConfig m = r.matching();
        StringBuilder y = new StringBuilder();
        y.append("# Derived by c360 profile from ").append(origin).append(": comparisons by the attributes' types,\n");
        y.append("# blocking rules chosen from the data. Edit it as you see fit and name it with matching:.\n");
        y.append("version: 1\n");
        y.append("blocking:\n");
        y.append("  max_block_size: ")
                .append(MatchingConfig.BlockingRule.DEFAULT_MAX_BLOCK_SIZE)
                .append("             # a key shared by more records is skipped (and reported)\n");
        y.append("  rules:\n");
        for (MatchingConfig.BlockingRule rule : m.blocking()) {
            y.append("    - {name: ")
                    .append(quoted(rule.name()))
                    .append(", keys: [")
                    .append(String.join(
                            ", ", rule.keys().stream().map(Profile::quoted).toList()))
                    .append("]}\n");
        }
        y.append("\ncomparisons:\n");
        for (MatchingConfig.Comparison c : m.comparisons()) {
            Templates.Spec spec = c.template()
                    .orElseThrow(
                            () -> new IllegalStateException("derived comparison " + c.name() + " has no template"));
            String template = spec.template()
                    .orElse(Templates.Template.of(m.attributes().get(spec.attribute())))
                    .yamlName();
            y.append("  - {attribute: ")
                    .append(spec.attribute())
                    .append(", template: ")
                    .append(template)
                    .append("}\n");
        }
        MatchingConfig.Model model = m.model();
        y.append("\nmodel:\n");
        y.append("  link_threshold: ").append(model.linkThreshold()).append('\n');
        y.append("  review_threshold: ").append(model.reviewThreshold()).append('\n');
        y.append("  u_sample_pairs: ").append(model.uSamplePairs()).append('\n');
        y.append("  em_max_iterations: ").append(model.emMaxIterations()).append('\n');
        y.append("  em_tolerance: ").append(model.emTolerance()).append('\n');
        y.append("  initial_prior: ").append(model.initialPrior()).append('\n');
        y.append("  seed: ").append(model.seed()).append('\n');
        y.append("  em_vetoed_as_non_matches: ")
                .append(model.emExcludesVetoed())
                .append('\n');
        y.append("  em_without_blocked_comparisons: ")
                .append(model.emWithoutBlockedComparisons())
                .append('\n');
        return y.toString();
    }

    /** A YAML scalar in single quotes (an expression may hold commas, colons and brackets). */
    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** Identity records of a labelled data set, as {@link Evaluation#run} builds them. */
    public static Dataset<Row> records(SparkSession spark, Evaluation.Spec spec) {
        return Evaluation.records(spark, spec);
    }
}
