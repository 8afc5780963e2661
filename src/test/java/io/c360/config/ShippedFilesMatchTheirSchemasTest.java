package io.c360.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every shipped YAML file names its JSON Schema on its first line (which editors with a YAML language
 * server use for completion and checks), and matches it.
 */
@Tag("unit")
class ShippedFilesMatchTheirSchemasTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Pattern SCHEMA_LINE = Pattern.compile("# yaml-language-server: \\$schema=(\\S+)");
    private static final Path SCHEMA_FOLDER =
            Path.of("docs/schema").toAbsolutePath().normalize();

    @Test
    void everyShippedFileNamesItsSchemaAndMatchesIt() throws IOException {
        List<Path> files = shippedFiles();
        assertTrue(files.size() >= 20, "the shipped files: " + files);
        Set<Path> used = new TreeSet<>();
        for (Path file : files) {
            String firstLine = Files.readAllLines(file).get(0);
            Matcher m = SCHEMA_LINE.matcher(firstLine);
            assertTrue(m.matches(), file + " starts with a '# yaml-language-server: $schema=' line");
            Path schema = file.getParent().resolve(m.group(1)).toAbsolutePath().normalize();
            assertEquals(SCHEMA_FOLDER, schema.getParent(), file + ": its schema is one of docs/schema");
            List<Error> errors = schema(schema).validate(YAML.readTree(file.toFile()));
            assertEquals(List.of(), errors.stream().map(Error::toString).toList(), file + " against " + schema);
            used.add(schema.getFileName());
        }
        try (Stream<Path> schemas = Files.list(SCHEMA_FOLDER)) {
            assertEquals(
                    schemas.map(Path::getFileName).collect(java.util.stream.Collectors.toCollection(TreeSet::new)),
                    used,
                    "each schema describes a shipped file");
        }
    }

    @Test
    void aMisspeltKeyOrAFutureVersionDoesNotMatch() throws IOException {
        Schema c360 = schema(SCHEMA_FOLDER.resolve("c360.schema.json"));
        String valid = Files.readString(Path.of("conf/c360.yaml"));
        assertTrue(c360.validate(YAML.readTree(valid)).isEmpty());
        assertFalse(c360.validate(YAML.readTree(valid.replace("landing:", "landng:")))
                .isEmpty());
        assertFalse(c360.validate(YAML.readTree(valid.replace("version: 1", "version: 2")))
                .isEmpty());
        assertFalse(c360.validate(YAML.readTree(valid.replace("format: csv", "format: xml")))
                .isEmpty());
    }

    private static Schema schema(Path file) throws IOException {
        JsonNode node = new ObjectMapper().readTree(file.toFile());
        return SCHEMAS.getSchema(node);
    }

    private static List<Path> shippedFiles() throws IOException {
        try (Stream<Path> all =
                Stream.of("bronze", "silver", "gold", "conf").flatMap(ShippedFilesMatchTheirSchemasTest::walk)) {
            return all.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static Stream<Path> walk(String folder) {
        try {
            return Files.walk(Path.of(folder));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
