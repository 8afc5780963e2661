package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;

import io.c360.C360Exception;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Why two records match or not: each comparison's level and weight, the rules hit, the probability and the decision. */
public final class Explanation {
    private Explanation() {}

    /** One line of the waterfall: the level the pair shows, its m, u and weight (NaN m and u when missing). */
    public record Step(
            String comparison,
            String level,
            double m,
            double u,
            double weight,
            double termFrequencyAdjustment,
            String left,
            String right) {}

    /** The whole explanation. */
    public record Result(
            String left,
            String right,
            double priorWeight,
            List<Step> steps,
            double matchWeight,
            double probability,
            List<String> linkRules,
            List<String> vetoes,
            String decision,
            List<RuleCheck> rulesNotApplied) {}

    /**
     * @param records identity records (at least the two asked for; all of them give the term frequencies)
     */
    public static Result explain(
            Dataset<Row> records,
            String leftKey,
            String rightKey,
            MatchingConfig config,
            FellegiSunter.Parameters params) {
        return explain(records, leftKey, rightKey, config, params, Optional.empty());
    }

    /**
     * @param termFrequencies those frozen with the model ({@code column, value, tf}), as silver scored
     *     with; absent: measured on {@code records}
     */
    public static Result explain(
            Dataset<Row> records,
            String leftKey,
            String rightKey,
            MatchingConfig config,
            FellegiSunter.Parameters params,
            Optional<Dataset<Row>> termFrequencies) {
        Comparisons.registerFunctions(records.sparkSession());
        Dataset<Row> nodes = Matcher.nodes(records, config).cache();
        Dataset<Row> both = records.filter(col(IdentityRecords.RECORD_KEY).isin(leftKey, rightKey))
                .cache();
        for (String key : List.of(leftKey, rightKey)) {
            if (both.filter(col(IdentityRecords.RECORD_KEY).equalTo(key)).isEmpty()) {
                throw new C360Exception("record " + key
                        + " is not in silver.identity_records (expected source:record_id, e.g. crm_contacts:CRM-1A2B)");
            }
        }
        Dataset<Row> l = side(both, nodes, leftKey, "l");
        Dataset<Row> r = side(both, nodes, rightKey, "r");
        Dataset<Row> pair =
                l.crossJoin(r).withColumn(Blocking.LEFT, col("l.id")).withColumn(Blocking.RIGHT, col("r.id"));
        Map<String, Dataset<Row>> tf =
                Matcher.byColumn(termFrequencies.orElseGet(() -> Matcher.termFrequencies(nodes, config)), config);
        Row row = Matcher.decide(
                        FellegiSunter.score(Matcher.evidence(pair, config), config.comparisons(), params, tf),
                        config,
                        params)
                .head();
        both.unpersist();
        nodes.unpersist();

        return of(row, leftKey, rightKey, config, params);
    }

    /**
     * The explanation of a pair silver scored and stored ({@code silver.scored_pairs} or
     * {@code silver.match_review}: the {@code gamma_} and {@code w_} columns, weight, probability, and
     * the rules and decision where the row has them), without scoring it again. The values compared are
     * shown where the row carries both identities ({@code l}, {@code r}), empty otherwise.
     */
    public static Result of(
            Row row, String leftKey, String rightKey, MatchingConfig config, FellegiSunter.Parameters params) {
        List<String> fields = List.of(row.schema().fieldNames());
        boolean sides = fields.contains("l") && fields.contains("r") && !row.isNullAt(row.fieldIndex("l"));
        List<Step> steps = new ArrayList<>();
        for (MatchingConfig.Comparison c : config.comparisons()) {
            int gamma = row.getInt(row.fieldIndex(Comparisons.gammaColumn(c)));
            double w = row.getDouble(row.fieldIndex("w_" + c.name()));
            String level = gamma < 0 ? "missing" : c.levels().get(gamma).name();
            double base = gamma < 0 ? 0 : params.weight(c.name(), gamma);
            steps.add(new Step(
                    c.name(),
                    level,
                    gamma < 0 ? Double.NaN : params.m().get(c.name())[gamma],
                    gamma < 0 ? Double.NaN : params.u().get(c.name())[gamma],
                    w,
                    w - base,
                    sides ? shown(row.getStruct(row.fieldIndex("l")), c, config) : "",
                    sides ? shown(row.getStruct(row.fieldIndex("r")), c, config) : ""));
        }
        return new Result(
                leftKey,
                rightKey,
                FellegiSunter.log2(params.prior() / (1 - params.prior())),
                steps,
                row.getDouble(row.fieldIndex("match_weight")),
                row.getDouble(row.fieldIndex("match_probability")),
                fields.contains("link_rules") ? row.getList(row.fieldIndex("link_rules")) : List.of(),
                fields.contains("vetoes") ? row.getList(row.fieldIndex("vetoes")) : List.of(),
                fields.contains("decision") ? row.getString(row.fieldIndex("decision")) : Matcher.REVIEW,
                params.ruleChecks().stream().filter(check -> !check.applied()).toList());
    }

    /** The identity (node, with its node attributes) a record belongs to. */
    private static Dataset<Row> side(Dataset<Row> both, Dataset<Row> nodes, String key, String alias) {
        String signature =
                both.filter(col(IdentityRecords.RECORD_KEY).equalTo(key)).head().getAs(IdentityRecords.SIGNATURE);
        return nodes.filter(col("id").equalTo(signature))
                .select(struct(col("*")).as(alias));
    }

    /** The values a comparison looked at, for the waterfall. */
    private static String shown(Row side, MatchingConfig.Comparison c, MatchingConfig config) {
        List<String> values = new ArrayList<>();
        List<String> attributes = new ArrayList<>(IdentityRecords.MATCH_ATTRIBUTES);
        attributes.addAll(config.extras().keySet());
        for (String attribute : attributes) {
            if (c.nullWhen().contains("." + attribute + " ")
                    || c.levels().stream().anyMatch(l -> l.when().orElse("").contains("." + attribute))) {
                Object v = side.get(side.fieldIndex(attribute));
                if (v != null && !values.contains(String.valueOf(v))) {
                    values.add(String.valueOf(v));
                }
            }
        }
        return values.isEmpty() ? "-" : String.join(" ", values);
    }

    /** A text waterfall. */
    public static String format(Result e, MatchingConfig.Model model) {
        StringBuilder b = new StringBuilder();
        b.append("explain ").append(e.left()).append("  vs  ").append(e.right()).append('\n');
        b.append(String.format(
                "  %-14s %-28s %8.2f %-12s %-22s%n", "prior", "log2 odds two records match", e.priorWeight(), "", ""));
        for (Step s : e.steps()) {
            String tf = Math.abs(s.termFrequencyAdjustment()) > 1e-9
                    ? String.format(" (tf %+.2f)", s.termFrequencyAdjustment())
                    : "";
            String mu = Double.isNaN(s.m()) ? "" : String.format("m %.3g u %.3g", s.m(), s.u());
            b.append(String.format(
                    "  %-14s %-28s %+8.2f %-12s %-22s %s | %s%n",
                    s.comparison(), s.level() + tf, s.weight(), bar(s.weight()), mu, cut(s.left()), cut(s.right())));
        }
        b.append(String.format(
                "  %-14s %-28s %+8.2f  -> probability %.6f%n",
                "total", "match weight", e.matchWeight(), e.probability()));
        b.append("  link rules: ")
                .append(e.linkRules().isEmpty() ? "none" : String.join(", ", e.linkRules()))
                .append('\n');
        b.append("  vetoes: ")
                .append(e.vetoes().isEmpty() ? "none" : String.join(", ", e.vetoes()))
                .append('\n');
        for (RuleCheck c : e.rulesNotApplied()) {
            b.append("  not applied (the data contradicts it): ")
                    .append(c.describe())
                    .append('\n');
        }
        b.append(String.format(
                "  decision: %s (link at p >= %.2f, review at p >= %.2f)",
                e.decision(), model.linkThreshold(), model.reviewThreshold()));
        return b.toString();
    }

    private static String bar(double w) {
        int n = (int) Math.min(10, Math.round(Math.abs(w)));
        return (w >= 0 ? "+" : "-").repeat(n);
    }

    private static String cut(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
