package io.c360.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.synth.GenerationSummary;
import io.c360.synth.NoiseKind;
import io.c360.synth.SyntheticSources;
import io.c360.test.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class GenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesIntoOutWithTheGivenSettings() {
        Path out = dir.resolve("out");
        assertEquals(
                0,
                Cli.c360("generate", "--persons", "40", "--seed", "3", "--noise", "2", "--out", out.toString())
                        .code());
        GenerationSummary s = SyntheticSources.existing(out).orElseThrow();
        assertEquals(40, s.persons());
        assertEquals(3, s.seed());
        assertEquals(0.06, s.settings().noise().of(NoiseKind.TYPO), 1e-12);
    }

    @Test
    void defaultsToTheLandingFolderOfTheRunConfiguration() throws IOException {
        Path config = dir.resolve("conf/c360.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
        lake: {root: ../lake}
        landing: ../landing
        sources:
          - {name: crm_contacts, system: crm, format: csv, path: 'crm/contacts_*.csv', contract: ../bronze/crm_contacts.yaml}
        """);
        assertEquals(
                0,
                Cli.c360("generate", "-c", config.toString(), "--persons", "25").code());
        assertTrue(SyntheticSources.existing(dir.resolve("landing")).isPresent());
    }

    @Test
    void aBadDateIsAUserError() {
        assertEquals(
                1,
                Cli.c360("generate", "--persons", "5", "--out", dir.toString(), "--as-of", "01/11/2026")
                        .code());
        assertEquals(2, Cli.c360("generate", "--out", dir.toString()).code());
    }
}
