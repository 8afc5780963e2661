package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Table names in the session's catalog point at the lake that last registered them, even when lakes take turns. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class LakeRegisterTest {
    @Test
    void aLakeRegisteringAgainTakesTheNameBackFromAnotherLake(SparkSession spark, @TempDir Path dir) {
        Lake first = new Lake(spark, dir.resolve("first").toString());
        Lake second = new Lake(spark, dir.resolve("second").toString());
        TableName table = TableName.silver("register_probe");
        first.overwrite(
                table, spark.createDataset(List.of("first"), Encoders.STRING()).toDF("lake"));
        second.overwrite(
                table, spark.createDataset(List.of("second"), Encoders.STRING()).toDF("lake"));

        first.registerAll();
        assertEquals("first", lakeNamed(spark, table));
        second.registerAll();
        assertEquals("second", lakeNamed(spark, table));
        first.registerAll();
        assertEquals(
                "first", lakeNamed(spark, table), "the first lake registered the name before; it points there again");
        first.registerAll();
        assertEquals("first", lakeNamed(spark, table), "registering twice changes nothing");
    }

    private static String lakeNamed(SparkSession spark, TableName table) {
        return spark.sql("SELECT lake FROM " + table).as(Encoders.STRING()).first();
    }
}
