package io.c360.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;

/**
 * What an incremental silver run must recompute, and why the rest equals a rebuild. Pure transforms
 * over this run's identities and the previous run's state; {@link SilverJob} does the I/O.
 *
 * <p>A pair's score is a function of its two identities (attributes, node attributes, record count),
 * the model and its frozen term frequencies, and matching.yaml. An identity whose row is exactly
 * as before is <i>untouched</i>, so with the same model and rules a pair of untouched identities
 * scores and decides as before and its previous row is kept. Everything else is <i>touched</i>: new
 * or changed identities, identities whose node attributes moved because a neighbour changed (a phone
 * now shared by another given name), identities that gained or lost a record, and identities named
 * by a steward decision (so that no kept decision hides a steward's newer word).
 *
 * <p>Clusters: a component of the previous run whose identities are all untouched and kept all their
 * pairs, and that no new link reaches, is the same component with the same clusters; every other
 * component is re-clustered whole (see {@link #toRecluster}).
 */
final class Increment {
    static final String IDENTITY_HASH = "identity_hash";
    static final String RECORD_HASH = "record_hash";
    static final String COMPONENT = "component";
    static final String PREVIOUS_SIGNATURE = "previous_signature";
    private static final String ID = "id";
    private static final String TOUCHED_L = "touched_l";
    private static final String TOUCHED_R = "touched_r";
    private static final String LABEL = "label";

    private Increment() {}

    /**
     * A hash of a row's content: its columns (but {@code leftOut}) as JSON in name order, arrays sorted
     * (a collected set has no order of its own, and an order that differs is no change).
     */
    static Column contentHash(Dataset<Row> rows, String... leftOut) {
        Column[] columns = Arrays.stream(rows.schema().fields())
                .filter(f -> !Arrays.asList(leftOut).contains(f.name()))
                .sorted(java.util.Comparator.comparing(StructField::name))
                .map(f -> (f.dataType() instanceof ArrayType
                                ? array_sort(col("`" + f.name() + "`"))
                                : col("`" + f.name() + "`"))
                        .as(f.name()))
                .toArray(Column[]::new);
        return sha2(to_json(struct(columns)), 256);
    }

    /** {@code id, identity_hash} of identities ({@link Matcher#nodes(Dataset, MatchingConfig)}). */
    static Dataset<Row> identityHashes(Dataset<Row> nodes) {
        return nodes.select(col(ID), contentHash(nodes).as(IDENTITY_HASH));
    }

    /**
     * Identity records now, from the previous run's and the record versions bronze delivered since: a
     * record delivered again ({@code deliveredKeys}, {@code record_key}) is its newest version's identity
     * record in {@code delivered}, or is gone when that version is none (no record id, or left out by its
     * source's {@code where}); every other record stays as it was.
     */
    static Dataset<Row> withDelivered(
            Dataset<Row> previousRecords, Dataset<Row> delivered, Dataset<Row> deliveredKeys) {
        return previousRecords
                .join(deliveredKeys, IdentityRecords.RECORD_KEY, "left_anti")
                .unionByName(delivered);
    }

    /**
     * Records added, removed or changed since the previous run ({@code record_key}, the signature now
     * and before, either null when the record is new or gone). Both sides are identity records.
     */
    static Dataset<Row> recordChanges(Dataset<Row> records, Dataset<Row> previousRecords) {
        Dataset<Row> now = records.select(
                col(IdentityRecords.RECORD_KEY),
                col(IdentityRecords.SIGNATURE),
                contentHash(records).as(RECORD_HASH));
        Dataset<Row> before = previousRecords.select(
                col(IdentityRecords.RECORD_KEY),
                col(IdentityRecords.SIGNATURE).as(PREVIOUS_SIGNATURE),
                contentHash(previousRecords).as("previous_hash"));
        return now.join(
                        before,
                        now.col(IdentityRecords.RECORD_KEY).equalTo(before.col(IdentityRecords.RECORD_KEY)),
                        "full_outer")
                .filter(not(col(RECORD_HASH).eqNullSafe(col("previous_hash"))))
                .select(
                        coalesce(now.col(IdentityRecords.RECORD_KEY), before.col(IdentityRecords.RECORD_KEY))
                                .as(IdentityRecords.RECORD_KEY),
                        col(IdentityRecords.SIGNATURE),
                        col(PREVIOUS_SIGNATURE));
    }

    /**
     * Identities ({@code id}) to match again: new or changed rows, identities a record joined or left,
     * and those a steward decision names.
     *
     * @param previousIdentities {@code signature, identity_hash, component} of the previous run
     * @param steward steward decisions as identity pairs {@code l, r}
     */
    static Dataset<Row> touched(
            Dataset<Row> identityHashes,
            Dataset<Row> previousIdentities,
            Dataset<Row> recordChanges,
            Dataset<Row> steward) {
        Dataset<Row> same =
                previousIdentities.select(col(IdentityRecords.SIGNATURE).as(ID), col(IDENTITY_HASH));
        Dataset<Row> changed = identityHashes
                .join(
                        same,
                        identityHashes
                                .col(ID)
                                .equalTo(same.col(ID))
                                .and(identityHashes.col(IDENTITY_HASH).equalTo(same.col(IDENTITY_HASH))),
                        "left_anti")
                .select(col(ID));
        Dataset<Row> moved =
                recordChanges.filter(not(col(IdentityRecords.SIGNATURE).eqNullSafe(col(PREVIOUS_SIGNATURE))));
        return changed.union(moved.select(col(IdentityRecords.SIGNATURE).as(ID)))
                .union(moved.select(col(PREVIOUS_SIGNATURE).as(ID)))
                .union(steward.select(col("l").as(ID)))
                .union(steward.select(col("r").as(ID)))
                .join(identityHashes.select(ID), ID)
                .distinct();
    }

    /** Identities ({@code id}) of the previous run that no record has any more. */
    static Dataset<Row> removed(Dataset<Row> identityHashes, Dataset<Row> previousIdentities) {
        return previousIdentities
                .select(col(IdentityRecords.SIGNATURE).as(ID))
                .join(identityHashes.select(ID), ID, "left_anti");
    }

    /** Candidate pairs with whether each side is touched ({@code touched_l}, {@code touched_r}). */
    private static Dataset<Row> withTouchedSides(Dataset<Row> candidates, Dataset<Row> touched) {
        Dataset<Row> l = touched.select(col(ID).as("tl"), lit(true).as(TOUCHED_L));
        Dataset<Row> r = touched.select(col(ID).as("tr"), lit(true).as(TOUCHED_R));
        return candidates
                .join(l, candidates.col(Blocking.LEFT).equalTo(l.col("tl")), "left")
                .join(r, candidates.col(Blocking.RIGHT).equalTo(r.col("tr")), "left")
                .withColumn(TOUCHED_L, coalesce(col(TOUCHED_L), lit(false)))
                .withColumn(TOUCHED_R, coalesce(col(TOUCHED_R), lit(false)))
                .drop("tl", "tr");
    }

    /**
     * This run's candidate pairs set against the previous run's scored pairs, joined once: the pairs to
     * compare and score, the previous rows to keep and the identities whose pairs came or went all
     * follow from that one join, instead of each joining every candidate and previous pair again.
     *
     * @param joined the candidates ({@code candidate_now} true, this run's blocking rules, whether each
     *     side is touched) full-outer-joined on the pair with the previous pairs ({@code scored_before}
     *     true, their other columns), materialized
     * @param gone touched and removed identities ({@code id}): a previous pair naming one is re-examined anyway
     */
    record PairsAgainstPrevious(Dataset<Row> joined, Dataset<Row> gone) {
        private static final String NOW = "candidate_now";
        private static final String BEFORE = "scored_before";

        static PairsAgainstPrevious of(
                Dataset<Row> candidates, Dataset<Row> touched, Dataset<Row> removed, Dataset<Row> previousPairs) {
            Dataset<Row> now = withTouchedSides(candidates, touched).withColumn(NOW, lit(true));
            Dataset<Row> before = previousPairs.drop(Blocking.RULES).withColumn(BEFORE, lit(true));
            return new PairsAgainstPrevious(
                    now.join(before, new String[] {Blocking.LEFT, Blocking.RIGHT}, "full_outer")
                            .localCheckpoint(true),
                    touched.union(removed));
        }

        private static Column untouched() {
            return col(NOW).and(not(col(TOUCHED_L))).and(not(col(TOUCHED_R)));
        }

        /** Candidate pairs to compare and score: those with a touched side, and those not scored last time. */
        Dataset<Row> toScore() {
            return joined.filter(col(NOW).and(not(untouched()).or(col(BEFORE).isNull())))
                    .select(col(Blocking.LEFT), col(Blocking.RIGHT), col(Blocking.RULES));
        }

        /** The previous run's rows of the candidate pairs between untouched identities, with this run's blocking rules. */
        Dataset<Row> kept() {
            return joined.filter(untouched().and(col(BEFORE))).drop(NOW, BEFORE, TOUCHED_L, TOUCHED_R);
        }

        /**
         * Untouched identities ({@code id}) whose pairs with each other changed: a pair that became a
         * candidate, or stopped being one, because a block crossed {@code max_block_size}.
         */
        Dataset<Row> unsettled() {
            Dataset<Row> came =
                    joined.filter(untouched().and(col(BEFORE).isNull())).select(Blocking.LEFT, Blocking.RIGHT);
            Dataset<Row> went = joined.filter(col(NOW).isNull())
                    .select(Blocking.LEFT, Blocking.RIGHT)
                    .join(gone.select(col(ID).as(Blocking.LEFT)), Blocking.LEFT, "left_anti")
                    .join(gone.select(col(ID).as(Blocking.RIGHT)), Blocking.RIGHT, "left_anti");
            return came.unionByName(went)
                    .select(explode(array(col(Blocking.LEFT), col(Blocking.RIGHT)))
                            .as(ID))
                    .distinct();
        }
    }

    /**
     * The identities ({@code id}) to re-cluster: whole components of this run's links, all others
     * keeping their previous component and cluster.
     *
     * <p>Seeds are the changed identities ({@code changed}: touched and unsettled) and every identity
     * of a previous component that held a changed or removed one. Any other identity is untouched and
     * sits in a previous component all of whose identities and pairs are as before, so that component
     * is a super-node: its links inside are the ones it had. Mapping each link's ends to seed or
     * super-node, a link between two different ones joins a super-node to something new; those
     * super-nodes are re-clustered too. What is left are previous components no new link reaches:
     * the same components, so a rebuild would cluster them the same.
     *
     * @param edges this run's links ({@code l, r})
     */
    static Dataset<Row> toRecluster(
            Dataset<Row> identityHashes,
            Dataset<Row> changed,
            Dataset<Row> removed,
            Dataset<Row> previousIdentities,
            Dataset<Row> edges) {
        Dataset<Row> components =
                previousIdentities.select(col(IdentityRecords.SIGNATURE).as(ID), col(COMPONENT));
        Dataset<Row> dirty =
                changed.union(removed).join(components, ID).select(COMPONENT).distinct();
        Dataset<Row> seeds = changed.union(identityHashes
                        .select(ID)
                        .join(components, ID)
                        .join(dirty, COMPONENT, "left_semi")
                        .select(ID))
                .distinct()
                .withColumn("seed", lit(true));
        Dataset<Row> labels = identityHashes
                .select(ID)
                .join(components, ID, "left")
                .join(seeds, ID, "left")
                .select(
                        col(ID),
                        when(col("seed"), col(ID))
                                .otherwise(concat(lit("~"), col(COMPONENT)))
                                .as(LABEL),
                        col("seed"));
        Dataset<Row> l = labels.select(col(ID).as("l"), col(LABEL).as("l_label"));
        Dataset<Row> r = labels.select(col(ID).as("r"), col(LABEL).as("r_label"));
        Dataset<Row> crossing = edges.select("l", "r")
                .join(l, "l")
                .join(r, "r")
                .filter(col("l_label").notEqual(col("r_label")));
        Dataset<Row> reached = crossing.select(col("l_label").as(LABEL))
                .union(crossing.select(col("r_label").as(LABEL)))
                .distinct();
        return labels.filter(col("seed").isNotNull())
                .select(ID)
                .union(labels.join(reached, LABEL, "left_semi").select(ID))
                .distinct();
    }
}
