package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.silver.SilverConfig;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Small CSV files are read on the driver: under spark-submit, executors cannot see the driver's files. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class LocalCsvTest {
    @TempDir
    Path dir;

    @Test
    void readsTheFileOnTheDriverWithTheHeaderAsStringColumns(SparkSession spark) throws IOException {
        Path file = Files.writeString(dir.resolve("d.csv"), "a,b,c\n1,\"x, y\",\n2,,z,extra\n3\n");
        Dataset<Row> rows = LocalCsv.read(spark, file);
        assertEquals(List.of("a", "b", "c"), List.of(rows.columns()));
        assertLocal(rows);
        assertEquals(
                "[[1,x, y,null], [2,null,z], [3,null,null]]",
                rows.collectAsList().toString());
    }

    @Test
    void anEmptyFileIsAnErrorNamingIt(SparkSession spark) throws IOException {
        Path file = Files.writeString(dir.resolve("empty.csv"), "");
        C360Exception e =
                org.junit.jupiter.api.Assertions.assertThrows(C360Exception.class, () -> LocalCsv.read(spark, file));
        assertTrue(e.getMessage().contains("empty.csv"), e.getMessage());
    }

    @Test
    void theShippedNicknameTableTravelsWithThePlan(SparkSession spark) {
        Dataset<Row> nicknames = SilverConfig.load(Path.of("silver")).nicknames(spark);
        assertLocal(nicknames);
        assertTrue(nicknames.filter("nickname = 'bob' AND canonical = 'robert'").count() == 1, "bob -> robert");
    }

    /** No file scan in the plan: the rows were read here and ship with the tasks. */
    private static void assertLocal(Dataset<Row> rows) {
        LogicalPlan plan = rows.queryExecution().analyzed();
        assertTrue(
                plan.collectLeaves().forall(leaf -> leaf instanceof LocalRelation),
                () -> "expected only local rows in\n" + plan);
    }
}
