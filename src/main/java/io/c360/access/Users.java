package io.c360.access;

import io.c360.C360Exception;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The people who may sign in to {@code c360 serve} and {@code c360 workbench}, and their roles: one line per
 * user, {@code name:pbkdf2-sha256:iterations:salt_b64:hash_b64[:role]}. A line without a role gives the
 * user the configuration's default role. Only the salted PBKDF2 hash of a password is kept, so the file tells
 * a reader who the users are but not how to sign in as them.
 */
public final class Users {
    static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023): slow enough to make guessing a stolen file costly. */
    static final int ITERATIONS = 600_000;

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@-]{1,64}");
    /** The role names of the run configuration's {@code access.roles}. */
    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_]*");

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final String FORMAT = "name:" + SCHEME + ":iterations:salt_b64:hash_b64 or ...:hash_b64:role";

    private record User(String scheme, int iterations, byte[] salt, byte[] hash, Optional<String> role) {}

    private final Map<String, User> users;
    /** Checked against when the name is unknown, so a wrong name costs as long as a wrong password. */
    private final User decoy;

    private Users(Map<String, User> users) {
        this.users = users;
        this.decoy = new User(SCHEME, ITERATIONS, new byte[SALT_BYTES], new byte[HASH_BYTES], Optional.empty());
    }

    /** Reads a users file; a malformed line is an error naming the file and the line number, not its content. */
    public static Users read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new C360Exception(file + ": users file not found; add a user with: " + addCommand(file));
        }
        Map<String, User> users = parse(file);
        if (users.isEmpty()) {
            throw new C360Exception(file + ": no users; add one with: " + addCommand(file));
        }
        return new Users(users);
    }

    /** The command line that adds a user to {@code file}, for error messages. */
    public static String addCommand(Path file) {
        return "c360 users add NAME --role ROLE --file " + file;
    }

    /** The user whose name and password these are, if they match a line of the file. */
    public Optional<String> check(String name, char[] password) {
        User user = users.getOrDefault(name, decoy);
        byte[] hash = hash(password, user.salt(), user.iterations());
        // MessageDigest.isEqual takes the same time wherever the two hashes differ.
        boolean same = MessageDigest.isEqual(hash, user.hash());
        return same && users.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    /** The role written on the user's line; empty for a user without one, or a name the file does not hold. */
    public Optional<String> role(String name) {
        User user = users.get(name);
        return user == null ? Optional.empty() : user.role();
    }

    /** The users' names, in the file's order. */
    public List<String> names() {
        return List.copyOf(users.keySet());
    }

    /**
     * Adds a user to the file (creating it), or replaces that user's password; a role replaces theirs, no
     * role keeps the one they have (none for a new user). The file is rewritten whole through a temporary
     * file, so a crash leaves the old one.
     */
    public static void add(Path file, String name, Optional<String> role, char[] password) {
        if (!NAME.matcher(name).matches()) {
            throw new C360Exception(
                    "user name: expected 1 to 64 letters, digits, spaces or . _ @ - but was '" + name + "'");
        }
        role.ifPresent(r -> {
            if (!ROLE.matcher(r).matches()) {
                throw new C360Exception("--role: expected lower-case letters, digits and _ (a role of access.roles"
                        + " in the run configuration) but was '" + r + "'");
            }
        });
        if (password.length < 8) {
            throw new C360Exception("password: expected at least 8 characters; nothing written");
        }
        Map<String, User> users = Files.isRegularFile(file) ? parse(file) : new LinkedHashMap<>();
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        Optional<String> kept =
                role.or(() -> Optional.ofNullable(users.get(name)).flatMap(User::role));
        users.put(name, new User(SCHEME, ITERATIONS, salt, hash(password, salt, ITERATIONS), kept));
        List<String> lines = new ArrayList<>();
        Base64.Encoder b64 = Base64.getEncoder();
        users.forEach((n, u) -> {
            List<String> fields = new ArrayList<>(List.of(
                    n,
                    u.scheme(),
                    Integer.toString(u.iterations()),
                    b64.encodeToString(u.salt()),
                    b64.encodeToString(u.hash())));
            u.role().ifPresent(fields::add);
            lines.add(String.join(":", fields));
        });
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            // Readable by its owner only (createTempFile's default on POSIX file systems): the hashes are
            // still worth guessing at.
            Path temp = Files.createTempFile(parent, ".users", ".tmp");
            Files.write(temp, lines, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    private static Map<String, User> parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        Map<String, User> users = new LinkedHashMap<>();
        Base64.Decoder b64 = Base64.getDecoder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            String where = file + " line " + (i + 1);
            if ((f.length != 5 && f.length != 6) || !SCHEME.equals(f[1])) {
                throw new C360Exception(where + ": expected " + FORMAT);
            }
            Optional<String> role = f.length == 6 ? Optional.of(f[5]) : Optional.empty();
            if (role.isPresent() && !ROLE.matcher(role.get()).matches()) {
                throw new C360Exception(
                        where + ": expected a role of lower-case letters, digits and _ in the sixth field");
            }
            try {
                int iterations = Integer.parseInt(f[2]);
                if (iterations < 1) {
                    throw new NumberFormatException();
                }
                users.put(f[0], new User(f[1], iterations, b64.decode(f[3]), b64.decode(f[4]), role));
            } catch (IllegalArgumentException e) {
                throw new C360Exception(where + ": expected a positive iteration count and base64 salt and hash");
            }
        }
        return users;
    }

    private static byte[] hash(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
