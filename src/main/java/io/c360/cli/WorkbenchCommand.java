package io.c360.cli;

import io.c360.C360Exception;
import io.c360.access.AccessLog;
import io.c360.access.Masking;
import io.c360.access.Users;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.workbench.Desk;
import io.c360.workbench.Workbench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "workbench",
        mixinStandardHelpOptions = true,
        description = {
            "Serves the steward workbench: a web page to review matches, look up and correct customers, and"
                    + " audit match accuracy on a sample. Prints its URL and runs until interrupted (Ctrl-C or SIGTERM).",
            "The page shows personal data. By default only this machine can open it; without --auth each steward"
                    + " types a name, recorded with every decision. With --auth FILE every request needs the name and"
                    + " password of a steward in FILE (add one with --add-user NAME --auth FILE).",
            "Each steward sees personal data as their role allows (the role on their line of the --auth file, else"
                    + " steward; docs/access.md): the kinds it does not see in clear are masked. Each sign-in (without"
                    + " --auth: each start) is logged in ops.access_log.",
            "Decisions, splits and merges go to silver.steward_decisions at once; the next silver run"
                    + " (c360 run --stage silver) applies them."
        })
final class WorkbenchCommand implements Runnable {
    /** The role a steward works as when the users file gives them none (the configuration's default role if undeclared). */
    static final String STEWARD_ROLE = "steward";

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            defaultValue = "0",
            paramLabel = "N",
            description = "TCP port (default: any free port, printed at start).")
    int port;

    @Option(
            names = "--host",
            defaultValue = Workbench.LOCALHOST,
            paramLabel = "HOST",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every"
                    + " interface, which needs --auth unless the network is trusted).")
    String host;

    @Option(
            names = "--auth",
            paramLabel = "FILE",
            description = "Stewards' password file (lines name:pbkdf2-sha256:iterations:salt:hash): every request"
                    + " must sign in as one of them (HTTP Basic; put TLS in front of it off this machine).")
    Path auth;

    @Option(
            names = "--add-user",
            paramLabel = "NAME",
            description = "Add the steward NAME to the --auth file (or change their password) and exit; the password"
                    + " is read from the terminal, or from the first line of standard input when it is not one.")
    String addUser;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (addUser != null) {
            if (auth == null) {
                throw new C360Exception("--add-user: give the password file with --auth FILE");
            }
            char[] password = Passwords.read("--add-user");
            try {
                Users.add(auth, addUser, Optional.empty(), password);
            } finally {
                Arrays.fill(password, '\0');
            }
            out.println("steward " + addUser + " can sign in to c360 workbench --auth " + auth);
            out.flush();
            return;
        }
        Optional<Users> logins = Optional.ofNullable(auth).map(Users::read);
        C360Config cfg = config.load();
        Lake lake = Lake.forConfig(cfg);
        Masking masking = Masking.forConfig(lake, cfg);
        String stewardRole = masking.settings().roles().containsKey(STEWARD_ROLE)
                ? STEWARD_ROLE
                : masking.settings().defaultRole();
        logins.ifPresent(users ->
                users.names().forEach(name -> users.role(name).ifPresent(role -> masking.role(Optional.of(role)))));
        Function<Optional<String>, String> roleOf = login ->
                login.flatMap(name -> logins.flatMap(users -> users.role(name))).orElse(stewardRole);
        Desk desk = new Desk(lake, cfg, masking, roleOf);
        err.println("c360 workbench: reading " + cfg.lakeRoot());
        err.flush();
        desk.warm();
        Workbench workbench = Workbench.start(
                host, port, logins, desk.routes(), name -> session(lake, name, roleOf.apply(Optional.of(name))));
        if (logins.isEmpty()) {
            // Without sign-in the page cannot tell who opens it: the session is the server's, run by this user.
            session(lake, System.getProperty("user.name"), stewardRole);
        }
        if (!workbench.loopback() && logins.isEmpty()) {
            err.println("c360 workbench: warning: listening on " + host + " without --auth: anyone who can reach this"
                    + " address sees the customers' personal data and can change them");
        }
        out.println("c360 workbench on " + cfg.lakeRoot() + ": " + workbench.url());
        out.flush();
        err.println("c360 workbench: running; Ctrl-C (or SIGTERM) stops it");
        err.flush();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            workbench.close();
                            err.println("c360 workbench: stopped");
                            err.flush();
                        },
                        "c360-workbench-stop"));
        try {
            workbench.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workbench.close();
        }
    }

    /** A steward's workbench session in ops.access_log. */
    private static void session(Lake lake, String user, String role) {
        AccessLog.append(
                lake,
                List.of(new AccessLog.Entry(
                        Instant.now(),
                        user,
                        role,
                        AccessLog.Channel.workbench,
                        "workbench session",
                        List.of(),
                        Optional.empty(),
                        AccessLog.Outcome.answered)));
    }
}
