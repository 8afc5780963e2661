package io.c360.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.standardize.Standardization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class EvaluationSpecTest {
    private static final Path MATCHING =
            Path.of("conf/examples/febrl-matching.yaml").toAbsolutePath();

    @TempDir
    Path dir;

    private Path spec(String extra) throws IOException {
        Path file = dir.resolve("people.yaml");
        Files.writeString(
                file,
                "name: people\ninput: {path: people.csv}\n"
                        + "mapping: {record_id: id, surname: last, birth_date: born,"
                        + " occupation: {column: job, type: text}}\n"
                        + "truth: person\nmatching: " + MATCHING + "\n" + extra);
        return file;
    }

    @Test
    void withoutSilverStandardizationTakesTheDefaultsAndTheOverrides() throws IOException {
        Evaluation.Spec spec = Evaluation.Spec.load(
                spec("standardize: {earliest_birth_date: 1750-01-01, date_formats: [dd/MM/yyyy]}\n"));

        Standardization std = spec.silver().identity().standardization();
        assertEquals(LocalDate.of(1750, 1, 1), std.earliestBirthDate());
        assertEquals(List.of("dd/MM/yyyy"), std.dateFormats());
        assertEquals(Standardization.defaults().phoneRegion(), std.phoneRegion());
        assertEquals(
                java.util.Map.of("occupation", io.c360.silver.AttributeType.TEXT),
                spec.silver().matching().extras(),
                "the typed attribute of the mapping is known to matching");
    }

    @Test
    void overridesReplaceTheSilverFoldersSettingsKeyByKey() throws IOException {
        Evaluation.Spec spec = Evaluation.Spec.load(spec(
                "silver: " + Path.of("silver").toAbsolutePath() + "\nstandardize: {date_formats: [dd/MM/yyyy]}\n"));

        Standardization std = spec.silver().identity().standardization();
        Standardization shipped = Standardization.ofIdentityFile(Path.of("silver/identity.yaml"));
        assertEquals(List.of("dd/MM/yyyy"), std.dateFormats());
        assertEquals(shipped.junk(), std.junk(), "what the overrides do not name stays as silver has it");
        assertEquals(shipped.nicknames(), std.nicknames(), "and the nicknames are still found beside identity.yaml");
    }

    @Test
    void aMisspeltOverrideIsNamedWithTheEvaluationFile() throws IOException {
        Path file = spec("standardize: {date_fromats: [dd/MM/yyyy]}\n");

        C360Exception e = assertThrows(C360Exception.class, () -> Evaluation.Spec.load(file));

        assertTrue(e.getMessage().startsWith(file + ": standardize.date_fromats: unknown key"), e.getMessage());
    }
}
