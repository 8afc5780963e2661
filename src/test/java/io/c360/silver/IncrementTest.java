package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an incremental run re-examines, on identities named by one letter: {@code t} is touched (new
 * or changed), {@code x} is gone, every other identity is as in the previous run.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class IncrementTest {
    private static final StructType PREVIOUS_PAIRS = new StructType()
            .add(Blocking.LEFT, DataTypes.StringType)
            .add(Blocking.RIGHT, DataTypes.StringType)
            .add(Blocking.RULES, DataTypes.createArrayType(DataTypes.StringType))
            .add("decision", DataTypes.StringType);

    private final SparkSession spark;

    IncrementTest(SparkSession spark) {
        this.spark = spark;
    }

    /** The previous run's scored pairs, each found by rule {@code before} and decided {@code linked}. */
    private Dataset<Row> previousPairs(String... pairs) {
        return spark.createDataFrame(
                Arrays.stream(pairs)
                        .map(p -> RowFactory.create(p.substring(0, 1), p.substring(2), rules("before"), "linked"))
                        .toList(),
                PREVIOUS_PAIRS);
    }

    private static scala.collection.Seq<String> rules(String rule) {
        return scala.collection.JavaConverters.asScalaBuffer(List.of(rule)).toSeq();
    }

    private Dataset<Row> ids(String... ids) {
        return spark.createDataset(List.of(ids), Encoders.STRING()).toDF("id");
    }

    private static Set<String> idsOf(Dataset<Row> rows) {
        return rows.collectAsList().stream().map(r -> r.getString(0)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> pairsOf(Dataset<Row> rows) {
        return rows.select(Blocking.LEFT, Blocking.RIGHT).collectAsList().stream()
                .map(r -> r.getString(0) + "-" + r.getString(1))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Identity records {@code record_key, given_name}: {@code "k=v"} is record k named v. */
    private Dataset<Row> records(String... records) {
        StructType schema = new StructType()
                .add(IdentityRecords.RECORD_KEY, DataTypes.StringType)
                .add("given_name", DataTypes.StringType);
        return spark.createDataFrame(
                Arrays.stream(records)
                        .map(r -> RowFactory.create(r.split("=")[0], r.split("=")[1]))
                        .toList(),
                schema);
    }

    @Test
    void recordsDeliveredAgainTakeTheirNewVersionOrGoAndTheOthersStay() {
        Dataset<Row> previous = records("a=ann", "b=bob", "c=cy");
        // b has a new version, d is new; c was delivered again in a version that is no identity record.
        Dataset<Row> delivered = records("b=rob", "d=dee");
        Dataset<Row> keys = ids("b", "c", "d").toDF(IdentityRecords.RECORD_KEY);

        Set<String> now = Increment.withDelivered(previous, delivered, keys).collectAsList().stream()
                .map(r -> r.getString(0) + "=" + r.getString(1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("a=ann", "b=rob", "d=dee"), now);
    }

    @Test
    void thePairsReplacedAreThePreviousOnesWithAReExaminedSide() {
        Dataset<Row> before = previousPairs("a-b", "c-t", "t-g", "x-g", "f-g");

        assertEquals(
                Set.of("c-t", "t-g", "x-g"),
                pairsOf(Increment.pairsOf(before, ids("t", "x"))),
                "either side touched or gone; a pair of two is named once");
    }
}
