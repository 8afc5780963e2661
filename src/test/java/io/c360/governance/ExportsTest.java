package io.c360.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.access.AccessLog;
import io.c360.lake.Storage;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export is made for a role: on a copy of the shared lake, marketing's e-mail export is written and
 * logged; an analyst's is refused before anything is written, naming what the role does not see, and
 * logged as refused.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class ExportsTest {
    @Test
    void anExportIsWrittenForARoleThatSeesItsColumnsAndRefusedOtherwiseAndBothAreLogged(@TempDir Path dir)
            throws Exception {
        SampleLake.Site site = SampleLake.copy(dir);
        Path file = dir.resolve("welcome.csv");
        long rows = Exports.write(
                site.lake(), site.config(), site.gold(), "everyone_email", file.toString(), "marketing", "mia");
        assertTrue(rows > 0);
        assertEquals(rows + 1, Files.readAllLines(file).size());

        Path refusedFile = dir.resolve("analyst.csv");
        C360Exception refused = assertThrows(
                C360Exception.class,
                () -> Exports.write(
                        site.lake(),
                        site.config(),
                        site.gold(),
                        "everyone_email",
                        refusedFile.toString(),
                        "analyst",
                        "abe"));
        assertTrue(
                refused.getMessage()
                        .startsWith("role analyst does not see email, name in clear, which the email export of segment"
                                + " everyone_email writes (email, given_name, surname of gold.customer); nothing was"
                                + " written."),
                refused.getMessage());
        assertFalse(Files.exists(refusedFile));

        List<Row> log = site.lake()
                .read(AccessLog.ACCESS_LOG)
                .orderBy("at")
                .select("user", "role", "channel", "statement", "rows", "outcome")
                .collectAsList();
        assertEquals(
                List.of(
                        List.of(
                                "mia",
                                "marketing",
                                "export",
                                "export --segment everyone_email --out " + Storage.qualified(file.toString()),
                                rows,
                                "answered"),
                        java.util.Arrays.asList(
                                "abe",
                                "analyst",
                                "export",
                                "export --segment everyone_email --out " + Storage.qualified(refusedFile.toString()),
                                null,
                                "refused")),
                log.stream()
                        .map(r -> java.util.Arrays.asList(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
                        .toList());
    }
}
