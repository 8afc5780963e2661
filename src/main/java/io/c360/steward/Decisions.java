package io.c360.steward;

import static org.apache.spark.sql.functions.col;

import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.silver.Resolver;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The stewards' decisions in {@code silver.steward_decisions}: every action is one Delta append of one
 * or more pairs of records sharing a change id, never an update, so the table is its own history. The
 * next silver run obeys the newest decision on each pair; a revocation leaves the pair to the model.
 */
public final class Decisions {
    public static final String MATCH = "match";
    public static final String NON_MATCH = "non_match";
    public static final String REVOKED = "revoked";

    /** How a decision was made. */
    public enum Action {
        review,
        split,
        merge,
        revoke,
        import_;

        /** The name stored in the table ({@code import} is a Java keyword). */
        public String stored() {
            return this == import_ ? "import" : name();
        }
    }

    /** One pair of records and what a steward said of it. */
    public record Pair(String recordKeyL, String recordKeyR, String decision) {}

    /**
     * One action: its id, what it did, who and when, the reason given, its pairs and whether any of them
     * still stands (not revoked or decided again since).
     */
    public record Change(
            String changeId,
            String action,
            String steward,
            Instant decidedAt,
            Optional<String> comment,
            List<Pair> pairs,
            boolean standing) {}

    private final Lake lake;
    private Map<List<String>, String> standing = Map.of();
    private long standingVersion = -1;
    private List<Change> changes = List.of();
    private long changesVersion = -1;

    public Decisions(Lake lake) {
        this.lake = lake;
    }

    /** Appends one action's pairs in one commit and returns it. */
    Change append(Action action, List<Pair> pairs, String steward, Optional<String> comment) {
        if (pairs.isEmpty()) {
            throw new Refused(
                    Refused.Why.invalid, "nothing to decide: the " + action.stored() + " names no pair of records");
        }
        String changeId = UUID.randomUUID().toString();
        Instant at = Instant.now();
        List<Row> rows = new ArrayList<>();
        for (Pair p : pairs) {
            rows.add(RowFactory.create(
                    p.recordKeyL(),
                    p.recordKeyR(),
                    p.decision(),
                    steward,
                    Timestamp.from(at),
                    comment.orElse(null),
                    action.stored(),
                    changeId));
        }
        // A lake made before decisions carried a comment, an action and a change id gains those columns.
        lake.append(
                TableCatalog.STEWARD_DECISIONS,
                lake.spark().createDataFrame(rows, TableCatalog.STEWARD_DECISIONS_SCHEMA),
                true);
        return new Change(changeId, action.stored(), steward, at, comment, List.copyOf(pairs), true);
    }

    /** Revokes what still stands of a change; the revocation is itself a change. */
    Change revoke(String changeId, String steward, Optional<String> reason) {
        Change change = changes(Integer.MAX_VALUE).stream()
                .filter(c -> c.changeId().equals(changeId))
                .findFirst()
                .orElseThrow(() -> new Refused(Refused.Why.not_found, "no steward change " + changeId));
        List<Pair> standing = standingOf(changeId);
        if (standing.isEmpty() || change.action().equals(Action.revoke.stored())) {
            throw new Refused(
                    Refused.Why.conflict,
                    "change " + changeId
                            + " has nothing left to revoke: every pair of it was revoked or decided again since");
        }
        List<Pair> revocations = standing.stream()
                .map(p -> new Pair(p.recordKeyL(), p.recordKeyR(), REVOKED))
                .toList();
        return append(Action.revoke, revocations, steward, reason);
    }

    /** The newest changes first (read again only when the table has a new version). */
    public synchronized List<Change> changes(int limit) {
        if (!lake.exists(TableCatalog.STEWARD_DECISIONS)) {
            return List.of();
        }
        long version = lake.version(TableCatalog.STEWARD_DECISIONS);
        if (version != changesVersion) {
            changes = readChanges();
            changesVersion = version;
        }
        return changes.subList(0, Math.min(limit, changes.size()));
    }

    private List<Change> readChanges() {
        Dataset<Row> all = Resolver.withLatest(lake.read(TableCatalog.STEWARD_DECISIONS));
        boolean hasChangeIds = List.of(all.columns()).contains("change_id");
        Map<String, List<Row>> byChange = new LinkedHashMap<>();
        for (Row r : all.collectAsList()) {
            // Rows imported before changes had ids form one change per import time and steward.
            String id = hasChangeIds && r.getAs("change_id") != null
                    ? r.getAs("change_id")
                    : "import-" + r.getAs("decided_at") + "-" + r.getAs("steward");
            byChange.computeIfAbsent(id, k -> new ArrayList<>()).add(r);
        }
        List<Change> changes = new ArrayList<>();
        byChange.forEach((id, rows) -> {
            Row first = rows.get(0);
            changes.add(new Change(
                    id,
                    hasChangeIds && first.getAs("action") != null ? first.getAs("action") : "import",
                    first.getAs("steward"),
                    first.<Timestamp>getAs("decided_at").toInstant(),
                    Optional.ofNullable(hasChangeIds ? first.<String>getAs("comment") : null),
                    rows.stream()
                            .map(r -> new Pair(r.getAs("record_key_l"), r.getAs("record_key_r"), r.getAs("decision")))
                            .toList(),
                    rows.stream().anyMatch(r -> r.<Boolean>getAs("latest") && !REVOKED.equals(r.getAs("decision")))));
        });
        changes.sort(Comparator.comparing(Change::decidedAt).reversed());
        return List.copyOf(changes);
    }

    /** The pairs of a change whose newest decision is still that change's. */
    private List<Pair> standingOf(String changeId) {
        return Resolver.withLatest(lake.read(TableCatalog.STEWARD_DECISIONS))
                .filter(col("change_id").equalTo(changeId).and(col("latest")))
                .collectAsList()
                .stream()
                .map(r -> new Pair(r.getAs("record_key_l"), r.getAs("record_key_r"), r.getAs("decision")))
                .toList();
    }

    /**
     * The pairs of records whose newest decision is a match or a non-match ({@code record_key_l <
     * record_key_r}): what the next silver run will obey.
     */
    public Dataset<Row> standing() {
        return Resolver.standing(lake.read(TableCatalog.STEWARD_DECISIONS));
    }

    /**
     * The standing decisions by pair of records (the smaller key first), read again only when the table
     * has a new version: the review queue asks for them on every pair.
     */
    synchronized Map<List<String>, String> standingByPair() {
        if (!lake.exists(TableCatalog.STEWARD_DECISIONS)) {
            return Map.of();
        }
        long version = lake.version(TableCatalog.STEWARD_DECISIONS);
        if (version != standingVersion) {
            Map<List<String>, String> pairs = new HashMap<>();
            standing().collectAsList().forEach(r -> pairs.put(List.of(r.getString(0), r.getString(1)), r.getString(2)));
            standing = Map.copyOf(pairs);
            standingVersion = version;
        }
        return standing;
    }
}
