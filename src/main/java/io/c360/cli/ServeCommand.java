package io.c360.cli;

import io.c360.C360Exception;
import io.c360.access.Masking;
import io.c360.config.C360Config;
import io.c360.config.ServeSettings;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.serve.Authentication;
import io.c360.serve.BiServer;
import java.io.PrintWriter;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serves the lake to BI tools over JDBC and ODBC (the Spark Thrift Server).",
            "Any Hive JDBC or Spark ODBC client (DBeaver, Power BI, Tableau) sees every Delta table of the lake as"
                    + " layer.name (gold.customer, ...) through the HiveServer2 protocol. Prints the JDBC URL and runs until"
                    + " interrupted (Ctrl-C or SIGTERM).",
            "Only reads of those tables are answered (queries, USE, SHOW, DESCRIBE); every other statement (SET"
                    + " included), files read by path, Java reflection and settings in the JDBC URL are refused.",
            "Clients sign in with a user name and password: users of the users file (c360 users add) or, with"
                    + " serve.auth: ldap, of the directory (serve: in the run configuration). --no-auth serves without"
                    + " authentication, on this machine only.",
            "Each user sees the tables with the personal data their role does not see in clear masked (access: in the"
                    + " run configuration), and every statement is appended to ops.access_log."
        })
final class ServeCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            defaultValue = "" + BiServer.DEFAULT_PORT,
            paramLabel = "N",
            description = "TCP port (default: ${DEFAULT-VALUE}, HiveServer2's).")
    int port;

    @Option(
            names = "--host",
            defaultValue = BiServer.LOCALHOST,
            paramLabel = "HOST",
            description =
                    "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every interface).")
    String host;

    @Option(
            names = "--no-auth",
            description = "Serve without authentication: anyone on this machine connects, under any name, with the"
                    + " default role (access.default_role); refused unless --host is 127.0.0.1, ::1 or localhost.")
    boolean noAuth;

    @Override
    public void run() {
        if (port < 0 || port > 65535) {
            throw new C360Exception("--port: expected 0 to 65535 but was " + port);
        }
        C360Config cfg = config.load();
        Authentication auth = noAuth ? Authentication.none() : Authentication.forConfig(cfg.serve());
        // Before Spark starts: a refusal should not take the seconds a session takes.
        auth.check(host);
        PrintWriter err = spec.commandLine().getErr();
        Lake lake = Lake.forConfig(cfg);
        BiServer server = BiServer.start(lake, Masking.forConfig(lake, cfg), host, port, auth);
        if (!auth.required()) {
            err.println("c360 serve: warning: --no-auth: anyone who can connect from this machine reads every"
                    + " served table, under any name, with the default role");
            err.flush();
        }
        PrintWriter out = spec.commandLine().getOut();
        int n = server.tables().size();
        out.println("serving " + n + (n == 1 ? " table" : " tables") + " of " + cfg.lakeRoot()
                + " over JDBC (HiveServer2 protocol)");
        out.println("  JDBC URL: " + server.jdbcUrl());
        if (auth.required()) {
            out.println("  sign in with a user name and password ("
                    + (cfg.serve().auth() == ServeSettings.Auth.ldap ? "the directory's" : "c360 users add") + ")");
        }
        server.tables().stream()
                .collect(Collectors.groupingBy(
                        TableName::layer, TreeMap::new, Collectors.mapping(TableName::name, Collectors.joining(", "))))
                .forEach((layer, names) -> out.println("  " + layer + ": " + names));
        out.flush();
        err.println("c360 serve: running; Ctrl-C (or SIGTERM) stops it");
        err.flush();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            err.println("c360 serve: stopped");
                            err.flush();
                        },
                        "c360-serve-stop"));
        try {
            server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
    }
}
