package io.c360.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class UsersTest {
    @TempDir
    Path home;

    @Test
    void aUserHasTheRoleOfTheirLineAndKeepsItWhenOnlyThePasswordChanges() throws Exception {
        Path file = home.resolve("users");
        Users.add(file, "ada", Optional.of("privacy"), "correct horse".toCharArray());
        Users.add(file, "bob", Optional.empty(), "battery staple".toCharArray());
        List<String> lines = Files.readAllLines(file);
        assertTrue(
                lines.get(0).matches("ada:pbkdf2-sha256:600000:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:privacy"), lines.get(0));
        assertEquals(5, lines.get(1).split(":").length, "no role, the workbench's format");

        Users.add(file, "ada", Optional.empty(), "tr0ub4dor &3".toCharArray());
        Users users = Users.read(file);
        assertEquals(Optional.of("privacy"), users.role("ada"));
        assertEquals(Optional.empty(), users.role("bob"));
        assertEquals(Optional.empty(), users.role("nobody"));
        assertEquals(List.of("ada", "bob"), users.names());
        assertEquals(Optional.of("ada"), users.check("ada", "tr0ub4dor &3".toCharArray()));
        assertEquals(Optional.empty(), users.check("ada", "correct horse".toCharArray()));

        Users.add(file, "bob", Optional.of("analyst"), "battery staple".toCharArray());
        assertEquals(Optional.of("analyst"), Users.read(file).role("bob"));
    }

    @Test
    void aMalformedRoleIsAnErrorNamingTheLine() throws Exception {
        Path file = home.resolve("users");
        Users.add(file, "ada", Optional.empty(), "correct horse".toCharArray());
        Files.writeString(file, Files.readString(file).strip() + ":Not A Role\n");
        C360Exception e = assertThrows(C360Exception.class, () -> Users.read(file));
        assertTrue(e.getMessage().startsWith(file + " line 1: expected a role"), e.getMessage());
        assertThrows(
                C360Exception.class,
                () -> Users.add(home.resolve("other"), "bob", Optional.of("DROP"), "long enough".toCharArray()));
        assertFalse(Files.exists(home.resolve("other")));
    }

    @Test
    void aMissingFileSaysHowToAddAUser() {
        Path file = home.resolve("conf/users");
        C360Exception e = assertThrows(C360Exception.class, () -> Users.read(file));
        assertEquals(
                file + ": users file not found; add a user with: c360 users add NAME --role ROLE --file " + file,
                e.getMessage());
    }
}
