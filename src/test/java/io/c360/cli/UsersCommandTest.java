package io.c360.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.access.Users;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** c360 users add and list: the password from standard input, the role on the user's line, no hash printed. */
@Tag("unit")
class UsersCommandTest {
    @TempDir
    Path home;

    private record Outcome(int code, String out, String err) {}

    private static Outcome c360(String stdin, String... args) {
        InputStream original = System.in;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int code = C360.execute(new PrintWriter(out), new PrintWriter(err), args);
            return new Outcome(code, out.toString(), err.toString());
        } finally {
            System.setIn(original);
        }
    }

    @Test
    void addsUsersWithRolesAndListsThemWithoutHashes() throws Exception {
        Path file = home.resolve("conf/users");
        Outcome ada = c360(
                "correct horse\n",
                "users",
                "add",
                "ada",
                "--role",
                "privacy",
                "--file",
                file.toString(),
                "-c",
                "conf/c360.yaml");
        assertEquals(0, ada.code(), ada.err());
        assertTrue(ada.out().contains("user ada (role privacy) can sign in"), ada.out());
        Outcome bob = c360("battery staple\n", "users", "add", "bob", "--file", file.toString());
        assertEquals(0, bob.code(), bob.err());

        Users users = Users.read(file);
        assertEquals(Optional.of("ada"), users.check("ada", "correct horse".toCharArray()));
        assertEquals(Optional.of("privacy"), users.role("ada"));
        assertEquals(Optional.empty(), users.role("bob"));

        Outcome list = c360("", "users", "list", "--file", file.toString());
        assertEquals(0, list.code(), list.err());
        assertEquals("ada\tprivacy\nbob\t(default role)\n", list.out().replace("\r", ""));
        String hash = Files.readAllLines(file).get(0).split(":")[4];
        assertFalse(list.out().contains(hash));
    }

    @Test
    void aBadRoleOrAShortPasswordWritesNothing() {
        Path file = home.resolve("users");
        String none = home.resolve("none.yaml").toString();
        Outcome role = c360(
                "correct horse\n", "users", "add", "ada", "--role", "Admin!", "--file", file.toString(), "-c", none);
        assertEquals(1, role.code());
        assertTrue(role.err().contains("--role: expected lower-case letters"), role.err());
        Outcome undeclared = c360(
                "correct horse\n",
                "users",
                "add",
                "ada",
                "--role",
                "auditor",
                "--file",
                file.toString(),
                "-c",
                "conf/c360.yaml");
        assertEquals(1, undeclared.code());
        assertTrue(undeclared.err().contains("--role: 'auditor' is not declared; expected one of"), undeclared.err());
        Outcome shortPassword = c360("short\n", "users", "add", "ada", "--file", file.toString());
        assertEquals(1, shortPassword.code());
        assertTrue(shortPassword.err().contains("at least 8 characters"), shortPassword.err());
        assertFalse(Files.exists(file));
        Outcome missing = c360("", "users", "list", "--file", file.toString(), "-c", none);
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("c360 users add NAME --role ROLE --file " + file), missing.err());
    }
}
