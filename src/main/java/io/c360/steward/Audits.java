package io.c360.steward;

import static io.c360.lake.TableCatalog.ACCURACY_AUDITS;
import static io.c360.lake.TableCatalog.ACCURACY_AUDITS_SCHEMA;
import static io.c360.lake.TableCatalog.AUDIT_ITEMS;
import static io.c360.lake.TableCatalog.AUDIT_ITEMS_SCHEMA;
import static io.c360.lake.TableCatalog.CUSTOMER_ID_MAP;
import static io.c360.lake.TableCatalog.IDENTITY_RECORDS;
import static io.c360.lake.TableCatalog.SCORED_PAIRS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.silver.Matcher;
import io.c360.silver.SilverConfig;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;

/**
 * Accuracy audits by business sample: a reproducible stratified random sample of record pairs, answered
 * by stewards (match, non_match or unsure) without seeing what the matcher decided, turned into estimates
 * of precision and recall with 95 % intervals ({@link AuditEstimator}).
 *
 * <p><b>Precision</b> is measured on every pair of records that share a customer
 * ({@code silver.customer_id_map}, records of {@code silver.identity_records}): the very pairs
 * {@code c360 evaluate}'s pairwise precision counts as predicted, so an audit and an evaluation against a
 * truth measure the same figure. These pairs are stratified by how the two records were joined: the same
 * standardized attributes ({@code identical}), a direct link by a rule, by a steward, by the model at a
 * probability of 0.99 or more or below it, or no direct link ({@code chained}: joined through other
 * records). <b>Recall</b> is measured among the candidate pairs blocking proposed whose records ended in
 * different customers, stratified into those at or above the review threshold ({@code near threshold})
 * and the rest: it is recall among the pairs blocking compared, an upper bound on true recall, since a
 * pair blocking never proposed is never seen.
 *
 * <p>Every change is one Delta append to {@code ops.audit_items} or {@code ops.accuracy_audits}; an answer
 * never overwrites an earlier one (the newest per item counts), so any step can be undone by time travel.
 * The methods are synchronized: one service completes an audit once, however many requests answer at once.
 */
public final class Audits {
    public static final String MATCH = "match";
    public static final String NON_MATCH = "non_match";
    public static final String UNSURE = "unsure";
    public static final List<String> ANSWERS = List.of(MATCH, NON_MATCH, UNSURE);

    static final String IDENTICAL = "identical";
    static final String RULE = "rule";
    static final String STEWARD = "steward";
    static final String MODEL_HIGH = "model >= 0.99";
    static final String MODEL_LOW = "model < 0.99";
    static final String CHAINED = "chained";
    static final String NEAR_THRESHOLD = "near threshold";
    static final String OTHER_CANDIDATES = "other candidates";
    static final List<String> PRECISION_STRATA = List.of(IDENTICAL, RULE, STEWARD, MODEL_HIGH, MODEL_LOW, CHAINED);
    static final List<String> RECALL_STRATA = List.of(NEAR_THRESHOLD, OTHER_CANDIDATES);

    /**
     * The model band's boundary: a posterior of 0.99 or more is the model being sure, whatever the
     * thresholds; below it links are where its errors concentrate.
     */
    private static final double SURE = 0.99;
    /**
     * The prefilter keeps about this many times the items a stratum needs, so the n smallest hashes are
     * found without sorting the population; when it keeps too few the draw repeats with a higher rate.
     */
    private static final double OVERDRAW = 4;

    private final Lake lake;
    private final double reviewThreshold;
    private final Clock clock;
    /**
     * Rows read from the audit tables, by table and question, with the Delta version they were read at:
     * a screen asks for the same audit again and again, and while no commit came in between the answer is
     * the same without a Spark job.
     */
    private final Map<String, Read> reads = new HashMap<>();

    private record Read(long version, List<Row> rows) {}

    /** Audits of the lake; the review threshold of the configuration's silver matching bounds the near-threshold stratum. */
    public Audits(Lake lake, C360Config config) {
        this(lake, SilverConfig.of(config).matching().model().reviewThreshold(), Clock.systemUTC());
    }

    Audits(Lake lake, double reviewThreshold, Clock clock) {
        this.lake = lake;
        this.reviewThreshold = reviewThreshold;
        this.clock = clock;
    }

    /** Now, to the microsecond a Delta timestamp holds, so a stored audit reads back equal. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** Draws and stores a sample of {@code size} pairs (fewer when the lake holds fewer); {@code seed} makes it reproducible. */
    public synchronized AuditSummary start(int size, long seed, String steward) {
        if (size < 1) {
            throw new C360Exception("audit size " + size + ": expected at least 1 pair");
        }
        String who = stewardName(steward);
        for (TableName t : List.of(CUSTOMER_ID_MAP, IDENTITY_RECORDS, SCORED_PAIRS)) {
            if (!lake.exists(t)) {
                throw new C360Exception("the lake has no " + t + " yet; run the silver stage before an audit");
            }
        }
        Dataset<Row> population = population(seed).cache();
        try {
            Map<String, Long> counts = new HashMap<>();
            for (Row r : population.groupBy("stratum").count().collectAsList()) {
                counts.put(r.getString(0), r.getLong(1));
            }
            long[] precisionPopulation = populations(PRECISION_STRATA, counts);
            long[] recallPopulation = populations(RECALL_STRATA, counts);
            if (sum(precisionPopulation) == 0) {
                throw new C360Exception("the lake has no customer with two or more records (" + CUSTOMER_ID_MAP
                        + "); there is no match to audit");
            }
            int[] split = AuditEstimator.split(
                    size,
                    sum(precisionPopulation),
                    nonEmpty(precisionPopulation),
                    sum(recallPopulation),
                    nonEmpty(recallPopulation));
            Map<String, Integer> allocation = new LinkedHashMap<>();
            allocate(PRECISION_STRATA, precisionPopulation, split[0], allocation);
            allocate(RECALL_STRATA, recallPopulation, split[1], allocation);
            List<Row> sample = draw(population, counts, allocation);
            return store(seed, who, counts, allocation, sample);
        } finally {
            population.unpersist();
        }
    }

    /** The audit's pairs in presentation order, each with its newest answer. */
    public synchronized List<AuditItem> items(String auditId) {
        return itemRows(auditId).stream()
                .map(i -> new AuditItem(i.item, i.left, i.right, i.answer))
                .toList();
    }

    /**
     * Records a steward's answer ({@code match}, {@code non_match} or {@code unsure}) to an item of an open
     * audit; a later answer to the same item wins and both are kept. The answer that leaves no item
     * unanswered completes the audit and stores its estimates.
     */
    public synchronized AuditSummary answer(String auditId, int item, String answer, String steward) {
        return answer(auditId, Map.of(item, answer), steward);
    }

    /**
     * Several answers of one steward (item to answer) in one commit, as {@link #answer(String, int, String,
     * String)}: all are checked before any is written.
     */
    public synchronized AuditSummary answer(String auditId, Map<Integer, String> answers, String steward) {
        for (Map.Entry<Integer, String> a : answers.entrySet()) {
            if (a.getValue() == null || !ANSWERS.contains(a.getValue())) {
                throw new C360Exception("answer '" + a.getValue() + "' to item " + a.getKey() + " of audit " + auditId
                        + ": expected one of " + String.join(", ", ANSWERS));
            }
        }
        String who = stewardName(steward);
        Events events = events(auditId).orElseThrow(() -> unknown(auditId));
        if (events.completed().isPresent()) {
            throw new C360Exception("audit " + auditId + " is complete; start a new audit to answer again");
        }
        List<ItemRow> items = itemRows(auditId);
        for (int item : answers.keySet()) {
            if (item < 1 || item > items.size()) {
                throw new C360Exception("item " + item + " of audit " + auditId + ": expected 1 to " + items.size());
            }
        }
        Instant now = now();
        List<Row> rows = new ArrayList<>();
        List<ItemRow> answered = new ArrayList<>();
        for (ItemRow i : items) {
            String answer = answers.get(i.item);
            if (answer != null) {
                rows.add(itemRow(auditId, i.item, i.stratum, i.left, i.right, answer, who, now));
                answered.add(i.answered(answer));
            } else {
                answered.add(i);
            }
        }
        appendItems(auditId, rows);
        AuditSummary open = summary(events.started(), Optional.empty(), answered);
        return answered.stream().allMatch(i -> i.answer.isPresent()) ? complete(open, who, now) : open;
    }

    /** Closes an open audit with the answers it has; its estimates are stored when every stratum has one. */
    public synchronized AuditSummary finish(String auditId, String steward) {
        String who = stewardName(steward);
        Events events = events(auditId).orElseThrow(() -> unknown(auditId));
        if (events.completed().isPresent()) {
            throw new C360Exception("audit " + auditId + " is already complete");
        }
        return complete(summary(events.started(), Optional.empty(), itemRows(auditId)), who, now());
    }

    /** The newest completed audit. */
    public synchronized Optional<AuditSummary> latest() {
        if (!lake.exists(ACCURACY_AUDITS)) {
            return Optional.empty();
        }
        return read(
                        ACCURACY_AUDITS,
                        "latest",
                        t -> t.filter(col("status").equalTo(AuditSummary.COMPLETE))
                                .orderBy(col("at").desc())
                                .select("audit_id")
                                .limit(1)
                                .collectAsList())
                .stream()
                .findFirst()
                .flatMap(r -> audit(r.getString(0)));
    }

    /** The audits started and not complete, newest first. */
    public synchronized List<AuditSummary> open() {
        if (!lake.exists(ACCURACY_AUDITS)) {
            return List.of();
        }
        List<Row> ids = read(
                ACCURACY_AUDITS,
                "open",
                t -> t.groupBy("audit_id")
                        .agg(
                                max(col("at")).as("at"),
                                max(when(col("status").equalTo(AuditSummary.COMPLETE), 1)
                                                .otherwise(0))
                                        .as("complete"))
                        .filter(col("complete").equalTo(0))
                        .orderBy(col("at").desc())
                        .select("audit_id")
                        .collectAsList());
        return ids.stream()
                .map(r -> audit(r.getString(0)))
                .flatMap(Optional::stream)
                .toList();
    }

    /** An audit, open or complete; empty when there is none of that id. */
    public synchronized Optional<AuditSummary> audit(String auditId) {
        return events(auditId)
                .map(e -> e.completed().isPresent()
                        ? summary(e.started(), e.completed(), List.of())
                        : summary(e.started(), Optional.empty(), itemRows(auditId)));
    }

    /**
     * Every pair of the two populations, {@code stratum, record_key_l, record_key_r, draw, order}:
     * {@code draw} a uniform number in [0, 1) from the seed and the two keys (the smallest of a stratum are
     * its sample), {@code order} another (the presentation order, mixing the strata).
     */
    private Dataset<Row> population(long seed) {
        Dataset<Row> records = lake.read(CUSTOMER_ID_MAP)
                .select("record_key", "customer_id")
                .join(lake.read(IDENTITY_RECORDS).select("record_key", "signature"), "record_key");
        Dataset<Row> l = side(records, "_l");
        Dataset<Row> r = side(records, "_r");
        Dataset<Row> pairs = lake.read(SCORED_PAIRS).select("l_id", "r_id", "decision", "match_probability");

        Column identical = col("signature_l").equalTo(col("signature_r"));
        Dataset<Row> sharing = l.join(
                        r,
                        col("customer_id_l")
                                .equalTo(col("customer_id_r"))
                                .and(col("record_key_l").lt(col("record_key_r"))))
                .join(
                        pairs,
                        least(col("signature_l"), col("signature_r"))
                                .equalTo(col("l_id"))
                                .and(greatest(col("signature_l"), col("signature_r"))
                                        .equalTo(col("r_id"))),
                        "left")
                .select(
                        when(identical, lit(IDENTICAL))
                                .when(col("decision").equalTo(Matcher.LINKED_BY_RULE), lit(RULE))
                                .when(col("decision").equalTo(Matcher.LINKED_BY_STEWARD), lit(STEWARD))
                                .when(
                                        col("decision")
                                                .equalTo(Matcher.LINKED)
                                                .and(col("match_probability").geq(SURE)),
                                        lit(MODEL_HIGH))
                                .when(col("decision").equalTo(Matcher.LINKED), lit(MODEL_LOW))
                                .otherwise(lit(CHAINED))
                                .as("stratum"),
                        col("record_key_l"),
                        col("record_key_r"));
        Dataset<Row> apart = pairs.join(l, col("l_id").equalTo(col("signature_l")))
                .join(r, col("r_id").equalTo(col("signature_r")))
                .filter(col("customer_id_l").notEqual(col("customer_id_r")))
                .select(
                        when(col("match_probability").geq(reviewThreshold), lit(NEAR_THRESHOLD))
                                .otherwise(lit(OTHER_CANDIDATES))
                                .as("stratum"),
                        least(col("record_key_l"), col("record_key_r")).as("record_key_l"),
                        greatest(col("record_key_l"), col("record_key_r")).as("record_key_r"));
        return sharing.unionByName(apart)
                .withColumn("draw", uniform(xxhash64(lit(seed), col("record_key_l"), col("record_key_r"))))
                .withColumn("order", uniform(xxhash64(lit(seed), col("record_key_r"), col("record_key_l"))));
    }

    private static Dataset<Row> side(Dataset<Row> records, String suffix) {
        return records.select(
                col("record_key").as("record_key" + suffix),
                col("customer_id").as("customer_id" + suffix),
                col("signature").as("signature" + suffix));
    }

    /** A 64-bit hash as a uniform number in [0, 1): its top 53 bits over 2^53. */
    private static Column uniform(Column hash) {
        return shiftrightunsigned(hash, 11).cast("double").divide(Math.pow(2, 53));
    }

    /**
     * The sample: in each stratum the {@code n_h} pairs with the smallest draws, found among the pairs whose
     * draw is below a rate a few times {@code n_h / N_h} (the same pairs a full sort would give, when at
     * least {@code n_h} pass), in presentation order.
     */
    private List<Row> draw(Dataset<Row> population, Map<String, Long> counts, Map<String, Integer> allocation) {
        List<Row> sample = new ArrayList<>();
        Map<String, Double> rates = new LinkedHashMap<>();
        allocation.forEach((stratum, n) -> {
            if (n > 0) {
                rates.put(stratum, rate(n, counts.get(stratum), OVERDRAW));
            }
        });
        double overdraw = OVERDRAW;
        while (!rates.isEmpty()) {
            Column kept = lit(false);
            for (Map.Entry<String, Double> e : rates.entrySet()) {
                kept = kept.or(
                        col("stratum").equalTo(e.getKey()).and(col("draw").lt(e.getValue())));
            }
            Map<String, List<Row>> found = new HashMap<>();
            for (Row row : population.filter(kept).collectAsList()) {
                found.computeIfAbsent(row.getAs("stratum"), k -> new ArrayList<>())
                        .add(row);
            }
            overdraw *= 4;
            Map<String, Double> again = new LinkedHashMap<>();
            for (String stratum : rates.keySet()) {
                int n = allocation.get(stratum);
                List<Row> rows = found.getOrDefault(stratum, List.of());
                if (rows.size() < n) {
                    again.put(stratum, rate(n, counts.get(stratum), overdraw));
                } else {
                    rows.stream()
                            .sorted(Comparator.comparingDouble((Row x) -> x.getAs("draw"))
                                    .thenComparing(x -> x.<String>getAs("record_key_l"))
                                    .thenComparing(x -> x.<String>getAs("record_key_r")))
                            .limit(n)
                            .forEach(sample::add);
                }
            }
            rates.clear();
            rates.putAll(again);
        }
        sample.sort(Comparator.comparingDouble((Row x) -> x.getAs("order"))
                .thenComparing(x -> x.<String>getAs("record_key_l"))
                .thenComparing(x -> x.<String>getAs("record_key_r")));
        return sample;
    }

    private static double rate(int n, long population, double overdraw) {
        return Math.min(1.0, (overdraw * n + 10) / population);
    }

    private AuditSummary store(
            long seed, String steward, Map<String, Long> counts, Map<String, Integer> allocation, List<Row> sample) {
        String auditId = "audit-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = now();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            Row s = sample.get(i);
            rows.add(itemRow(
                    auditId,
                    i + 1,
                    s.getAs("stratum"),
                    s.getAs("record_key_l"),
                    s.getAs("record_key_r"),
                    null,
                    steward,
                    now));
        }
        lake.append(
                AUDIT_ITEMS,
                lake.spark().createDataFrame(rows, AUDIT_ITEMS_SCHEMA).coalesce(1));
        List<Stratum> strata = new ArrayList<>();
        for (String name : PRECISION_STRATA) {
            stratum(name, Stratum.PRECISION, counts, allocation).ifPresent(strata::add);
        }
        for (String name : RECALL_STRATA) {
            stratum(name, Stratum.RECALL, counts, allocation).ifPresent(strata::add);
        }
        AuditSummary started = new AuditSummary(
                auditId,
                AuditSummary.OPEN,
                steward,
                now,
                Optional.empty(),
                sample.size(),
                seed,
                0,
                strata,
                Optional.empty(),
                Optional.empty());
        appendEvent(started, steward, now);
        return started;
    }

    private static Optional<Stratum> stratum(
            String name, String purpose, Map<String, Long> counts, Map<String, Integer> allocation) {
        long population = counts.getOrDefault(name, 0L);
        return population == 0
                ? Optional.empty()
                : Optional.of(new Stratum(name, purpose, population, allocation.getOrDefault(name, 0), 0, 0, 0));
    }

    /** Stores the audit as complete with its estimates. */
    private AuditSummary complete(AuditSummary open, String steward, Instant at) {
        AuditSummary complete = new AuditSummary(
                open.auditId(),
                AuditSummary.COMPLETE,
                open.startedBy(),
                open.startedAt(),
                Optional.of(at),
                open.size(),
                open.seed(),
                open.answered(),
                open.strata(),
                open.precision(),
                open.recall());
        appendEvent(complete, steward, at);
        return complete;
    }

    private void appendEvent(AuditSummary audit, String steward, Instant at) {
        List<Row> strata = audit.strata().stream()
                .map(s -> RowFactory.create(
                        s.name(), s.purpose(), s.population(), s.sampled(), s.matches(), s.nonMatches(), s.unsure()))
                .toList();
        Row row = RowFactory.create(
                audit.auditId(),
                audit.status(),
                steward,
                Timestamp.from(at),
                audit.size(),
                audit.seed(),
                reviewThreshold,
                audit.answered(),
                strata,
                audit.precision().map(Estimate::value).orElse(null),
                audit.precision().map(Estimate::low).orElse(null),
                audit.precision().map(Estimate::high).orElse(null),
                audit.precision().map(Estimate::effectiveSampleSize).orElse(null),
                audit.recall().map(Estimate::value).orElse(null),
                audit.recall().map(Estimate::low).orElse(null),
                audit.recall().map(Estimate::high).orElse(null),
                audit.recall().map(Estimate::effectiveSampleSize).orElse(null));
        lake.append(
                ACCURACY_AUDITS,
                lake.spark()
                        .createDataFrame(List.of(row), ACCURACY_AUDITS_SCHEMA)
                        .coalesce(1));
    }

    /**
     * Appends answers to an audit in one commit; when that commit directly follows the version the
     * audit's items were last read at, they are known without reading them again.
     */
    private void appendItems(String auditId, List<Row> rows) {
        lake.append(
                AUDIT_ITEMS,
                lake.spark().createDataFrame(rows, AUDIT_ITEMS_SCHEMA).coalesce(1));
        String key = key(AUDIT_ITEMS, "audit " + auditId);
        Read before = reads.get(key);
        if (before != null && lake.version(AUDIT_ITEMS) == before.version() + 1) {
            List<Row> now = new ArrayList<>(before.rows());
            now.addAll(rows);
            reads.put(key, new Read(before.version() + 1, now));
        }
    }

    private static String key(TableName table, String question) {
        return table + " " + question;
    }

    /** {@code question}'s rows of the table's current version, read again only when a commit came since. */
    private List<Row> read(TableName table, String question, Function<Dataset<Row>, List<Row>> query) {
        long version = lake.version(table);
        String key = key(table, question);
        Read read = reads.get(key);
        if (read == null || read.version() != version) {
            read = new Read(
                    version,
                    query.apply(lake.spark()
                            .read()
                            .format("delta")
                            .option("versionAsOf", version)
                            .load(lake.location(table))));
            reads.put(key, read);
        }
        return read.rows();
    }

    /** The started event of an audit and its completion, if any. */
    private record Events(Row started, Optional<Row> completed) {}

    private Optional<Events> events(String auditId) {
        if (auditId == null || !lake.exists(ACCURACY_AUDITS)) {
            return Optional.empty();
        }
        List<Row> rows = read(
                ACCURACY_AUDITS,
                "audit " + auditId,
                t -> t.filter(col("audit_id").equalTo(auditId)).collectAsList());
        Optional<Row> started = rows.stream()
                .filter(r -> r.<String>getAs("status").equals(AuditSummary.OPEN))
                .findFirst();
        Optional<Row> completed = rows.stream()
                .filter(r -> r.<String>getAs("status").equals(AuditSummary.COMPLETE))
                .min(Comparator.comparing(r -> r.<Timestamp>getAs("at")));
        return started.map(s -> new Events(s, completed));
    }

    /**
     * An audit from its events: a completed audit as stored; an open one from its design and the newest
     * answer of each item in {@code items}.
     */
    private AuditSummary summary(Row started, Optional<Row> completed, List<ItemRow> items) {
        Row source = completed.orElse(started);
        List<Stratum> strata = new ArrayList<>();
        for (Row s : source.<Row>getList(source.fieldIndex("strata"))) {
            strata.add(new Stratum(
                    s.getAs("name"),
                    s.getAs("purpose"),
                    s.<Long>getAs("population"),
                    s.<Integer>getAs("sampled"),
                    s.<Integer>getAs("matches"),
                    s.<Integer>getAs("non_matches"),
                    s.<Integer>getAs("unsure")));
        }
        int answered = source.getAs("answered");
        Optional<Estimate> precision = estimate(source, "precision");
        Optional<Estimate> recall = estimate(source, "recall");
        if (completed.isEmpty()) {
            strata = answered(strata, items);
            answered = (int) items.stream().filter(i -> i.answer.isPresent()).count();
            List<Stratum> forPrecision = of(strata, Stratum.PRECISION);
            precision = AuditEstimator.proportion(forPrecision);
            recall = AuditEstimator.recall(forPrecision, of(strata, Stratum.RECALL));
        }
        return new AuditSummary(
                started.getAs("audit_id"),
                completed.isPresent() ? AuditSummary.COMPLETE : AuditSummary.OPEN,
                started.getAs("steward"),
                started.<Timestamp>getAs("at").toInstant(),
                completed.map(c -> c.<Timestamp>getAs("at").toInstant()),
                started.<Integer>getAs("size"),
                started.<Long>getAs("seed"),
                answered,
                strata,
                precision,
                recall);
    }

    private static Optional<Estimate> estimate(Row row, String name) {
        return row.isNullAt(row.fieldIndex(name))
                ? Optional.empty()
                : Optional.of(new Estimate(
                        row.getAs(name),
                        row.getAs(name + "_low"),
                        row.getAs(name + "_high"),
                        row.getAs(name + "_effective_n")));
    }

    private static List<Stratum> answered(List<Stratum> strata, List<ItemRow> items) {
        List<Stratum> counted = new ArrayList<>();
        for (Stratum s : strata) {
            int matches = 0;
            int nonMatches = 0;
            int unsure = 0;
            for (ItemRow i : items) {
                if (i.stratum.equals(s.name()) && i.answer.isPresent()) {
                    switch (i.answer.get()) {
                        case MATCH -> matches++;
                        case NON_MATCH -> nonMatches++;
                        default -> unsure++;
                    }
                }
            }
            counted.add(s.answered(matches, nonMatches, unsure));
        }
        return counted;
    }

    private static List<Stratum> of(List<Stratum> strata, String purpose) {
        return strata.stream().filter(s -> s.purpose().equals(purpose)).toList();
    }

    /** An item with its newest answer. */
    private record ItemRow(int item, String stratum, String left, String right, Optional<String> answer) {
        ItemRow answered(String answer) {
            return new ItemRow(item, stratum, left, right, Optional.of(answer));
        }
    }

    private List<ItemRow> itemRows(String auditId) {
        if (auditId == null || !lake.exists(AUDIT_ITEMS)) {
            throw unknown(auditId);
        }
        List<Row> rows = read(
                AUDIT_ITEMS,
                "audit " + auditId,
                t -> t.filter(col("audit_id").equalTo(auditId)).collectAsList());
        if (rows.isEmpty()) {
            throw unknown(auditId);
        }
        Map<Integer, Row> drawn = new TreeMap<>();
        Map<Integer, Row> newest = new HashMap<>();
        for (Row row : rows) {
            int item = row.getAs("item");
            if (row.isNullAt(row.fieldIndex("answer"))) {
                drawn.put(item, row);
            } else {
                newest.merge(
                        item, row, (a, b) -> b.<Timestamp>getAs("answered_at").after(a.getAs("answered_at")) ? b : a);
            }
        }
        List<ItemRow> items = new ArrayList<>();
        drawn.forEach((item, row) -> items.add(new ItemRow(
                item,
                row.getAs("stratum"),
                row.getAs("record_key_l"),
                row.getAs("record_key_r"),
                Optional.ofNullable(newest.get(item)).map(a -> a.<String>getAs("answer")))));
        return items;
    }

    private static Row itemRow(
            String auditId,
            int item,
            String stratum,
            String left,
            String right,
            String answer,
            String steward,
            Instant at) {
        // With its schema: the rows an answer appends join those read back from the table (appendItems).
        return new GenericRowWithSchema(
                new Object[] {auditId, item, stratum, left, right, answer, steward, Timestamp.from(at)},
                AUDIT_ITEMS_SCHEMA);
    }

    private static C360Exception unknown(String auditId) {
        return new C360Exception(
                "no audit '" + auditId + "' in " + ACCURACY_AUDITS + "; `c360 audit status` shows the latest");
    }

    private static String stewardName(String steward) {
        if (steward == null || steward.isBlank()) {
            throw new C360Exception("steward: expected the name of the person answering, got none");
        }
        return steward.strip();
    }

    private static long[] populations(List<String> names, Map<String, Long> counts) {
        return names.stream().mapToLong(n -> counts.getOrDefault(n, 0L)).toArray();
    }

    private static void allocate(List<String> names, long[] populations, int size, Map<String, Integer> into) {
        int[] n = AuditEstimator.allocate(populations, size);
        for (int h = 0; h < names.size(); h++) {
            into.put(names.get(h), n[h]);
        }
    }

    private static long sum(long[] values) {
        return Arrays.stream(values).sum();
    }

    private static int nonEmpty(long[] values) {
        return (int) Arrays.stream(values).filter(v -> v > 0).count();
    }
}
