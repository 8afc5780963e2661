package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The JSON documents a stage keeps beside its tables: read as a record, replaced whole, a bad one named. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class LakeDocumentsTest {
    record Marker(
            @JsonProperty("run_id") String runId,
            @JsonProperty("tables") Map<String, Long> tables) {}

    @Test
    void aDocumentIsReadAsItWasWrittenAndReplacedWhole(SparkSession spark, @TempDir Path dir) throws IOException {
        Lake lake = new Lake(spark, dir.resolve("lake").toString());
        assertEquals(Optional.empty(), lake.readJson("silver/_marker.json", Marker.class, "delete it"));

        lake.writeJson("silver/_marker.json", new Marker("run-1", Map.of("silver.identities", 3L)));
        Marker second = new Marker("run-2", Map.of("silver.identities", 4L));
        lake.writeJson("silver/_marker.json", second);

        assertEquals(Optional.of(second), lake.readJson("silver/_marker.json", Marker.class, "delete it"));
        assertEquals(
                "{\"run_id\":\"run-2\",\"tables\":{\"silver.identities\":4}}",
                Files.readString(dir.resolve("lake/silver/_marker.json")),
                "the file holds the record's JSON, nothing else");
        try (Stream<Path> files = Files.list(dir.resolve("lake/silver"))) {
            assertTrue(
                    files.noneMatch(f -> f.getFileName().toString().contains("partial")),
                    "nothing is left of the write but the document");
        }
    }

    @Test
    void aDocumentThatDoesNotReadAsItsRecordNamesTheFileAndTheRemedy(SparkSession spark, @TempDir Path dir) {
        Lake lake = new Lake(spark, dir.resolve("lake").toString());
        lake.writeText("gold/_marker.json", "{\"run_id\": ");

        Lake.MalformedDocument e = assertThrows(
                Lake.MalformedDocument.class,
                () -> lake.readJson("gold/_marker.json", Marker.class, "delete it to publish again"));
        assertTrue(e.getMessage().startsWith("cannot read " + lake.root() + "/gold/_marker.json: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(delete it to publish again)"), e.getMessage());
    }
}
