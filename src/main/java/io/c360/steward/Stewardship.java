package io.c360.steward;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.silver.Explanation;
import io.c360.silver.FellegiSunter;
import io.c360.silver.IdentityRecords;
import io.c360.silver.ModelStore;
import io.c360.silver.SilverConfig;
import io.c360.standardize.Identifiers;
import io.c360.standardize.Standardize;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a data steward does on the lake: work through the pairs silver could not decide, look a customer
 * up with all its records and why they were joined, and correct it (a decision on a pair, a split, a
 * merge, a revocation). Corrections are appended to {@code silver.steward_decisions} at once and applied
 * by the next silver run; nothing here rewrites a customer.
 *
 * <p>The silver tables it reads are cached and read again when silver has written them since.
 */
public final class Stewardship {
    /** Columns of an identity record that are bookkeeping, not what a steward compares. */
    private static final Set<String> BOOKKEEPING = Set.of(
            IdentityRecords.RECORD_KEY,
            IdentityRecords.SIGNATURE,
            "source",
            "source_system",
            "record_id",
            "record_time",
            "given_name_variants",
            IdentityRecords.OWNED_BY);

    /** A customer id as silver issues it ({@code StableIds}): "C" and 16 hex digits. */
    private static final Pattern CUSTOMER_ID = Pattern.compile("C[0-9a-f]{16}");

    /** More pairs than this in one split means the request is not a correction a person reviewed. */
    static final int MAX_PAIRS_PER_CHANGE = 10_000;

    /** A pair waiting for a steward, and what deciding it would touch. */
    public record ReviewPair(
            String recordKeyL,
            String recordKeyR,
            double probability,
            double matchWeight,
            String customerL,
            String customerR,
            long customerRecordsL,
            long customerRecordsR,
            double priority) {}

    /** One source record as the steward sees it: where it comes from and its standardized attributes. */
    public record RecordView(
            String recordKey,
            String source,
            String sourceSystem,
            String recordId,
            Optional<String> customerId,
            Optional<Instant> recordTime,
            Map<String, String> attributes) {}

    /**
     * Two records side by side with the model's evidence when silver compared them (absent for identical
     * records and for pairs blocking never proposed), and the steward decision standing on them.
     */
    public record PairView(
            RecordView left,
            RecordView right,
            boolean identical,
            Optional<Explanation.Result> evidence,
            Optional<String> stewardDecision) {}

    /** A customer a search found, with enough to tell it from the others. */
    public record CustomerHit(
            String customerId,
            String name,
            Optional<String> email,
            Optional<String> city,
            long records,
            List<String> sources,
            String matchedOn) {}

    /** One golden field, its value and the record it survived from. */
    public record GoldenField(String field, String value, Optional<String> sourceSystem, Optional<String> recordKey) {}

    /** A scored pair that joined two identities of the customer. */
    public record Link(String recordKeyL, String recordKeyR, String decision, double probability, double matchWeight) {}

    /** A row of the customer's id history. */
    public record IdChange(String oldId, String newId, String reason, String runId) {}

    /** A consent the customer holds for a purpose and channel. */
    public record ConsentState(
            String purpose, String channel, String status, Optional<Instant> decidedAt, Optional<String> system) {}

    /** Everything the customer screen shows. */
    public record CustomerView(
            String customerId,
            Optional<String> redirectedFrom,
            List<GoldenField> golden,
            List<RecordView> records,
            List<Link> links,
            List<IdChange> history,
            List<ConsentState> consent,
            List<String> segments,
            List<Decisions.Change> changes) {}

    private final Lake lake;
    private final SilverConfig silver;
    private final Identifiers identifiers;
    private final Decisions decisions;
    private Snapshot snapshot;

    public Stewardship(Lake lake, C360Config config) {
        this.lake = lake;
        this.silver = SilverConfig.of(config);
        this.identifiers = Identifiers.forConfig(config);
        this.decisions = new Decisions(lake);
    }

    /**
     * Reads and caches what the screens need of the current silver run, so that the first page a
     * steward opens does not wait for it.
     */
    public void prepare() {
        snapshot();
    }

    /**
     * What the screens read of the lake as it is, cached: the silver tables of one silver run, the review
     * queue ranked, and the gold tables a customer shows. Read again when any of them has a new version.
     */
    private record Snapshot(
            List<Long> versions,
            Dataset<Row> records,
            Dataset<Row> members,
            Dataset<Row> golden,
            Optional<Dataset<Row>> links,
            Optional<Dataset<Row>> redirects,
            Optional<Dataset<Row>> consent,
            Optional<Dataset<Row>> segments,
            List<ReviewPair> queue,
            Map<List<String>, Row> reviewed,
            Optional<FellegiSunter.Parameters> parameters) {
        void release() {
            for (Dataset<Row> d : List.of(records, members, golden)) {
                d.unpersist();
            }
            for (Optional<Dataset<Row>> d : List.of(links, redirects, consent, segments)) {
                d.ifPresent(Dataset::unpersist);
            }
        }
    }

    private static final List<TableName> READ = List.of(
            TableCatalog.CUSTOMER_ID_MAP,
            TableCatalog.GOLDEN_RECORDS,
            TableName.gold("consent"),
            TableCatalog.SEGMENT_MEMBERSHIP);

    private synchronized Snapshot snapshot() {
        if (!lake.exists(TableCatalog.IDENTITY_RECORDS) || !lake.exists(TableCatalog.CUSTOMER_ID_MAP)) {
            throw new Refused(
                    Refused.Why.not_found,
                    "the lake has no silver tables yet under " + lake.root() + "; run: c360 run");
        }
        List<Long> versions =
                READ.stream().map(t -> lake.exists(t) ? lake.version(t) : -1L).toList();
        if (snapshot == null || !snapshot.versions().equals(versions)) {
            if (snapshot != null) {
                snapshot.release();
            }
            Dataset<Row> records = lake.read(TableCatalog.IDENTITY_RECORDS).cache();
            Dataset<Row> members = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                    .join(records.select(IdentityRecords.RECORD_KEY, IdentityRecords.SIGNATURE), "record_key")
                    .select("customer_id", "record_key", IdentityRecords.SIGNATURE)
                    .cache();
            Optional<Dataset<Row>> links = cached(TableCatalog.SCORED_PAIRS)
                    .map(pairs -> pairs.filter(col("decision").startsWith("linked"))
                            .select("l_id", "r_id", "decision", "match_probability", "match_weight")
                            .cache());
            ModelStore store =
                    new ModelStore(lake.root(), lake.spark().sparkContext().hadoopConfiguration());
            List<Map.Entry<ReviewPair, Row>> queue = cached(TableCatalog.MATCH_REVIEW)
                    .map(review -> ranked(review, members))
                    .orElse(List.of());
            snapshot = new Snapshot(
                    versions,
                    records,
                    members,
                    lake.read(TableCatalog.GOLDEN_RECORDS).cache(),
                    links,
                    cached(TableCatalog.REDIRECTS).map(Dataset::cache),
                    cached(TableName.gold("consent")).map(Dataset::cache),
                    cached(TableCatalog.SEGMENT_MEMBERSHIP)
                            .map(m -> m.select("customer_id", "segment")
                                    .distinct()
                                    .cache()),
                    queue.stream().map(Map.Entry::getKey).toList(),
                    queue.stream()
                            .collect(Collectors.toMap(
                                    e -> List.of(
                                            e.getKey().recordKeyL(), e.getKey().recordKeyR()),
                                    Map.Entry::getValue)),
                    store.latest(ModelStore.fingerprint(silver.matching())).map(ModelStore.Artefact::parameters));
        }
        return snapshot;
    }

    private Optional<Dataset<Row>> cached(TableName table) {
        return lake.exists(table) ? Optional.of(lake.read(table)) : Optional.empty();
    }

    /** The decisions stewards made, newest first. */
    public List<Decisions.Change> changes(int limit) {
        return decisions.changes(limit);
    }

    /**
     * The pairs silver left for review that no steward has decided since, most consequential first:
     * uncertainty (1 at probability ½, 0 at certainty) times log₂ of the records whose customer the
     * decision can change, so a coin-flip between two large customers comes before one between two
     * single records.
     */
    public synchronized List<ReviewPair> queue(int limit) {
        Snapshot s = snapshot();
        Map<List<String>, String> decided = decisions.standingByPair();
        return s.queue().stream()
                .filter(p -> !decided.containsKey(ordered(p.recordKeyL(), p.recordKeyR())))
                .limit(limit)
                .toList();
    }

    private static List<String> ordered(String a, String b) {
        return a.compareTo(b) <= 0 ? List.of(a, b) : List.of(b, a);
    }

    /** Every pair of {@code silver.match_review} in the queue's order: computed once per silver run. */
    /**
     * Every pair of {@code silver.match_review} in the queue's order, with its row (the evidence a pair
     * of the queue shows without another read): computed once per silver run.
     */
    private static List<Map.Entry<ReviewPair, Row>> ranked(Dataset<Row> review, Dataset<Row> customers) {
        Dataset<Row> sizes = customers.groupBy("customer_id").agg(count(lit(1)).as("size"));
        Dataset<Row> placed =
                customers.join(sizes, "customer_id").select(col("record_key"), col("customer_id"), col("size"));
        Dataset<Row> pairs = review.select(
                        element_at(col("records_l"), 1).as("key_l"),
                        element_at(col("records_r"), 1).as("key_r"),
                        col("match_probability"),
                        col("match_weight"),
                        struct(col("*")).as("evidence"))
                .join(placed.toDF("key_l", "customer_l", "size_l"), "key_l")
                .join(placed.toDF("key_r", "customer_r", "size_r"), "key_r");
        Column affected = when(col("customer_l").equalTo(col("customer_r")), col("size_l"))
                .otherwise(col("size_l").plus(col("size_r")));
        Column uncertainty =
                lit(1).minus(abs(col("match_probability").multiply(2).minus(1)));
        return pairs
                .withColumn("priority", uncertainty.multiply(log(2, affected.plus(1))))
                .orderBy(col("priority").desc(), col("key_l"), col("key_r"))
                .collectAsList()
                .stream()
                .map(r -> Map.entry(
                        new ReviewPair(
                                r.getAs("key_l"),
                                r.getAs("key_r"),
                                r.getAs("match_probability"),
                                r.getAs("match_weight"),
                                r.getAs("customer_l"),
                                r.getAs("customer_r"),
                                r.getAs("size_l"),
                                r.getAs("size_r"),
                                r.getAs("priority")),
                        r.<Row>getAs("evidence")))
                .toList();
    }

    /** Two records side by side, with the model's evidence when silver scored them. */
    public synchronized PairView pair(String recordKeyL, String recordKeyR) {
        Snapshot s = snapshot();
        Map<String, Row> found = records(s, List.of(recordKeyL, recordKeyR));
        String signatureL = found.get(recordKeyL).getAs(IdentityRecords.SIGNATURE);
        String signatureR = found.get(recordKeyR).getAs(IdentityRecords.SIGNATURE);
        Map<String, String> customers = customerOf(s, List.of(recordKeyL, recordKeyR));
        boolean identical = signatureL.equals(signatureR);
        Optional<Explanation.Result> evidence = identical || s.parameters().isEmpty()
                ? Optional.empty()
                : Optional.ofNullable(s.reviewed().get(List.of(recordKeyL, recordKeyR)))
                        .or(() -> scored(signatureL, signatureR))
                        .map(row -> Explanation.of(
                                row,
                                recordKeyL,
                                recordKeyR,
                                silver.matching(),
                                s.parameters().get()));
        Optional<String> standing =
                Optional.ofNullable(decisions.standingByPair().get(ordered(recordKeyL, recordKeyR)));
        return new PairView(
                view(found.get(recordKeyL), customers),
                view(found.get(recordKeyR), customers),
                identical,
                evidence,
                standing);
    }

    /** Records the pair: match or non_match; applied by the next silver run. */
    public synchronized Decisions.Change decide(
            String recordKeyL, String recordKeyR, String decision, String steward, Optional<String> comment) {
        String who = steward(steward);
        if (!Decisions.MATCH.equals(decision) && !Decisions.NON_MATCH.equals(decision)) {
            throw new Refused(Refused.Why.invalid, "decision: expected match or non_match but was '" + decision + "'");
        }
        if (recordKeyL == null || recordKeyL.equals(recordKeyR)) {
            throw new Refused(Refused.Why.invalid, "a decision needs two different records");
        }
        Snapshot s = snapshot();
        Map<String, Row> found = records(s, List.of(recordKeyL, recordKeyR));
        if (Decisions.NON_MATCH.equals(decision)
                && found.get(recordKeyL)
                        .getAs(IdentityRecords.SIGNATURE)
                        .equals(found.get(recordKeyR).getAs(IdentityRecords.SIGNATURE))) {
            throw new Refused(
                    Refused.Why.conflict,
                    recordKeyL + " and " + recordKeyR
                            + " have the same standardized attributes: silver treats them as one identity and cannot keep them apart");
        }
        return decisions.append(
                Decisions.Action.review,
                List.of(new Decisions.Pair(recordKeyL, recordKeyR, decision)),
                who,
                comment.filter(c -> !c.isBlank()));
    }

    /** Revokes what still stands of an earlier change; the pairs go back to the model at the next silver run. */
    public synchronized Decisions.Change revoke(String changeId, String steward, Optional<String> reason) {
        return decisions.revoke(changeId, steward(steward), reason.filter(r -> !r.isBlank()));
    }

    /**
     * Splits records off a customer: each of them is a non-match with each of the customer's other
     * records, and a match with the first of them, so that the next silver run makes them one customer
     * of their own, apart from the rest. Records with the same standardized attributes are one identity
     * to silver: a split must take all of them or none.
     */
    public synchronized Decisions.Change split(
            String customerId, List<String> recordKeys, String steward, String reason) {
        String who = steward(steward);
        String why = reason(reason);
        Snapshot s = snapshot();
        if (recordKeys == null || recordKeys.isEmpty()) {
            throw new Refused(Refused.Why.invalid, "a split names at least one record of the customer");
        }
        Map<String, String> members = signaturesOf(s, current(s, customerId));
        Set<String> off = new LinkedHashSet<>(recordKeys);
        for (String key : off) {
            if (!members.containsKey(key)) {
                throw new Refused(Refused.Why.not_found, "record " + key + " is not one of customer " + customerId);
            }
        }
        if (off.size() == members.size()) {
            throw new Refused(
                    Refused.Why.conflict,
                    "a split must leave at least one record with customer " + customerId
                            + "; to separate every record, split them off one group at a time");
        }
        Map<String, String> offBySignature = new TreeMap<>();
        Map<String, String> restBySignature = new TreeMap<>();
        members.forEach((key, signature) -> {
            Map<String, String> side = off.contains(key) ? offBySignature : restBySignature;
            side.merge(signature, key, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        });
        for (String signature : offBySignature.keySet()) {
            if (restBySignature.containsKey(signature)) {
                throw new Refused(
                        Refused.Why.conflict,
                        "record " + offBySignature.get(signature) + " has the same standardized attributes as "
                                + restBySignature.get(signature)
                                + ", which stays: silver treats them as one identity; split both or neither");
            }
        }
        List<Decisions.Pair> pairs = new ArrayList<>();
        List<String> offKeys = new ArrayList<>(offBySignature.values());
        for (String key : offKeys) {
            for (String other : restBySignature.values()) {
                pairs.add(new Decisions.Pair(key, other, Decisions.NON_MATCH));
            }
        }
        for (String key : offKeys.subList(1, offKeys.size())) {
            pairs.add(new Decisions.Pair(offKeys.get(0), key, Decisions.MATCH));
        }
        if (pairs.size() > MAX_PAIRS_PER_CHANGE) {
            throw new Refused(
                    Refused.Why.invalid,
                    "this split would record " + pairs.size() + " decisions (at most " + MAX_PAIRS_PER_CHANGE
                            + "): split smaller groups");
        }
        return decisions.append(Decisions.Action.split, pairs, who, Optional.of(why));
    }

    /**
     * Merges two customers: a match between the first record of each, so the next silver run joins
     * them unless a cannot-link veto or a steward's non-match between their records keeps them apart.
     */
    public synchronized Decisions.Change merge(String customerA, String customerB, String steward, String reason) {
        String who = steward(steward);
        String why = reason(reason);
        Snapshot s = snapshot();
        String a = current(s, customerA);
        String b = current(s, customerB);
        if (a.equals(b)) {
            throw new Refused(Refused.Why.conflict, customerA + " and " + customerB + " are one customer already");
        }
        String keyA = first(signaturesOf(s, a).keySet());
        String keyB = first(signaturesOf(s, b).keySet());
        return decisions.append(
                Decisions.Action.merge,
                List.of(new Decisions.Pair(keyA, keyB, Decisions.MATCH)),
                who,
                Optional.of(why));
    }

    /**
     * Customers by customer id (an old one is followed to where its records are now), record key or
     * source record id, e-mail, phone, or name (every word a given name or surname, in any order).
     */
    public synchronized List<CustomerHit> search(String query, int limit) {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty() || q.length() > 200) {
            throw new Refused(
                    Refused.Why.invalid,
                    "search: expected a name, e-mail, phone, record id or customer id (1 to 200 characters)");
        }
        Snapshot s = snapshot();
        Dataset<Row> records = s.records();
        Column match;
        String matchedOn;
        if (CUSTOMER_ID.matcher(q).matches()) {
            Set<String> ids = new LinkedHashSet<>();
            followed(s, q).ifPresent(ids::add);
            return hits(s, s.members().filter(col("customer_id").isin(ids.toArray())), "customer id", limit);
        } else if (q.contains("@")) {
            Optional<String> email = identifiers.email(lake.spark(), q);
            match = email.map(e -> col("email").equalTo(lit(e))).orElse(lit(false));
            matchedOn = "e-mail";
        } else if (q.matches(Identifiers.PHONE_IN_TEXT)
                && q.replaceAll("[^0-9]", "").length() >= 6) {
            Optional<String> phone = identifiers.phone(lake.spark(), q);
            match = phone.map(p -> col("phone").equalTo(lit(p)))
                    .orElse(lit(false))
                    .or(col("record_id").equalTo(lit(q)));
            matchedOn = "phone";
        } else {
            List<String> words = Arrays.stream(q.split("\\s+"))
                    .map(w -> lake.spark()
                            .range(1)
                            .select(Standardize.name(lit(w)))
                            .head()
                            .getString(0))
                    .filter(w -> w != null)
                    .toList();
            Column names = lit(!words.isEmpty());
            for (String w : words) {
                names = names.and(col("given_name").equalTo(w).or(col("surname").equalTo(w)));
            }
            Column ids = col(IdentityRecords.RECORD_KEY)
                    .equalTo(q)
                    .or(col("record_id").equalTo(q));
            List<Row> byId = records.filter(ids).limit(1).collectAsList();
            match = byId.isEmpty() ? names : ids;
            matchedOn = byId.isEmpty() ? "name" : "record id";
        }
        Dataset<Row> found = s.members()
                .join(
                        records.filter(match).select(IdentityRecords.RECORD_KEY),
                        IdentityRecords.RECORD_KEY,
                        "left_semi");
        return hits(s, found, matchedOn, limit);
    }

    /** A customer with its records, how they were joined, its history, consent and segments. */
    public synchronized CustomerView customer(String customerId) {
        Snapshot s = snapshot();
        String id = followed(s, customerId)
                .orElseThrow(() -> new Refused(Refused.Why.not_found, "no customer " + customerId));
        Map<String, String> members = signaturesOf(s, id);
        List<Row> rows = s.records()
                .filter(col(IdentityRecords.RECORD_KEY).isin(members.keySet().toArray()))
                .orderBy(IdentityRecords.RECORD_KEY)
                .collectAsList();
        Map<String, String> placed = new TreeMap<>();
        members.keySet().forEach(k -> placed.put(k, id));
        List<RecordView> records = rows.stream().map(r -> view(r, placed)).toList();
        return new CustomerView(
                id,
                id.equals(customerId) ? Optional.empty() : Optional.of(customerId),
                golden(s, id),
                records,
                links(s, members),
                history(s, id, customerId),
                consent(s, id),
                segments(s, id),
                decisions.changes(Integer.MAX_VALUE).stream()
                        .filter(c -> c.pairs().stream()
                                .anyMatch(p ->
                                        members.containsKey(p.recordKeyL()) || members.containsKey(p.recordKeyR())))
                        .limit(20)
                        .toList());
    }

    private List<CustomerHit> hits(Snapshot s, Dataset<Row> customerRecords, String matchedOn, int limit) {
        List<String> ids =
                customerRecords
                        .select("customer_id")
                        .distinct()
                        .orderBy("customer_id")
                        .limit(limit)
                        .collectAsList()
                        .stream()
                        .map(r -> r.getString(0))
                        .toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        Dataset<Row> golden = s.golden().filter(col("customer_id").isin(ids.toArray()));
        List<CustomerHit> hits = new ArrayList<>();
        for (Row g : golden.orderBy("customer_id").collectAsList()) {
            hits.add(new CustomerHit(
                    g.getAs("customer_id"),
                    String.join(" ", nonNull(g.getAs("given_name"), g.getAs("surname"))),
                    Optional.ofNullable(g.getAs("email")),
                    Optional.ofNullable(g.getAs("city")),
                    g.<Long>getAs("record_count"),
                    g.getList(g.fieldIndex("source_systems")),
                    matchedOn));
        }
        return hits;
    }

    private static List<String> nonNull(String... values) {
        return Arrays.stream(values).filter(v -> v != null).toList();
    }

    private static List<GoldenField> golden(Snapshot s, String id) {
        List<Row> rows = s.golden().filter(col("customer_id").equalTo(id)).collectAsList();
        if (rows.isEmpty()) {
            return List.of();
        }
        Row g = rows.get(0);
        Map<String, Row> lineage = g.getJavaMap(g.fieldIndex("lineage"));
        List<GoldenField> fields = new ArrayList<>();
        for (String f : g.schema().fieldNames()) {
            if (f.equals("customer_id") || f.equals("lineage") || g.isNullAt(g.fieldIndex(f))) {
                continue;
            }
            Optional<Row> from = Optional.ofNullable(lineage.get(f));
            fields.add(new GoldenField(
                    f,
                    shown(g, g.fieldIndex(f)),
                    from.map(l -> l.getAs("source_system")),
                    from.map(l -> l.getAs(IdentityRecords.RECORD_KEY))));
        }
        return fields;
    }

    /** The scored pairs among the customer's identities that silver linked or a steward matched. */
    private static List<Link> links(Snapshot s, Map<String, String> members) {
        if (s.links().isEmpty()) {
            return List.of();
        }
        Map<String, String> keyOf = new TreeMap<>();
        members.forEach((key, signature) -> keyOf.merge(signature, key, (x, y) -> x.compareTo(y) <= 0 ? x : y));
        Object[] signatures = keyOf.keySet().toArray();
        return s
                .links()
                .get()
                .filter(col("l_id").isin(signatures).and(col("r_id").isin(signatures)))
                .orderBy(col("match_probability").desc())
                .limit(200)
                .collectAsList()
                .stream()
                .map(r -> new Link(
                        keyOf.get(r.<String>getAs("l_id")),
                        keyOf.get(r.<String>getAs("r_id")),
                        r.getAs("decision"),
                        r.getAs("match_probability"),
                        r.getAs("match_weight")))
                .toList();
    }

    private static List<IdChange> history(Snapshot s, String id, String asked) {
        return s.redirects()
                .map(redirects -> redirects
                        .filter(col("old_id").isin(id, asked).or(col("new_id").isin(id, asked)))
                        .orderBy(col("run_id").desc())
                        .limit(100)
                        .collectAsList()
                        .stream()
                        .map(r -> new IdChange(
                                r.getAs("old_id"), r.getAs("new_id"), r.getAs("reason"), r.getAs("run_id")))
                        .toList())
                .orElse(List.of());
    }

    private static List<ConsentState> consent(Snapshot s, String id) {
        return s.consent()
                .map(consent ->
                        consent
                                .filter(col("customer_id").equalTo(id))
                                .orderBy("purpose", "channel")
                                .collectAsList()
                                .stream()
                                .map(r -> new ConsentState(
                                        r.getAs("purpose"),
                                        r.getAs("channel"),
                                        r.getAs("status"),
                                        Optional.ofNullable(r.<Timestamp>getAs("decided_at"))
                                                .map(Timestamp::toInstant),
                                        Optional.ofNullable(r.<String>getAs("decided_by_system"))))
                                .toList())
                .orElse(List.of());
    }

    private static List<String> segments(Snapshot s, String id) {
        return s.segments()
                .map(segments ->
                        segments.filter(col("customer_id").equalTo(id)).orderBy("segment").collectAsList().stream()
                                .map(r -> r.<String>getAs("segment"))
                                .toList())
                .orElse(List.of());
    }

    /** The customer's records and their signatures, or not found when the id is not a current customer. */
    private static Map<String, String> signaturesOf(Snapshot s, String customerId) {
        Map<String, String> members = new TreeMap<>();
        s.members()
                .filter(col("customer_id").equalTo(customerId))
                .collectAsList()
                .forEach(r -> members.put(r.getAs("record_key"), r.getAs(IdentityRecords.SIGNATURE)));
        if (members.isEmpty()) {
            throw new Refused(Refused.Why.not_found, "no customer " + customerId);
        }
        return members;
    }

    /** A current customer id; an old one is refused with where its records went, so a change is never made blind. */
    private String current(Snapshot s, String customerId) {
        if (customerId == null || customerId.isBlank()) {
            throw new Refused(Refused.Why.invalid, "customer id: expected one, e.g. C0123456789abcdef");
        }
        if (!s.members().filter(col("customer_id").equalTo(customerId)).isEmpty()) {
            return customerId;
        }
        Optional<String> now = followed(s, customerId);
        throw new Refused(
                Refused.Why.not_found,
                now.map(n -> "customer " + customerId + " is now " + n + "; open it and decide there")
                        .orElse("no customer " + customerId));
    }

    /**
     * The current customer an id stands for: itself, or, through the redirects, the customer that kept
     * most of its records when it was merged or split (a few hops at most).
     */
    private Optional<String> followed(Snapshot s, String customerId) {
        String id = customerId;
        for (int hop = 0; hop < 20; hop++) {
            if (!s.members().filter(col("customer_id").equalTo(id)).isEmpty()) {
                return Optional.of(id);
            }
            if (s.redirects().isEmpty()) {
                return Optional.empty();
            }
            List<Row> next = s.redirects()
                    .get()
                    .filter(col("old_id").equalTo(id))
                    .orderBy(
                            col("run_id").desc(), col("reason").equalTo("merge").desc(), col("new_id"))
                    .limit(1)
                    .collectAsList();
            if (next.isEmpty()) {
                return Optional.empty();
            }
            id = next.get(0).getAs("new_id");
        }
        return Optional.empty();
    }

    private static Map<String, Row> records(Snapshot s, List<String> keys) {
        for (String key : keys) {
            if (key == null || key.isBlank()) {
                throw new Refused(Refused.Why.invalid, "record key: expected source:record_id");
            }
        }
        Map<String, Row> found = new LinkedHashMap<>();
        s.records()
                .filter(col(IdentityRecords.RECORD_KEY).isin(keys.toArray()))
                .collectAsList()
                .forEach(r -> found.put(r.getAs(IdentityRecords.RECORD_KEY), r));
        for (String key : keys) {
            if (!found.containsKey(key)) {
                throw new Refused(
                        Refused.Why.not_found,
                        "record " + key + " is not in silver.identity_records (it no longer exists, or it is "
                                + "not a record key: expected source:record_id)");
            }
        }
        return found;
    }

    private static Map<String, String> customerOf(Snapshot s, List<String> keys) {
        Map<String, String> out = new TreeMap<>();
        s.members()
                .filter(col("record_key").isin(keys.toArray()))
                .collectAsList()
                .forEach(r -> out.put(r.getAs("record_key"), r.getAs("customer_id")));
        return out;
    }

    /** The stored scored pair of two identities (stored with the smaller signature on the left). */
    private Optional<Row> scored(String signatureL, String signatureR) {
        String l = signatureL.compareTo(signatureR) <= 0 ? signatureL : signatureR;
        String r = l.equals(signatureL) ? signatureR : signatureL;
        if (!lake.exists(TableCatalog.SCORED_PAIRS)) {
            return Optional.empty();
        }
        return lake
                .read(TableCatalog.SCORED_PAIRS)
                .filter(col("l_id").equalTo(l).and(col("r_id").equalTo(r)))
                .limit(1)
                .collectAsList()
                .stream()
                .findFirst();
    }

    private static RecordView view(Row r, Map<String, String> customers) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String f : r.schema().fieldNames()) {
            if (!BOOKKEEPING.contains(f) && !r.isNullAt(r.fieldIndex(f))) {
                attributes.put(f, shown(r, r.fieldIndex(f)));
            }
        }
        String key = r.getAs(IdentityRecords.RECORD_KEY);
        return new RecordView(
                key,
                r.getAs("source"),
                r.getAs("source_system"),
                r.getAs("record_id"),
                Optional.ofNullable(customers.get(key)),
                Optional.ofNullable(r.<Timestamp>getAs("record_time")).map(Timestamp::toInstant),
                attributes);
    }

    /** A value as a steward reads it: a list as its items, not as Scala prints it. */
    private static String shown(Row r, int i) {
        return r.get(i) instanceof scala.collection.Seq<?>
                ? r.getList(i).stream().map(String::valueOf).collect(Collectors.joining(", "))
                : String.valueOf(r.get(i));
    }

    private static String first(Set<String> keys) {
        return keys.iterator().next();
    }

    private static String steward(String steward) {
        if (steward == null || steward.isBlank()) {
            throw new Refused(Refused.Why.invalid, "steward: every decision records who made it; expected a name");
        }
        return steward.strip();
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new Refused(Refused.Why.invalid, "reason: a split or merge records why; expected a few words");
        }
        return reason.strip();
    }
}
