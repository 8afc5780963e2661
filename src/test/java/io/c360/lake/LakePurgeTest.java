package io.c360.lake;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Purging a table: deletion vectors applied, old files vacuumed, history before the checkpoint gone. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class LakePurgeTest {
    private static final String VACUUM_LOGGING = "spark.databricks.delta.vacuum.logging.enabled";

    @Test
    void deletedRowsLeaveNoFileNoLogEntryNoVersion(SparkSession spark, @TempDir Path dir) throws IOException {
        purgesTheDeletedRow(spark, dir);
        assertFalse(spark.conf().contains(VACUUM_LOGGING), "VACUUM logging is left to Delta's default again");
    }

    /**
     * Delta logs VACUUM in the table's history only on some file systems (a local lake, not S3). Without
     * those commits, the delete would be the version the history is kept from, with the deleted row's
     * value in its file statistics.
     */
    @Test
    void historyGoesAlsoWhereDeltaDoesNotLogVacuum(SparkSession spark, @TempDir Path dir) throws IOException {
        spark.conf().set(VACUUM_LOGGING, "false");
        try {
            purgesTheDeletedRow(spark, dir);
            assertEquals("false", spark.conf().get(VACUUM_LOGGING), "the session's own setting is back");
        } finally {
            spark.conf().unset(VACUUM_LOGGING);
        }
    }

    /**
     * A table (deletion vectors on) of {@code gone@example.com} and {@code kept@example.com}, the first
     * deleted: versions 0 and 1 still hold it. {@code S3LakeTest} purges the same table in a bucket.
     */
    static void deleteOneOfTwoPeople(SparkSession spark, Lake lake, String location) {
        spark.sql("CREATE TABLE delta.`" + location + "` (email STRING, n INT) USING delta "
                + "TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
        spark.sql("INSERT INTO delta.`" + location + "` VALUES ('gone@example.com', 1), ('kept@example.com', 2)");
        lake.delete(location, col("email").equalTo("gone@example.com"));
    }

    private static void purgesTheDeletedRow(SparkSession spark, Path dir) throws IOException {
        Lake lake = new Lake(spark, dir.toString());
        String location = dir.resolve("ops/people").toString();
        deleteOneOfTwoPeople(spark, lake, location);
        assertTrue(
                spark.read()
                                .format("delta")
                                .option("versionAsOf", 1)
                                .load(location)
                                .count()
                        == 2,
                "readable before the purge");

        Lake.PurgeResult purged = lake.purge(location, 0, true);

        assertTrue(purged.deletionVectorsPurged());
        assertTrue(
                purged.filesRemoved() >= 1,
                "the file with the deleted row and its deletion vector are gone: " + purged);
        assertTrue(purged.logEntriesRemoved() >= 3);
        assertEquals(
                List.of("kept@example.com"),
                spark.read()
                        .format("delta")
                        .load(location)
                        .select("email")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
        assertThrows(
                Exception.class,
                () -> spark.read()
                        .format("delta")
                        .option("versionAsOf", 1)
                        .load(location)
                        .count());
        assertEquals(
                1, spark.sql("DESCRIBE HISTORY delta.`" + location + "`").count(), "history starts at the checkpoint");
        try (Stream<Path> files = Files.walk(Path.of(location))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.toString().endsWith(".parquet")) {
                    assertEquals(
                            0,
                            spark.read()
                                    .parquet(f.toString())
                                    .toJSON()
                                    .filter(col("value").contains("gone@"))
                                    .count(),
                            f.toString());
                } else if (!f.getFileName().toString().startsWith(".")) {
                    assertFalse(
                            Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)
                                    .contains("gone@"),
                            f.toString());
                }
            }
        }
        assertEquals(
                "true",
                spark.conf().get("spark.databricks.delta.retentionDurationCheck.enabled", "true"),
                "the retention check is back on after the purge");
        assertEquals(List.of(new Lake.StoredTable("ops.people", location)), lake.allTables());
    }
}
