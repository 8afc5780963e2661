package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What stewards see of a pair to review. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ReviewQueueTest {
    @Test
    void onlyPairsToReviewWithEachSidesFirstFiveRecordKeys(SparkSession spark) {
        StructType pairSchema = new StructType()
                .add(Blocking.LEFT, DataTypes.StringType)
                .add(Blocking.RIGHT, DataTypes.StringType)
                .add("decision", DataTypes.StringType)
                .add("match_probability", DataTypes.DoubleType)
                .add("match_weight", DataTypes.DoubleType)
                .add("gamma_email", DataTypes.IntegerType)
                .add("w_email", DataTypes.DoubleType);
        Dataset<Row> pairs = spark.createDataFrame(
                List.of(
                        RowFactory.create("a", "b", Matcher.REVIEW, 0.6, 0.4, 1, 0.4),
                        RowFactory.create("a", "c", "linked", 0.99, 7.0, 2, 7.0)),
                pairSchema);
        // Identity a has seven records, listed out of order; b has one.
        List<Row> recordRows = new ArrayList<>();
        for (String key : List.of("crm:7", "crm:3", "web:1", "crm:5", "billing:2", "crm:1", "crm:9")) {
            recordRows.add(RowFactory.create(key, "a"));
        }
        recordRows.add(RowFactory.create("web:4", "b"));
        recordRows.add(RowFactory.create("web:5", "c"));
        Dataset<Row> records = spark.createDataFrame(
                recordRows,
                new StructType()
                        .add(IdentityRecords.RECORD_KEY, DataTypes.StringType)
                        .add(IdentityRecords.SIGNATURE, DataTypes.StringType));
        Dataset<Row> nodes = spark.createDataFrame(
                List.of(RowFactory.create("a", "ann"), RowFactory.create("b", "anne"), RowFactory.create("c", "cy")),
                new StructType().add("id", DataTypes.StringType).add("given_name", DataTypes.StringType));

        List<Row> queue = SilverJob.reviewQueue(pairs, records, nodes).collectAsList();

        assertEquals(1, queue.size(), "the linked pair is not for review");
        Row pair = queue.get(0);
        assertEquals(
                List.of("billing:2", "crm:1", "crm:3", "crm:5", "crm:7"), pair.getList(pair.fieldIndex("records_l")));
        assertEquals(List.of("web:4"), pair.getList(pair.fieldIndex("records_r")));
        assertEquals("anne", pair.getStruct(pair.fieldIndex("r")).getString(1));
        assertEquals(0.4, pair.getDouble(pair.fieldIndex("w_email")));
    }
}
