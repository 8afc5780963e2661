package io.c360.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Quality of a resolution against the truth, computed on the executors from group sizes (never
 * by listing pairs). Pairwise figures count record pairs placed in the same cluster, so a true pair
 * that blocking never proposed and clustering did not join counts as a miss. When inputs are linked
 * without deduplicating each ({@code linkOnly}), only pairs of records from different inputs
 * ({@code input}) count: in the truth, among the predictions and in the space of all pairs.
 */
public final class Metrics {
    private Metrics() {}

    /** Pairwise precision/recall/F1 over record pairs. */
    public record Pairwise(
            @JsonProperty("true_pairs") long truePairs,
            @JsonProperty("predicted_pairs") long predictedPairs,
            @JsonProperty("true_positives") long truePositives,
            @JsonProperty("precision") double precision,
            @JsonProperty("recall") double recall,
            @JsonProperty("f1") double f1) {}

    /** B-cubed precision/recall/F1 (per record, averaged). */
    public record BCubed(
            @JsonProperty("precision") double precision,
            @JsonProperty("recall") double recall,
            @JsonProperty("f1") double f1) {}

    /** Blocking: share of true pairs it proposed, and how much of the all-pairs space it spared. */
    public record Blocking(
            long truePairs, long truePairsProposed, double recall, long candidatePairs, double reductionRatio) {}

    /**
     * @param assignments {@code predicted, truth, input} per record (cluster labels; a null truth is its own entity)
     */
    public static Pairwise pairwise(Dataset<Row> assignments, boolean linkOnly) {
        long tp = pairs(assignments, linkOnly, "predicted", "truth");
        long predicted = pairs(assignments, linkOnly, "predicted");
        long truth = pairs(assignments, linkOnly, "truth");
        return pairwise(truth, predicted, tp);
    }

    /** Precision/recall/F1 from the counts of true, predicted and correctly predicted pairs. */
    public static Pairwise pairwise(long truth, long predicted, long tp) {
        double p = predicted == 0 ? 1.0 : (double) tp / predicted;
        double r = truth == 0 ? 1.0 : (double) tp / truth;
        return new Pairwise(truth, predicted, tp, p, r, f1(p, r));
    }

    public static BCubed bcubed(Dataset<Row> assignments) {
        Dataset<Row> cells =
                assignments.groupBy("predicted", "truth").agg(count(lit(1)).as("n"));
        Dataset<Row> predicted =
                assignments.groupBy("predicted").agg(count(lit(1)).as("np"));
        Dataset<Row> truth = assignments.groupBy("truth").agg(count(lit(1)).as("nt"));
        Row r = cells.join(predicted, "predicted")
                .join(truth, "truth")
                .agg(
                        sum(col("n").multiply(col("n")).divide(col("np"))),
                        sum(col("n").multiply(col("n")).divide(col("nt"))),
                        sum("n"))
                .head();
        double total = r.getLong(2);
        double p = r.getDouble(0) / total;
        double rc = r.getDouble(1) / total;
        return new BCubed(p, rc, f1(p, rc));
    }

    /** Predicted clusters holding records of more than one true entity. */
    public static long overMergedClusters(Dataset<Row> assignments) {
        return assignments
                .groupBy("predicted")
                .agg(countDistinct("truth").as("entities"))
                .filter(col("entities").gt(1))
                .count();
    }

    /**
     * @param records {@code node, truth, input} per record (records sharing a node are one identity, compared
     *     once; with {@code linkOnly} a node holds records of one input)
     * @param candidates node pairs {@code l_id, r_id} proposed by blocking (with {@code linkOnly}, of two inputs)
     */
    public static Blocking blocking(Dataset<Row> records, Dataset<Row> candidates, boolean linkOnly) {
        Dataset<Row> perNodeTruth =
                records.groupBy("node", "truth").agg(count(lit(1)).as("c"));
        Dataset<Row> perNode = records.groupBy("node").agg(count(lit(1)).as("c"));
        Dataset<Row> l = perNodeTruth.select(col("node").as("ln"), col("truth").as("lt"), col("c").as("lc"));
        Dataset<Row> r = perNodeTruth.select(col("node").as("rn"), col("truth").as("rt"), col("c").as("rc"));
        Row proposedAcross = candidates
                .join(l, candidates.col("l_id").equalTo(l.col("ln")))
                .join(
                        r,
                        candidates
                                .col("r_id")
                                .equalTo(r.col("rn"))
                                .and(col("lt").equalTo(col("rt"))))
                .agg(sum(col("lc").multiply(col("rc"))))
                .head();
        long truePairs = pairs(records, linkOnly, "truth");
        long proposed = pairs(records, linkOnly, "node", "truth")
                + (proposedAcross.isNullAt(0) ? 0 : proposedAcross.getLong(0));
        Dataset<Row> pl = perNode.select(col("node").as("ln"), col("c").as("lc"));
        Dataset<Row> pr = perNode.select(col("node").as("rn"), col("c").as("rc"));
        Row across = candidates
                .join(pl, col("l_id").equalTo(col("ln")))
                .join(pr, col("r_id").equalTo(col("rn")))
                .agg(sum(col("lc").multiply(col("rc"))))
                .head();
        long candidatePairs = pairs(records, linkOnly, "node") + (across.isNullAt(0) ? 0 : across.getLong(0));
        double allPairs = pairs(records, linkOnly);
        return new Blocking(
                truePairs,
                proposed,
                truePairs == 0 ? 1.0 : (double) proposed / truePairs,
                candidatePairs,
                allPairs == 0 ? 0 : 1 - candidatePairs / allPairs);
    }

    /**
     * Record pairs within the groups of {@code keys} (all records when none); with {@code linkOnly} only
     * pairs of two inputs: a group of n records, n_i of input i, holds (n² − Σ n_i²) / 2 of them.
     */
    static long pairs(Dataset<Row> records, boolean linkOnly, String... keys) {
        Column[] by = java.util.Arrays.stream(keys).map(functions::col).toArray(Column[]::new);
        Row r;
        if (linkOnly) {
            Column[] byInput = java.util.Arrays.copyOf(by, by.length + 1);
            byInput[by.length] = col("input");
            r = records.groupBy(byInput)
                    .agg(count(lit(1)).as("n"))
                    .groupBy(by)
                    .agg(sum("n").as("s"), sum(col("n").multiply(col("n"))).as("q"))
                    .agg(sum(col("s").multiply(col("s")).minus(col("q")).divide(2))
                            .cast("long"))
                    .head();
        } else {
            r = records.groupBy(by)
                    .agg(count(lit(1)).as("n"))
                    .agg(sum(col("n").multiply(col("n").minus(1)).divide(2)).cast("long"))
                    .head();
        }
        return r.isNullAt(0) ? 0 : r.getLong(0);
    }

    static double f1(double p, double r) {
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }
}
