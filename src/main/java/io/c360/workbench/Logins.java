package io.c360.workbench;

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
 * The stewards who may use a workbench started with {@code --auth FILE}: one line per steward,
 * {@code name:pbkdf2-sha256:iterations:salt_b64:hash_b64}. Only the salted PBKDF2 hash of a password is
 * kept, so the file tells a reader who the stewards are but not how to log in as them.
 */
public final class Logins {
    static final String SCHEME = "pbkdf2-sha256";
    /** OWASP's figure for PBKDF2-HMAC-SHA256 (2023): slow enough to make guessing a stolen file costly. */
    static final int ITERATIONS = 600_000;

    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@-]{1,64}");
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private record Login(String scheme, int iterations, byte[] salt, byte[] hash) {}

    private final Map<String, Login> logins;
    /** Checked against when the name is unknown, so a wrong name costs as long as a wrong password. */
    private final Login decoy;

    private Logins(Map<String, Login> logins) {
        this.logins = logins;
        this.decoy = new Login(SCHEME, ITERATIONS, new byte[SALT_BYTES], new byte[HASH_BYTES]);
    }

    /** Reads a password file; a malformed line is an error naming the file and the line number, not its content. */
    public static Logins read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new C360Exception(
                    file + ": password file not found; add a steward with: c360 workbench --add-user NAME" + " --auth "
                            + file);
        }
        Map<String, Login> logins = parse(file);
        if (logins.isEmpty()) {
            throw new C360Exception(
                    file + ": no stewards; add one with: c360 workbench --add-user NAME --auth " + file);
        }
        return new Logins(logins);
    }

    /** The steward whose name and password these are, if they match a line of the file. */
    public Optional<String> check(String name, char[] password) {
        Login login = logins.getOrDefault(name, decoy);
        byte[] hash = hash(password, login.salt(), login.iterations());
        // MessageDigest.isEqual takes the same time wherever the two hashes differ.
        boolean same = MessageDigest.isEqual(hash, login.hash());
        return same && logins.containsKey(name) ? Optional.of(name) : Optional.empty();
    }

    /**
     * Adds a steward to the file (creating it), or replaces that steward's password; the file is rewritten
     * whole through a temporary file, so a crash leaves the old one.
     */
    public static void add(Path file, String name, char[] password) {
        if (!NAME.matcher(name).matches()) {
            throw new C360Exception(
                    "--add-user: expected a name of 1 to 64 letters, digits, spaces or . _ @ - but was '" + name + "'");
        }
        if (password.length < 8) {
            throw new C360Exception("password: expected at least 8 characters; nothing written");
        }
        Map<String, Login> logins = Files.isRegularFile(file) ? parse(file) : new LinkedHashMap<>();
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        logins.put(name, new Login(SCHEME, ITERATIONS, salt, hash(password, salt, ITERATIONS)));
        List<String> lines = new ArrayList<>();
        Base64.Encoder b64 = Base64.getEncoder();
        logins.forEach((n, l) -> lines.add(String.join(
                ":",
                n,
                l.scheme(),
                Integer.toString(l.iterations()),
                b64.encodeToString(l.salt()),
                b64.encodeToString(l.hash()))));
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            // Readable by its owner only (createTempFile's default on POSIX file systems): the hashes are
            // still worth guessing at.
            Path temp = Files.createTempFile(parent, ".logins", ".tmp");
            Files.write(temp, lines, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }

    private static Map<String, Login> parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        Map<String, Login> logins = new LinkedHashMap<>();
        Base64.Decoder b64 = Base64.getDecoder();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            String where = file + " line " + (i + 1);
            if (f.length != 5 || !SCHEME.equals(f[1])) {
                throw new C360Exception(where + ": expected name:" + SCHEME + ":iterations:salt_b64:hash_b64");
            }
            try {
                int iterations = Integer.parseInt(f[2]);
                if (iterations < 1) {
                    throw new NumberFormatException();
                }
                logins.put(f[0], new Login(f[1], iterations, b64.decode(f[3]), b64.decode(f[4])));
            } catch (IllegalArgumentException e) {
                throw new C360Exception(where + ": expected a positive iteration count and base64 salt and hash");
            }
        }
        return logins;
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
