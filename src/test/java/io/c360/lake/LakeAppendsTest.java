package io.c360.lake;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Whether a table only had rows appended after a version: what lets silver standardize only what bronze delivered since. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class LakeAppendsTest {
    @Test
    void appendsKeepATableAppendOnlyAndADeleteOrOverwriteDoesNot(SparkSession spark, @TempDir Path dir) {
        Lake lake = new Lake(spark, dir.toString());
        TableName table = TableName.bronze("contacts");
        lake.append(table, ids(spark, "a"));
        assertTrue(lake.onlyAppendedAfter(table, 0), "no commit after version 0");
        lake.append(table, ids(spark, "b"), true);
        lake.append(table, ids(spark, "c"));
        assertTrue(lake.onlyAppendedAfter(table, 0), "versions 1 and 2 appended");

        lake.delete(lake.location(table), col("id").equalTo("b"));
        assertFalse(lake.onlyAppendedAfter(table, 2), "version 3 deleted a row");
        assertFalse(lake.onlyAppendedAfter(table, 0));
        assertTrue(lake.onlyAppendedAfter(table, 3));
        assertFalse(
                lake.onlyAppendedAfter(table, 4),
                "a version the table has not reached: it was replaced or rolled back");

        lake.overwrite(table, ids(spark, "d"));
        assertFalse(lake.onlyAppendedAfter(table, 3), "version 4 replaced every row");
    }

    private static Dataset<Row> ids(SparkSession spark, String... ids) {
        return spark.createDataset(List.of(ids), Encoders.STRING()).toDF("id");
    }
}
