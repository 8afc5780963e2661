package io.c360.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class GeneratorSettingsTest {
    @TempDir
    Path dir;

    private GeneratorSettings load(String yaml) throws IOException {
        Path file = dir.resolve("generator.yaml");
        Files.writeString(file, yaml);
        return GeneratorSettings.load(file, 100, 7);
    }

    @Test
    void unknownTopLevelKeyIsRejectedByName() {
        C360Exception e = assertThrows(C360Exception.class, () -> load("as_of: 2025-01-01\npersonz: 10\n"));
        assertTrue(e.getMessage().contains("personz"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    }

    @Test
    void unknownNestedKeyIsRejectedWithItsPath() {
        C360Exception e = assertThrows(C360Exception.class, () -> load("noise:\n  typoo: 0.1\n"));
        assertTrue(e.getMessage().contains("noise.typoo"), e.getMessage());
        C360Exception s = assertThrows(C360Exception.class, () -> load("systems:\n  crm:\n    presense: 0.5\n"));
        assertTrue(s.getMessage().contains("systems.crm.presense"), s.getMessage());
    }

    @Test
    void errorsNameTheKeyPathAndWhatWasExpected() {
        String file = dir.resolve("generator.yaml") + ": ";
        assertEquals(
                file + "systems.crm.presense: unknown key (a typo of 'presence'?); expected one of: presence, "
                        + "duplicate_rate",
                assertThrows(C360Exception.class, () -> load("systems:\n  crm:\n    presense: 0.5\n"))
                        .getMessage());
        assertEquals(
                file + "history_years: expected a whole number but was 'many'",
                assertThrows(C360Exception.class, () -> load("history_years: many\n"))
                        .getMessage());
        assertEquals(
                file + "as_of: expected a date like 2026-11-01 but was 'soon'",
                assertThrows(C360Exception.class, () -> load("as_of: soon\n")).getMessage());
        assertEquals(
                file + "households.twin_rate: expected a probability between 0 and 1 but was 2.0",
                assertThrows(C360Exception.class, () -> load("households: {twin_rate: 2}\n"))
                        .getMessage());
    }

    @Test
    void yamlOverridesOnlyWhatItNames() throws IOException {
        GeneratorSettings s = load("""
        as_of: 2025-06-30
        part_size: 1000
        households: {size_weights: [1, 1], twin_rate: 0.5}
        systems: {crm: {duplicate_rate: 0.2}}
        noise: {typo: 0.1}
        contract_violations: {malformed_lines: 0}
        """);
        GeneratorSettings d = GeneratorSettings.defaults(100, 7);
        assertEquals(LocalDate.of(2025, 6, 30), s.asOf());
        assertEquals(1000, s.partSize());
        assertEquals(List.of(1.0, 1.0), s.households().sizeWeights());
        assertEquals(0.5, s.households().twinRate());
        assertEquals(d.households().roommateRate(), s.households().roommateRate());
        assertEquals(0.2, s.systems().crm().duplicateRate());
        assertEquals(d.systems().crm().presence(), s.systems().crm().presence());
        assertEquals(0.1, s.noise().of(NoiseKind.TYPO));
        assertEquals(NoiseKind.NICKNAME.defaultRate(), s.noise().of(NoiseKind.NICKNAME));
        assertEquals(0, s.violations().malformedLines());
    }

    @Test
    void aRateOutsideZeroToOneNamesTheFileAndKey() {
        C360Exception e = assertThrows(C360Exception.class, () -> load("noise: {junk: 1.5}\n"));
        assertTrue(e.getMessage().contains("generator.yaml") && e.getMessage().contains("noise.junk"), e.getMessage());
    }

    @Test
    void noiseScaleMultipliesEveryRateAndCapsAtOne() {
        GeneratorSettings d = GeneratorSettings.defaults(10, 1);
        GeneratorSettings twice = d.withNoiseScale(2);
        for (NoiseKind k : NoiseKind.values()) {
            assertEquals(Math.min(1.0, 2 * d.noise().of(k)), twice.noise().of(k), k.key());
        }
        GeneratorSettings none = d.withNoiseScale(0);
        for (NoiseKind k : NoiseKind.values()) {
            assertEquals(0.0, none.noise().of(k), k.key());
        }
        assertThrows(C360Exception.class, () -> d.withNoiseScale(-1));
    }

    @Test
    void theManifestFormReadsBackToEqualSettings() {
        GeneratorSettings s =
                GeneratorSettings.defaults(10, 1).withNoiseScale(1.7).withAsOf(LocalDate.of(2024, 2, 29));
        assertEquals(s, GeneratorSettings.read("manifest", s.toTree().toString(), GeneratorSettings.defaults(10, 1)));
    }

    @Test
    void theShippedExampleLoadsAndMatchesTheDefaults() {
        GeneratorSettings example = GeneratorSettings.load(Path.of("conf/generator-example.yaml"), 100, 7);
        assertEquals(GeneratorSettings.defaults(100, 7), example);
    }
}
