package io.c360.serve;

import io.c360.C360Exception;
import io.c360.access.Users;
import io.c360.config.ServeSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.RuntimeConfig;

/**
 * Who may connect to {@code c360 serve}, through HiveServer2's own authentication modes: {@code CUSTOM} with
 * the users file's salted password hashes ({@link UsersAuthentication}), {@code LDAP} (a simple bind to the
 * directory as the user), or {@code NONE} on loopback only. Each also says a signed-in user's role: the
 * users file's, or the LDAP settings' {@code roles}. TLS is an option of every mode.
 *
 * <p>HiveServer2 builds its password checker from a {@code new HiveConf()} at every sign-in, which reads
 * JVM system properties rather than the server's settings: the custom class and the LDAP settings are set
 * as system properties while the server runs, so one JVM serves with one authentication at a time.
 */
public final class Authentication {
    /** HiveServer2's setting names (HiveConf.ConfVars). */
    static final String MODE = "hive.server2.authentication";

    static final String CUSTOM_CLASS = "hive.server2.custom.authentication.class";
    static final String LDAP_URL = "hive.server2.authentication.ldap.url";
    static final String LDAP_BASE_DN = "hive.server2.authentication.ldap.baseDN";
    static final String LDAP_USER_DN_PATTERN = "hive.server2.authentication.ldap.userDNPattern";
    private static final String USE_SSL = "hive.server2.use.SSL";
    private static final String KEYSTORE_PATH = "hive.server2.keystore.path";
    private static final String KEYSTORE_PASSWORD = "hive.server2.keystore.password";
    /** A client could otherwise name another user to act as ({@code hive.server2.proxy.user} in the JDBC URL). */
    private static final String USER_SUBSTITUTION = "hive.server2.allow.user.substitution";

    private enum Mode {
        CUSTOM,
        LDAP,
        NONE
    }

    private record Tls(Path keystore, String password) {}

    private final Mode mode;
    private final Optional<Users> users;
    private final Optional<ServeSettings.Ldap> ldap;
    private final Optional<Tls> tls;

    private Authentication(Mode mode, Optional<Users> users, Optional<ServeSettings.Ldap> ldap, Optional<Tls> tls) {
        this.mode = mode;
        this.users = users;
        this.ldap = ldap;
        this.tls = tls;
    }

    /** Users and roles of a users file ({@code c360 users add}). */
    public static Authentication users(Users users) {
        return new Authentication(Mode.CUSTOM, Optional.of(users), Optional.empty(), Optional.empty());
    }

    /** A simple bind to the directory as the user; roles from the settings' {@code roles}. */
    public static Authentication ldap(ServeSettings.Ldap ldap) {
        return new Authentication(Mode.LDAP, Optional.empty(), Optional.of(ldap), Optional.empty());
    }

    /** No authentication: only for a server bound to loopback ({@link #check(String)}). */
    public static Authentication none() {
        return new Authentication(Mode.NONE, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The same authentication over TLS with the keystore's certificate (PKCS12 or JKS). */
    public Authentication withTls(Path keystore, String password) {
        if (!Files.isRegularFile(keystore)) {
            throw new C360Exception("serve.tls.keystore: " + keystore + ": keystore not found");
        }
        return new Authentication(mode, users, ldap, Optional.of(new Tls(keystore.toAbsolutePath(), password)));
    }

    /**
     * The authentication of the run configuration's {@code serve:}. Without a users file (and without LDAP)
     * there is no one to let in: that is an error saying how to add a user.
     */
    public static Authentication forConfig(ServeSettings serve) {
        Authentication auth = switch (serve.auth()) {
            case ldap ->
                ldap(serve.ldap()
                        .orElseThrow(() -> new C360Exception(
                                "serve.ldap: missing; auth: ldap needs ldap: {url: ..., base_dn: ...}")));
            case users -> {
                try {
                    yield users(Users.read(serve.users()));
                } catch (C360Exception e) {
                    throw new C360Exception(
                            "c360 serve requires authentication: " + e.getMessage()
                                    + " (or configure serve.ldap; or serve this machine only with --no-auth)",
                            e);
                }
            }
        };
        if (serve.tls().isPresent()) {
            ServeSettings.Tls tls = serve.tls().get();
            String password = System.getenv(tls.passwordEnv());
            if (password == null || password.isEmpty()) {
                throw new C360Exception("serve.tls: set the password of " + tls.keystore()
                        + " in the environment variable " + tls.passwordEnv());
            }
            auth = auth.withTls(tls.keystore(), password);
        }
        return auth;
    }

    /** Whether clients must sign in. */
    public boolean required() {
        return mode != Mode.NONE;
    }

    /** Whether clients connect over TLS. */
    public boolean tls() {
        return tls.isPresent();
    }

    /** The role the users file or the LDAP settings give a signed-in user; empty for the default role. */
    Optional<String> role(String user) {
        return switch (mode) {
            case CUSTOM -> users.orElseThrow().role(user);
            case LDAP -> Optional.ofNullable(ldap.orElseThrow().roles().get(user));
            case NONE -> Optional.empty();
        };
    }

    /** The roles the users file or the LDAP settings give users by name (users without one are not listed). */
    Map<String, String> roles() {
        Map<String, String> roles = new LinkedHashMap<>();
        users.ifPresent(u -> u.names().forEach(name -> u.role(name).ifPresent(role -> roles.put(name, role))));
        ldap.ifPresent(l -> roles.putAll(l.roles()));
        return roles;
    }

    /** Refuses to serve without authentication on an address other machines reach. */
    public void check(String host) {
        if (required()) {
            return;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new C360Exception("cannot serve on " + host + ": unknown host " + host, e);
        }
        if (!loopback) {
            throw new C360Exception("--no-auth: refused with --host " + host
                    + ": without authentication c360 serve listens on this machine only (127.0.0.1, ::1 or"
                    + " localhost); add users with c360 users add to serve other machines");
        }
    }

    /** The server's own settings (mode, TLS); they are the Thrift server's, read when it starts. */
    void configure(RuntimeConfig conf) {
        conf.set(MODE, mode.name());
        conf.set(USER_SUBSTITUTION, "false");
        tls.ifPresent(t -> {
            conf.set(USE_SSL, "true");
            conf.set(KEYSTORE_PATH, t.keystore().toString());
            conf.set(KEYSTORE_PASSWORD, t.password());
        });
    }

    /** The settings HiveServer2's password checkers read at each sign-in, as system properties. */
    Map<String, String> systemProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (mode == Mode.CUSTOM) {
            properties.put(CUSTOM_CLASS, UsersAuthentication.class.getName());
        }
        ldap.ifPresent(l -> {
            properties.put(LDAP_URL, l.url());
            l.baseDn().ifPresent(dn -> properties.put(LDAP_BASE_DN, dn));
            l.userDnPattern().ifPresent(p -> properties.put(LDAP_USER_DN_PATTERN, p));
        });
        return properties;
    }

    /** Makes this authentication the one HiveServer2's password checkers use, until {@link #release}. */
    void engage() {
        users.ifPresent(UsersAuthentication::serve);
        systemProperties().forEach(System::setProperty);
    }

    void release() {
        UsersAuthentication.stop();
        for (String key : new String[] {CUSTOM_CLASS, LDAP_URL, LDAP_BASE_DN, LDAP_USER_DN_PATTERN}) {
            System.clearProperty(key);
        }
    }
}
