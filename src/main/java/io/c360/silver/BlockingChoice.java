package io.c360.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.c360.lake.Checkpoints;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Blocking rules chosen from the data, for matching that names none ({@code blocking: auto}, or a
 * config without a matching file). Candidate keys are built from the mapped attributes by their type
 * (exact values, phonetic codes, initials, e-mail user parts, date parts) and combined two or three at
 * a time where one alone makes blocks too large; each is measured on the identities by counting its
 * blocks (the pairs it would make, its largest block, the blocks over the cap it skips), never by
 * making its pairs. Which keys to keep is decided on a deterministic sample of pairs that look like
 * matches (they agree on most of the attributes both records carry): keys are added greedily, the one
 * that catches the most of those pairs not yet caught per pair it costs first, until none catches more
 * or the pair budget is spent. The same identities always give the same rules.
 */
public final class BlockingChoice {
    /**
     * Candidate pairs allowed per identity. A person has few records in a customer database, so the
     * true pairs grow about linearly with the identities; a budget linear in them keeps scoring linear too,
     * while leaving room for several keys that each catch what corrupts the others (a typo in the
     * surname, a wrong birth date, a missing e-mail).
     */
    static final int PAIRS_PER_IDENTITY = 20;

    /**
     * Pairs sampled from each candidate key's blocks to find matches on: enough to see a key's share of
     * matches to within about a percent, whatever the data's size.
     */
    static final long SAMPLE_PAIRS_PER_KEY = 20_000;

    /** Candidate keys measured at most per round of combining (each is one more value per identity to count). */
    static final int MAX_CANDIDATES_PER_ROUND = 60;

    /** Blocking makes one bit per rule in a long (see {@link Blocking}). */
    static final int MAX_RULES = Long.SIZE - 1;

    private BlockingChoice() {}

    /** One way to key an attribute: {@code name} (e.g. {@code surname_soundex}) and its expression over one identity. */
    public record Part(String attribute, String name, String expression, boolean alone) {}

    /** A candidate key: one part or several of different attributes, all of which must agree. */
    public record Candidate(List<Part> parts) {
        public Candidate {
            parts = List.copyOf(parts);
        }

        public String name() {
            return String.join("+", parts.stream().map(Part::name).toList());
        }

        public List<String> keys() {
            return parts.stream().map(Part::expression).toList();
        }

        Set<String> attributes() {
            Set<String> attributes = new HashSet<>();
            parts.forEach(p -> attributes.add(p.attribute()));
            return attributes;
        }
    }

    /**
     * What one candidate key would do: identity pairs it makes (blocks over the cap skipped), its
     * largest block, the blocks over the cap and the identities in them, the estimated share of the
     * match-like pairs it catches, and whether it was chosen.
     */
    public record Measure(
            Candidate candidate,
            long pairs,
            long largestBlock,
            long skippedKeys,
            long skippedIdentities,
            double coverage,
            boolean chosen) {}

    /**
     * The rules chosen, every candidate measured (chosen ones first, in the order chosen), the pair
     * budget, and the estimated share of match-like pairs the chosen rules catch together.
     */
    public record Choice(
            List<MatchingConfig.BlockingRule> rules,
            List<Measure> measures,
            long budget,
            int cap,
            long identities,
            double coverage) {

        /** One line per chosen rule, for progress lines and the profile. */
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (Measure m : measures) {
                if (m.chosen()) {
                    lines.add(String.format(
                            Locale.ROOT,
                            "%-44s %,12d pairs  largest block %,d%s  catches %.1f%% of match-like pairs",
                            m.candidate().name(),
                            m.pairs(),
                            m.largestBlock(),
                            m.skippedKeys() == 0
                                    ? ""
                                    : String.format(
                                            Locale.ROOT,
                                            "  (%,d keys over %d skipped: %,d identities)",
                                            m.skippedKeys(),
                                            cap,
                                            m.skippedIdentities()),
                            100 * m.coverage()));
                }
            }
            return lines;
        }

        /** A one-line summary: how many rules, the pairs they make and the share of match-like pairs they catch. */
        public String summary() {
            long pairs = measures.stream()
                    .filter(Measure::chosen)
                    .mapToLong(Measure::pairs)
                    .sum();
            return String.format(
                    Locale.ROOT,
                    "%d blocking rules chosen from the data: at most %,d pairs of %,d allowed (%,d identities), catching"
                            + " about %.1f%% of the pairs that look like matches",
                    rules.size(),
                    pairs,
                    budget,
                    identities,
                    100 * coverage);
        }
    }

    /** The pair budget for {@code identities} identities (see {@link #PAIRS_PER_IDENTITY}). */
    public static long budget(long identities) {
        return Math.max(1, PAIRS_PER_IDENTITY * identities);
    }

    /**
     * Chooses blocking rules for these identities.
     *
     * @param nodes one row per distinct identity ({@code id} and the attributes; see {@link Matcher#nodes})
     * @param attributes the mapped attributes and their types ({@link MatchingConfig#attributes()})
     */
    public static Choice choose(Dataset<Row> nodes, Map<String, AttributeType> attributes) {
        return choose(nodes, attributes, budget(nodes.count()));
    }

    /** Chooses blocking rules that make at most {@code budget} pairs between these identities. */
    public static Choice choose(Dataset<Row> nodes, Map<String, AttributeType> attributes, long budget) {
        return choose(nodes, attributes, budget, MatchingConfig.BlockingRule.DEFAULT_MAX_BLOCK_SIZE);
    }

    /** Chooses blocking rules within {@code budget} pairs whose blocks above {@code cap} identities are skipped. */
    static Choice choose(Dataset<Row> nodes, Map<String, AttributeType> attributes, long budget, int cap) {
        Comparisons.registerFunctions(nodes.sparkSession());
        long identities = nodes.count();
        Map<String, AttributeType> present = present(nodes, attributes);
        List<Part> parts = parts(present);
        if (parts.isEmpty()) {
            throw new io.c360.C360Exception(
                    "blocking chosen from the data: the identity mapping maps no attribute to key blocks on");
        }

        // Round one: every part alone. Round two: two weak parts of different attributes, where one alone
        // makes blocks too large (a surname's sound, a birth year): their combination splits them. Round
        // three: a third weak part on combinations still too large.
        Map<String, Counted> counted = new LinkedHashMap<>();
        List<Candidate> singles =
                parts.stream().map(p -> new Candidate(List.of(p))).toList();
        blockCounts(nodes, singles, cap).forEach(c -> counted.put(c.candidate().name(), c));
        List<Part> weak = new ArrayList<>();
        for (Part p : parts) {
            if (weak(counted.get(p.name()), budget)) {
                weak.add(p);
            }
        }
        List<Candidate> doubles = new ArrayList<>();
        for (int i = 0; i < weak.size(); i++) {
            for (int j = i + 1; j < weak.size(); j++) {
                if (!weak.get(i).attribute().equals(weak.get(j).attribute())) {
                    doubles.add(new Candidate(List.of(weak.get(i), weak.get(j))));
                }
            }
        }
        doubles = bounded(doubles);
        blockCounts(nodes, doubles, cap).forEach(c -> counted.put(c.candidate().name(), c));
        List<Candidate> triples = new ArrayList<>();
        Set<Set<String>> seen = new HashSet<>();
        for (Candidate d : doubles) {
            if (!weak(counted.get(d.name()), budget)) {
                continue;
            }
            for (Part p : weak) {
                if (!d.attributes().contains(p.attribute())) {
                    List<Part> three = new ArrayList<>(d.parts());
                    three.add(p);
                    Candidate t = new Candidate(three);
                    Set<String> names = new HashSet<>();
                    three.forEach(x -> names.add(x.name()));
                    if (seen.add(names)) {
                        triples.add(t);
                    }
                }
            }
        }
        triples = bounded(triples);
        blockCounts(nodes, triples, cap).forEach(c -> counted.put(c.candidate().name(), c));

        List<Counted> eligible = counted.values().stream()
                .filter(c -> c.pairs() > 0 && c.pairs() <= budget)
                .filter(c -> c.candidate().parts().size() > 1
                        || c.candidate().parts().get(0).alone())
                .toList();
        Map<List<Integer>, Double> matchLike = eligible.isEmpty() ? Map.of() : matchLike(nodes, present, eligible, cap);
        return greedy(counted, eligible, matchLike, budget, identities, cap);
    }

    /** Mapped attributes the identities carry with at least one value (a mapping may name a column left empty). */
    private static Map<String, AttributeType> present(Dataset<Row> nodes, Map<String, AttributeType> attributes) {
        List<String> columns = List.of(nodes.columns());
        List<String> names =
                attributes.keySet().stream().filter(columns::contains).toList();
        Map<String, AttributeType> present = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return present;
        }
        Row counts = nodes.agg(
                        count(col(names.get(0))),
                        names.subList(1, names.size()).stream()
                                .map(n -> count(col(n)))
                                .toArray(Column[]::new))
                .first();
        for (int i = 0; i < names.size(); i++) {
            if (counts.getLong(i) > 0) {
                present.put(names.get(i), attributes.get(names.get(i)));
            }
        }
        return present;
    }

    /**
     * The ways to key each attribute, by its type. {@code alone} says whether the part may be a rule by
     * itself; the others (an initial, a birth year, a state) only ever narrow another part's blocks.
     */
    static List<Part> parts(Map<String, AttributeType> attributes) {
        List<Part> parts = new ArrayList<>();
        attributes.forEach((a, type) -> {
            switch (type) {
                // Names are misspelt and transcribed by ear: the sound code catches what exact values miss,
                // and the initial survives even a name cut to its first letter.
                case GIVEN_NAME, SURNAME, NAME, FULL_NAME -> {
                    parts.add(new Part(a, a + "_soundex", "soundex(" + a + ")", true));
                    parts.add(new Part(a, a + "_initial", "substr(" + a + ", 1, 1)", false));
                }
                // A date of birth is one fact per person; its parts survive a typo in the other parts.
                case DATE -> {
                    parts.add(new Part(a, a, a, true));
                    parts.add(new Part(a, a + "_year", "year(" + a + ")", false));
                    parts.add(new Part(a, a + "_month_day", "date_format(" + a + ", 'MMdd')", false));
                }
                // The user part of an address stays when a person changes provider.
                case EMAIL -> {
                    parts.add(new Part(a, a, a, true));
                    parts.add(new Part(a, a + "_user", "substring_index(" + a + ", '@', 1)", true));
                }
                case PHONE, IDENTIFIER, STREET, TEXT, NUMBER -> parts.add(new Part(a, a, a, true));
                // Places are shared by many people, and misspelt like names.
                case PLACE -> {
                    parts.add(new Part(a, a, a, false));
                    parts.add(new Part(a, a + "_soundex", "soundex(" + a + ")", false));
                }
                case POSTCODE -> parts.add(new Part(a, a, a, false));
                // Few values: never a key alone, only a narrowing of another.
                case CATEGORY -> parts.add(new Part(a, a, a, false));
            }
        });
        return parts;
    }

    /** A part to combine with others: one never used alone, or too coarse alone (more pairs than the budget, or blocks over the cap). */
    private static boolean weak(Counted c, long budget) {
        return c.candidate().parts().stream().anyMatch(p -> !p.alone()) || c.pairs() > budget || c.skippedKeys() > 0;
    }

    private static List<Candidate> bounded(List<Candidate> candidates) {
        return candidates.size() <= MAX_CANDIDATES_PER_ROUND
                ? candidates
                : candidates.subList(0, MAX_CANDIDATES_PER_ROUND);
    }

    /** A candidate's block counts. */
    private record Counted(
            Candidate candidate, long pairs, long largestBlock, long skippedKeys, long skippedIdentities) {}

    /** Identities keyed by each candidate: {@code id, c} (the candidate's index) and {@code key}; no null key. */
    private static Dataset<Row> keyed(Dataset<Row> nodes, List<Candidate> candidates) {
        Column[] keys = new Column[candidates.size()];
        for (int i = 0; i < candidates.size(); i++) {
            keys[i] = struct(
                    lit(i).as("c"), Blocking.key(candidates.get(i).keys()).as("key"));
        }
        return nodes.select(col("id"), explode(array(keys)).as("k"))
                .select(col("id"), col("k.c").as("c"), col("k.key").as("key"))
                .filter(col("key").isNotNull());
    }

    /** Block counts of every candidate in one job: pairs under the cap, largest block, blocks over the cap. */
    private static List<Counted> blockCounts(Dataset<Row> nodes, List<Candidate> candidates, int cap) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        Column over = col("n").gt(cap);
        Map<Integer, Row> byCandidate = new TreeMap<>();
        keyed(nodes, candidates)
                .groupBy("c", "key")
                .agg(count(lit(1)).as("n"))
                .groupBy("c")
                .agg(
                        sum(when(over, 0L).otherwise(expr("n * (n - 1) div 2"))).as("pairs"),
                        max(col("n")).as("largest"),
                        count(when(over, true)).as("skipped_keys"),
                        sum(when(over, col("n")).otherwise(0L)).as("skipped"))
                .collectAsList()
                .forEach(r -> byCandidate.put(r.getInt(0), r));
        List<Counted> counted = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Row r = byCandidate.get(i);
            counted.add(
                    r == null
                            ? new Counted(candidates.get(i), 0, 0, 0, 0)
                            : new Counted(candidates.get(i), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)));
        }
        return counted;
    }

    /**
     * Pairs that look like matches, sampled from the eligible candidates' blocks, grouped by the set of
     * candidates that catch them (their indexes in {@code eligible}), each set with its estimated number
     * of such pairs among all the candidates' pairs. Blocks are sampled by a hash of their key, so a
     * pair is seen with a probability known from the candidates that catch it; weighting each seen pair
     * by its inverse estimates the whole (Horvitz-Thompson) without making every candidate's pairs.
     */
    private static Map<List<Integer>, Double> matchLike(
            Dataset<Row> nodes, Map<String, AttributeType> attributes, List<Counted> eligible, int cap) {
        List<Candidate> candidates = eligible.stream().map(Counted::candidate).toList();
        double[] fraction = new double[eligible.size()];
        for (int i = 0; i < fraction.length; i++) {
            fraction[i] = Math.min(
                    1.0, (double) SAMPLE_PAIRS_PER_KEY / eligible.get(i).pairs());
        }
        Dataset<Row> sized = keyed(nodes, candidates)
                .withColumn("n", count(lit(1)).over(Window.partitionBy("c", "key")))
                .filter(col("n").leq(cap).and(col("n").geq(2)))
                .select("id", "c", "key")
                .localCheckpoint(true);
        Column share = element_at(
                array(java.util.Arrays.stream(fraction).mapToObj(f -> lit(f)).toArray(Column[]::new)),
                col("c").plus(1));
        long buckets = 1_000_003L;
        Dataset<Row> sampled =
                sized.filter(pmod(xxhash64(col("c"), col("key")), lit(buckets)).lt(share.multiply(buckets)));
        Dataset<Row> a = sampled.select(col("c"), col("key"), col("id").as("l"));
        Dataset<Row> b = sampled.select(
                col("c").as("c_r"), col("key").as("key_r"), col("id").as("r"));
        Dataset<Row> pairs = a.join(
                        b,
                        a.col("c")
                                .equalTo(b.col("c_r"))
                                .and(a.col("key").equalTo(b.col("key_r")))
                                .and(a.col("l").lt(b.col("r"))))
                .select("l", "r")
                .distinct();
        Dataset<Row> left = nodes.select(col("id").as("l"), struct(col("*")).as("lr"));
        Dataset<Row> right = nodes.select(col("id").as("r"), struct(col("*")).as("rr"));
        Dataset<Row> like = pairs.join(left, "l")
                .join(right, "r")
                .filter(matchLike(attributes))
                .select("l", "r");
        Dataset<Row> sl = sized.select(col("id").as("l"), col("c"), col("key"));
        Dataset<Row> sr = sized.select(col("id").as("r"), col("c"), col("key"));
        Map<List<Integer>, Double> weighted = new TreeMap<>(BlockingChoice::compare);
        Dataset<Row> withLeft = like.join(sl, "l");
        withLeft.join(
                        sr,
                        withLeft.col("r")
                                .equalTo(sr.col("r"))
                                .and(withLeft.col("c").equalTo(sr.col("c")))
                                .and(withLeft.col("key").equalTo(sr.col("key"))))
                .select(withLeft.col("l"), withLeft.col("r"), withLeft.col("c"))
                .groupBy("l", "r")
                .agg(array_sort(collect_list(col("c"))).as("cs"))
                .groupBy("cs")
                .agg(count(lit(1)).as("n"))
                .collectAsList()
                .forEach(row -> {
                    List<Integer> caught = row.getList(0);
                    double missed = 1;
                    for (int c : caught) {
                        missed *= 1 - fraction[c];
                    }
                    weighted.put(List.copyOf(caught), row.getLong(1) / (1 - missed));
                });
        Checkpoints.release(sized);
        return weighted;
    }

    private static int compare(List<Integer> x, List<Integer> y) {
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = Integer.compare(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    }

    /**
     * Whether a pair ({@code lr}, {@code rr} structs) looks like a match: it agrees on at least two
     * attributes and on more than it disagrees on, among those both records carry. Agreement allows
     * the typos of true duplicates (a Jaro-Winkler of 0.9 on words, one character on codes and dates);
     * categories are left out, as strangers share them by chance.
     */
    static Column matchLike(Map<String, AttributeType> attributes) {
        Column agree = lit(0);
        Column disagree = lit(0);
        for (Map.Entry<String, AttributeType> e : attributes.entrySet()) {
            String a = e.getKey();
            String l = "lr." + a;
            String r = "rr." + a;
            String same = switch (e.getValue()) {
                case CATEGORY -> null;
                case GIVEN_NAME, SURNAME, NAME, FULL_NAME, PLACE, STREET, TEXT ->
                    "jaro_winkler(" + l + ", " + r + ") >= 0.9";
                case DATE ->
                    "levenshtein(date_format(" + l + ", 'yyyyMMdd'), date_format(" + r + ", 'yyyyMMdd'), 1) >= 0";
                case EMAIL, PHONE, POSTCODE, IDENTIFIER, NUMBER ->
                    "levenshtein(CAST(" + l + " AS STRING), CAST(" + r + " AS STRING), 1) >= 0";
            };
            if (same == null) {
                continue;
            }
            Column both = expr(l + " IS NOT NULL AND " + r + " IS NOT NULL");
            Column agrees = both.and(expr(same));
            agree = agree.plus(when(agrees, 1).otherwise(0));
            disagree = disagree.plus(when(both.and(agrees.unary_$bang()), 1).otherwise(0));
        }
        return agree.geq(2).and(agree.gt(disagree));
    }

    /**
     * Adds the candidate that catches the most match-like pairs not yet caught per pair it makes, while the
     * budget lasts and some candidate still catches more.
     */
    private static Choice greedy(
            Map<String, Counted> counted,
            List<Counted> eligible,
            Map<List<Integer>, Double> matchLike,
            long budget,
            long identities,
            int cap) {
        double total =
                matchLike.values().stream().mapToDouble(Double::doubleValue).sum();
        double[] alone = new double[eligible.size()];
        matchLike.forEach((caught, weight) -> caught.forEach(c -> alone[c] += weight));
        Map<List<Integer>, Double> uncaught = new TreeMap<>(BlockingChoice::compare);
        uncaught.putAll(matchLike);
        List<Integer> chosen = new ArrayList<>();
        long spent = 0;
        while (chosen.size() < MAX_RULES) {
            double[] gain = new double[eligible.size()];
            uncaught.forEach((caught, weight) -> caught.forEach(c -> gain[c] += weight));
            int best = -1;
            for (int c = 0; c < eligible.size(); c++) {
                if (chosen.contains(c)
                        || gain[c] <= 0
                        || spent + eligible.get(c).pairs() > budget) {
                    continue;
                }
                if (best < 0
                        || gain[c] / eligible.get(c).pairs()
                                > gain[best] / eligible.get(best).pairs()) {
                    best = c;
                }
            }
            if (best < 0) {
                break;
            }
            chosen.add(best);
            spent += eligible.get(best).pairs();
            int taken = best;
            uncaught.keySet().removeIf(caught -> caught.contains(taken));
        }
        // A key chosen early for its low cost may have had all its catch taken by keys chosen after it.
        for (int i = chosen.size() - 1; i >= 0; i--) {
            int candidate = chosen.get(i);
            List<Integer> rest = new ArrayList<>(chosen);
            rest.remove(i);
            boolean redundant = matchLike.keySet().stream()
                    .filter(caught -> caught.contains(candidate))
                    .allMatch(caught -> caught.stream().anyMatch(rest::contains));
            if (redundant) {
                chosen.remove(i);
            }
        }
        double caughtShare = total == 0
                ? 0
                : 1
                        - uncaught.values().stream()
                                        .mapToDouble(Double::doubleValue)
                                        .sum()
                                / total;
        List<MatchingConfig.BlockingRule> rules = new ArrayList<>();
        List<Measure> measures = new ArrayList<>();
        Set<String> chosenNames = new HashSet<>();
        for (int c : chosen) {
            Counted e = eligible.get(c);
            rules.add(new MatchingConfig.BlockingRule(
                    e.candidate().name(), e.candidate().keys(), cap));
            chosenNames.add(e.candidate().name());
            measures.add(measure(e, total == 0 ? 0 : alone[c] / total, true));
        }
        List<Measure> others = new ArrayList<>();
        for (Counted c : counted.values()) {
            if (!chosenNames.contains(c.candidate().name())) {
                int index = eligible.indexOf(c);
                others.add(measure(c, index < 0 || total == 0 ? 0 : alone[index] / total, false));
            }
        }
        others.sort(Comparator.comparing((Measure m) -> -m.coverage())
                .thenComparing(m -> m.candidate().name()));
        measures.addAll(others);
        return new Choice(rules, measures, budget, cap, identities, caughtShare);
    }

    private static Measure measure(Counted c, double coverage, boolean chosen) {
        return new Measure(
                c.candidate(), c.pairs(), c.largestBlock(), c.skippedKeys(), c.skippedIdentities(), coverage, chosen);
    }
}
