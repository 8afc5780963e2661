package io.c360.serve;

import io.c360.access.Users;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2's {@code CUSTOM} authentication against the served users file. HiveServer2 makes a new
 * instance for every sign-in, by reflection from a {@code new HiveConf()} (which sees JVM system properties,
 * not the server's settings): the users come from the server that is running, set by {@link Authentication}.
 */
public final class UsersAuthentication implements PasswdAuthenticationProvider {
    private static final AtomicReference<Users> SERVED = new AtomicReference<>();

    static void serve(Users users) {
        SERVED.set(users);
    }

    static void stop() {
        SERVED.set(null);
    }

    @Override
    public void Authenticate(String user, String password) throws AuthenticationException {
        Users users = SERVED.get();
        if (users == null) {
            throw new AuthenticationException("c360 serve is not serving");
        }
        if (user == null || password == null) {
            throw new AuthenticationException("a user name and password are required");
        }
        char[] typed = password.toCharArray();
        try {
            if (users.check(user, typed).isEmpty()) {
                // Which of the two was wrong is not said: that would confirm a user name to a guesser.
                throw new AuthenticationException("wrong user name or password");
            }
        } finally {
            Arrays.fill(typed, '\0');
        }
    }
}
