package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Publication of rows computed in the run (not read back from storage). */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class LakePublishTest {
    private final SparkSession spark;

    LakePublishTest(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * Rows built in memory carry NOT NULL flags a Delta table does not keep: the second publication must
     * still see the same schema, and with no row changed it commits nothing (an overwrite would).
     */
    @Test
    void republishingTheSameMaterializedRowsCommitsNothing(@TempDir Path dir) {
        Lake lake = new Lake(spark, dir.toString());
        TableName table = TableName.gold("people");
        Dataset<Row> rows = people(row("C1", "Ada"), row("C2", "Grace"), row("C3", null));
        lake.publish(table, rows, List.of("customer_id"), "people");
        long first = lake.version(table);

        lake.publish(table, rows, List.of("customer_id"), "people");

        assertEquals(first, lake.version(table), "no new version");
    }

    /** Only what changed reaches the table's commit and its Change Data Feed; the rest stays as it was. */
    @Test
    void aChangedANewAndAGoneRowAreTheOnlyChangesRecorded(@TempDir Path dir) {
        Lake lake = new Lake(spark, dir.toString());
        TableName table = TableName.gold("people");
        lake.publish(
                table,
                people(row("C1", "Ada"), row("C2", "Grace"), row("C3", "Alan"), row("C5", null)),
                List.of("customer_id"),
                "people");
        long first = lake.version(table);

        Dataset<Row> next = people(row("C1", "Ada"), row("C2", "Grace Hopper"), row("C4", "Barbara"), row("C5", null));
        lake.publish(table, next, List.of("customer_id"), "people");

        long second = lake.version(table);
        assertEquals(first + 1, second, "in one commit");
        Row last = spark.sql("DESCRIBE HISTORY delta.`" + lake.location(table) + "` LIMIT 1")
                .select("operation")
                .head();
        assertEquals("MERGE", last.getString(0));
        List<String> changes = spark.read()
                .format("delta")
                .option("readChangeFeed", "true")
                .option("startingVersion", second)
                .load(lake.location(table))
                .selectExpr("concat_ws(' ', _change_type, customer_id, coalesce(name, '-'))")
                .as(Encoders.STRING())
                .collectAsList();
        assertEquals(
                List.of(
                        "delete C3 Alan",
                        "insert C4 Barbara",
                        "update_postimage C2 Grace Hopper",
                        "update_preimage C2 Grace"),
                changes.stream().sorted().toList());
        assertEquals(
                List.of("C1 Ada", "C2 Grace Hopper", "C4 Barbara", "C5 -"),
                lake
                        .read(table)
                        .selectExpr("concat_ws(' ', customer_id, coalesce(name, '-'))")
                        .as(Encoders.STRING())
                        .collectAsList()
                        .stream()
                        .sorted()
                        .toList(),
                "the table holds the new rows");
    }

    private static Row row(String customerId, String name) {
        return RowFactory.create(customerId, name);
    }

    private Dataset<Row> people(Row... rows) {
        StructType schema = new StructType()
                .add(
                        "customer_id",
                        DataTypes.StringType,
                        false,
                        new MetadataBuilder()
                                .putString("comment", "Unified customer id")
                                .build())
                .add(
                        "name",
                        DataTypes.StringType,
                        true,
                        new MetadataBuilder()
                                .putString("comment", "Display name")
                                .build());
        return spark.createDataFrame(List.of(rows), schema).localCheckpoint(true);
    }
}
