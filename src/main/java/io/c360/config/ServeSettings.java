package io.c360.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code c360 serve} authenticates its clients ({@code serve:} in the run configuration). {@code users}:
 * the names, salted password hashes and roles of a users file ({@code c360 users add}); {@code ldap}: a
 * simple bind to a directory, each user's role from {@code ldap.roles}. {@code tls}: the Thrift port speaks
 * TLS with the keystore's certificate.
 */
public record ServeSettings(Auth auth, Path users, Optional<Ldap> ldap, Optional<Tls> tls) {
    /** The users file of a configuration that names none: {@code users} beside the configuration file. */
    public static final String DEFAULT_USERS = "users";

    public static final String DEFAULT_KEYSTORE_PASSWORD_ENV = "C360_SERVE_KEYSTORE_PASSWORD";

    public enum Auth {
        users,
        ldap
    }

    /**
     * The directory users bind to. {@code userDnPattern}: the DN of user {@code %s} (several patterns
     * separated by {@code :}); without it, {@code uid=<user>,<baseDn>}. {@code roles}: user name to role; a
     * user not listed has the configuration's default role.
     */
    public record Ldap(String url, Optional<String> baseDn, Optional<String> userDnPattern, Map<String, String> roles) {
        public Ldap {
            roles = Map.copyOf(roles);
        }
    }

    /** The server's certificate: a PKCS12 or JKS keystore, its password in the environment variable {@code passwordEnv}. */
    public record Tls(Path keystore, String passwordEnv) {}

    /** The settings of a configuration without {@code serve:}: users from the users file beside it. */
    public static ServeSettings defaults(Path configFile) {
        return new ServeSettings(Auth.users, beside(configFile, DEFAULT_USERS), Optional.empty(), Optional.empty());
    }

    private static Path beside(Path configFile, String file) {
        Path folder = configFile.toAbsolutePath().getParent();
        return folder.resolve(file).normalize();
    }

    /** {@code serve:} as written; paths are resolved against the configuration file's folder by {@link #resolve}. */
    record Document(String auth, String users, LdapDocument ldap, TlsDocument tls) {
        Document {
            if (auth != null) {
                try {
                    Auth.valueOf(auth.toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new ConfigReader.InvalidSetting("auth", "expected users or ldap but was '" + auth + "'");
                }
                if (auth.equalsIgnoreCase(Auth.ldap.name()) && ldap == null) {
                    throw new ConfigReader.InvalidSetting(
                            "ldap", "missing required key (auth: ldap needs ldap: {url: ..., base_dn: ...})");
                }
            }
        }

        ServeSettings resolve(Path configFile) {
            Auth mode = auth == null ? Auth.users : Auth.valueOf(auth.toLowerCase(Locale.ROOT));
            Path usersFile = beside(configFile, ConfigReader.orDefault(users, DEFAULT_USERS));
            return new ServeSettings(
                    mode,
                    usersFile,
                    Optional.ofNullable(ldap).map(LdapDocument::settings),
                    Optional.ofNullable(tls).map(t -> t.settings(configFile)));
        }
    }

    record LdapDocument(String url, String baseDn, String userDnPattern, Map<String, String> roles) {
        LdapDocument {
            ConfigReader.required(url, "url");
            if (!url.matches("ldaps?://.+")) {
                throw new ConfigReader.InvalidSetting(
                        "url", "expected ldap://host:port or ldaps://host:port but was '" + url + "'");
            }
            if (baseDn == null && userDnPattern == null) {
                throw new ConfigReader.InvalidSetting(
                        "base_dn",
                        "missing required key (or user_dn_pattern, such as uid=%s,ou=people,dc=example,dc=com)");
            }
            if (userDnPattern != null && !userDnPattern.contains("%s")) {
                throw new ConfigReader.InvalidSetting(
                        "user_dn_pattern", "expected %s where the user name goes but was '" + userDnPattern + "'");
            }
            roles = ConfigReader.orDefault(roles, Map.of());
        }

        Ldap settings() {
            return new Ldap(url, Optional.ofNullable(baseDn), Optional.ofNullable(userDnPattern), roles);
        }
    }

    record TlsDocument(String keystore, String passwordEnv) {
        TlsDocument {
            ConfigReader.required(keystore, "keystore");
            if (keystore.isBlank()) {
                throw new ConfigReader.InvalidSetting("keystore", "expected a keystore file");
            }
        }

        Tls settings(Path configFile) {
            return new Tls(
                    beside(configFile, keystore), ConfigReader.orDefault(passwordEnv, DEFAULT_KEYSTORE_PASSWORD_ENV));
        }
    }
}
