package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.config.C360Config;
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
class SilverConfigTest {
    @TempDir
    Path dir;

    @Test
    void aRunConfigurationReplacesStandardizationSettingsKeyByKey() throws IOException {
        Path file = dir.resolve("c360.yaml");
        Files.writeString(
                file,
                "lake: {root: lake}\nlanding: landing\nsilver: "
                        + Path.of("silver").toAbsolutePath() + "\n"
                        + "standardize: {date_formats: [dd/MM/yyyy], earliest_birth_date: 1700-01-01}\n"
                        + "sources: [{name: crm, system: crm, format: csv, path: crm, contract: crm.yaml}]\n");

        SilverConfig silver = SilverConfig.of(C360Config.load(file));

        Standardization std = silver.identity().standardization();
        Standardization shipped = Standardization.ofIdentityFile(Path.of("silver/identity.yaml"));
        assertEquals(List.of("dd/MM/yyyy"), std.dateFormats());
        assertEquals(LocalDate.of(1700, 1, 1), std.earliestBirthDate());
        assertEquals(shipped.junk(), std.junk(), "the settings not named stay the silver folder's");
        assertEquals(shipped.nicknames(), std.nicknames());
        assertEquals(
                IdentityConfig.load(Path.of("silver/identity.yaml")).sources().keySet(),
                silver.identity().sources().keySet());
    }
}
