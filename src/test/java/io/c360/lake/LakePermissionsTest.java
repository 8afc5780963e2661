package io.c360.lake;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A local lake is readable by its owner only: Delta data, log, checkpoints and VACUUM's entries, text files, the salt. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class LakePermissionsTest {
    @Test
    void everythingALakeSessionWritesIsOwnerOnly(SparkSession spark, @TempDir Path dir) throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Lake lake = new Lake(spark, dir.resolve("lake").toString());
        TableName table = TableName.ops("owner_only");
        lake.append(table, spark.range(10).toDF());
        lake.delete(lake.location(table), col("id").equalTo(3));
        lake.purge(lake.location(table), 0, true);
        lake.writeText("silver/_resolution.json", "{}");
        assertEquals("abc", lake.writeSecretIfAbsent("ops/_salt", "abc").trim());
        assertEquals("abc", lake.writeSecretIfAbsent("ops/_salt", "other").trim(), "an existing secret is kept");

        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir.resolve("lake"))) {
            for (Path p : all.toList()) {
                modes.put(
                        dir.relativize(p).toString(), PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        assertTrue(
                modes.keySet().stream().anyMatch(p -> p.matches("lake/ops/owner_only/part-.*\\.parquet")),
                modes.toString());
        assertTrue(
                modes.keySet().stream()
                        .anyMatch(p -> p.matches("lake/ops/owner_only/_delta_log/\\d+\\.checkpoint\\.parquet")),
                modes.toString());
        assertEquals("rw-------", modes.get("lake/ops/_salt"));
        modes.forEach((path, mode) -> assertTrue(mode.endsWith("------"), path + " is " + mode));
    }
}
