package io.c360.silver.identity;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import io.c360.C360Exception;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Customer ids that survive re-clustering. Cluster labels change from run to run (a new record can
 * become a cluster's smallest key); the customer id handed to downstream systems must not, so each
 * run's clusters inherit the ids of the previous run's map by overlap, and every id that stops
 * meaning "these records" is written to a redirect.
 *
 * <p><b>Which cluster keeps which id.</b> The overlap of a cluster and an old id is the number of
 * the cluster's records that had that id. Pairs are ranked by larger overlap, then smaller old id,
 * then smaller cluster label, and matched greedily: the best pair keeps its id, its cluster and its
 * id leave the race, and so on. So a cluster keeps the old id it overlaps most unless that id is
 * kept by a cluster it overlaps more, in which case the cluster falls back to its next old id still
 * free; each old id is kept by at most one cluster. (Computed as rounds of "keep every pair that is
 * the best of both its cluster and its id", which is the same greedy matching; one or two rounds
 * in practice.)
 *
 * <p><b>New ids.</b> A cluster that keeps no id gets {@code "C"} + the first 16 hex digits of
 * SHA-256 of its smallest record key: deterministic, so a rebuild from scratch gives the same ids.
 * If that id is in the previous map or is also another new cluster's candidate, the next candidate
 * hashes {@code key#1}, then {@code key#2}, up to {@value #FRESH_ID_CANDIDATES} candidates (all
 * taken fails the query). Only the previous map is checked: an id retired in an earlier run may be
 * issued again, to a cluster whose smallest record is the one it was first derived from.
 *
 * <p><b>Redirects</b> ({@code old_id, new_id, reason, run_id}): for each old id, one row per
 * cluster holding some of its records under another id. Its <i>successor</i> is the cluster that
 * kept it, or, if none did, the cluster holding most of its records (ties: smaller cluster label).
 * The row to a retired id's successor is {@code merge} (the id is gone, use the new one); every
 * other row is {@code split} (part of the id's records moved there). Because the matching is
 * greedy, a retired id's records all sit in clusters that kept other old ids. Records missing from
 * this run drop out without a redirect, and an id whose records all vanished has none; an
 * unchanged input writes no rows.
 *
 * <p>The overlaps, each matching round and the cluster → id table are materialized with
 * {@code localCheckpoint} (a few Spark jobs over about one row per cluster); the returned Datasets
 * join them lazily with the records.
 */
public final class StableIds {
    public static final String RECORD_KEY = "record_key";
    public static final String CLUSTER = "cluster";
    public static final String CUSTOMER_ID = "customer_id";
    public static final String OLD_ID = "old_id";
    public static final String NEW_ID = "new_id";
    public static final String REASON = "reason";
    public static final String RUN_ID = "run_id";
    public static final String MERGE = "merge";
    public static final String SPLIT = "split";
    static final int FRESH_ID_CANDIDATES = 8;
    private static final String OVERLAP = "overlap";
    private static final String BEST_OF_CLUSTER = "best_of_cluster";
    private static final String BEST = "best";
    private static final String ID_SETTLED = "id_settled";
    private static final String SETTLED = "settled";
    private static final String FIRST_KEY = "first_key";
    private static final String SALT = "salt";
    private static final String TAKEN = "taken";
    private static final String FREE = "free";

    private StableIds() {}

    /** The id map of this run and the redirects of the ids whose records moved. */
    public record Result(Dataset<Row> idMap, Dataset<Row> redirects) {}

    /**
     * {@code record_key, customer_id} for every record of {@code clusters} ({@code record_key,
     * cluster}), inheriting from {@code previous} ({@code record_key, customer_id}; empty on the
     * first run), and the redirects stamped with {@code runId}.
     */
    public static Result assign(Dataset<Row> clusters, Dataset<Row> previous, String runId) {
        return assign(clusters, previous, runId, "C", "customer");
    }

    /**
     * As {@link #assign(Dataset, Dataset, String)}, with fresh ids of {@code prefix} + 16 hex digits, for ids of
     * another kind ({@code noun}, as errors name it): gold's households keep their ids across runs this way.
     */
    public static Result assign(
            Dataset<Row> clusters, Dataset<Row> previous, String runId, String prefix, String noun) {
        if (runId == null || runId.isBlank()) {
            throw new C360Exception("stable ids need a run id for their redirects");
        }
        Dataset<Row> members = clusters.select(col(RECORD_KEY), col(CLUSTER));
        Dataset<Row> previousIds = previous.select(
                        col(RECORD_KEY), col(CUSTOMER_ID).as(OLD_ID))
                .where(col(OLD_ID).isNotNull());
        Dataset<Row> overlaps = members.join(previousIds, RECORD_KEY)
                .groupBy(CLUSTER, OLD_ID)
                .agg(count(lit(1)).as(OVERLAP))
                .localCheckpoint(true);
        Dataset<Row> kept = keptIds(overlaps);
        Dataset<Row> fresh = freshIds(
                members.join(kept, CLUSTER, "left_anti"),
                previousIds.select(OLD_ID).distinct(),
                prefix,
                noun);
        // One row per cluster, read by both outputs: materialized so the fresh ids are computed once.
        Dataset<Row> ids = kept.unionByName(fresh).localCheckpoint(true);
        Dataset<Row> idMap = members.join(ids, CLUSTER).select(RECORD_KEY, CUSTOMER_ID);
        return new Result(idMap, redirects(overlaps, ids, runId));
    }

    /** Greedy matching of clusters and old ids by overlap: {@code cluster, customer_id}. */
    private static Dataset<Row> keptIds(Dataset<Row> overlaps) {
        Dataset<Row> open = overlaps;
        Dataset<Row> kept = null;
        // Ends: each round settles at least the best open pair of all.
        while (true) {
            Column bestOfCluster = row_number()
                    .over(Window.partitionBy(CLUSTER).orderBy(col(OVERLAP).desc(), col(OLD_ID)))
                    .equalTo(1);
            Column bestOfId = row_number()
                    .over(Window.partitionBy(OLD_ID).orderBy(col(OVERLAP).desc(), col(CLUSTER)))
                    .equalTo(1);
            // Columns in this order so that the two windows by old id share one shuffle.
            Dataset<Row> round = open.withColumn(BEST_OF_CLUSTER, bestOfCluster)
                    .withColumn(BEST, col(BEST_OF_CLUSTER).and(bestOfId))
                    .withColumn(ID_SETTLED, max(col(BEST)).over(Window.partitionBy(OLD_ID)))
                    .withColumn(SETTLED, col(ID_SETTLED).or(max(col(BEST)).over(Window.partitionBy(CLUSTER))))
                    .localCheckpoint(true);
            Dataset<Row> matched =
                    round.where(col(BEST)).select(col(CLUSTER), col(OLD_ID).as(CUSTOMER_ID));
            kept = kept == null ? matched : kept.unionByName(matched);
            open = round.where(not(col(SETTLED))).select(CLUSTER, OLD_ID, OVERLAP);
            if (open.isEmpty()) {
                return kept;
            }
        }
    }

    /** A deterministic id for each cluster of {@code members}, none of them in {@code taken}. */
    private static Dataset<Row> freshIds(Dataset<Row> members, Dataset<Row> taken, String prefix, String noun) {
        Column firstKey = col(FIRST_KEY);
        Column[] candidates = IntStream.range(0, FRESH_ID_CANDIDATES)
                .mapToObj(salt -> candidate(prefix, salt == 0 ? firstKey : concat(firstKey, lit("#" + salt))))
                .toArray(Column[]::new);
        Column sharedWithAnotherCluster = min(CLUSTER)
                .over(Window.partitionBy(CUSTOMER_ID))
                .notEqual(max(CLUSTER).over(Window.partitionBy(CUSTOMER_ID)));
        Column chosen = min_by(col(CUSTOMER_ID), when(col(FREE), col(SALT)));
        return members.groupBy(CLUSTER)
                .agg(min(RECORD_KEY).as(FIRST_KEY))
                .select(col(CLUSTER), posexplode(array(candidates)).as(new String[] {SALT, CUSTOMER_ID}))
                .join(taken.select(col(OLD_ID).as(CUSTOMER_ID), lit(true).as(TAKEN)), CUSTOMER_ID, "left")
                .withColumn(FREE, col(TAKEN).isNull().and(not(sharedWithAnotherCluster)))
                .groupBy(CLUSTER)
                .agg(chosen.as(CUSTOMER_ID))
                .select(
                        col(CLUSTER),
                        coalesce(
                                        col(CUSTOMER_ID),
                                        raise_error(concat(
                                                lit("no free " + noun + " id for cluster "),
                                                col(CLUSTER),
                                                lit(": all " + FRESH_ID_CANDIDATES + " candidates are taken"))))
                                .as(CUSTOMER_ID));
    }

    private static Column candidate(String prefix, Column seed) {
        return concat(lit(prefix), substring(sha2(seed, 256), 1, 16));
    }

    /** See the class comment: one merge row per retired id, split rows for the other moves. */
    private static Dataset<Row> redirects(Dataset<Row> overlaps, Dataset<Row> ids, String runId) {
        Column keeper = col(CUSTOMER_ID).equalTo(col(OLD_ID));
        Column successor = row_number()
                .over(Window.partitionBy(OLD_ID)
                        .orderBy(keeper.desc(), col(OVERLAP).desc(), col(CLUSTER)))
                .equalTo(1);
        return overlaps.join(ids, CLUSTER)
                .withColumn(REASON, when(successor, lit(MERGE)).otherwise(lit(SPLIT)))
                .where(not(keeper))
                .select(
                        col(OLD_ID),
                        col(CUSTOMER_ID).as(NEW_ID),
                        col(REASON),
                        lit(runId).as(RUN_ID));
    }
}
