package io.c360.silver;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
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
 * <p>Blocking: an untouched identity has the keys it had, kept in the key index. Its pairs with other
 * untouched identities are as before unless a block they share crossed its cap; those identities are
 * <i>unsettled</i> and their pairs are made and scored again like the touched ones' (see
 * {@link Blocking#crossedCap}).
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

    /**
     * The previous run's pairs ({@code l_id, r_id, decision}) with a side among {@code ids} ({@code id}):
     * the rows this run replaces.
     */
    static Dataset<Row> pairsOf(Dataset<Row> previousPairs, Dataset<Row> ids) {
        Dataset<Row> pairs = previousPairs.select(col(Blocking.LEFT), col(Blocking.RIGHT), col("decision"));
        return pairs.join(ids.select(col(ID).as(Blocking.LEFT)), Blocking.LEFT, "left_semi")
                .unionByName(pairs.join(ids.select(col(ID).as(Blocking.RIGHT)), Blocking.RIGHT, "left_semi"))
                .distinct();
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
