package io.c360.serve;

import java.util.Optional;
import java.util.function.Function;

/**
 * Who is on a served session: the user HiveServer2 authenticated on the connection, and the role the users
 * file or the LDAP settings give them (empty: the configuration's default role). A session without a user
 * (none was signed in) is treated as the most restricted.
 */
record Caller(Optional<String> user, Optional<String> role) {
    static final Caller NOBODY = new Caller(Optional.empty(), Optional.empty());

    static Caller of(String user, Function<String, Optional<String>> roleOf) {
        return user == null || user.isEmpty() ? NOBODY : new Caller(Optional.of(user), roleOf.apply(user));
    }
}
