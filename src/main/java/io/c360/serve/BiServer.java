package io.c360.serve;

import io.c360.C360Exception;
import io.c360.access.Masking;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hive.service.Service;
import org.apache.hive.service.cli.thrift.ThriftCLIService;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * The lake for BI tools: a Spark Thrift Server (the HiveServer2 protocol, spoken by the Hive JDBC
 * driver and the Spark ODBC drivers) on a session sharing the lake session's catalog. Every Delta table
 * of the layers is served as a view named {@code layer.name} (see {@link Lake#registerView}), and the
 * served sessions answer reads of those views only ({@link ReadsOnly}): the server runs with the lake's
 * storage credentials, so a statement that reached anything else would act with them. Clients sign in
 * as {@link Authentication} says (users file, LDAP, or none on loopback), optionally over TLS. Stopping the
 * server leaves the SparkSession running.
 */
public final class BiServer implements AutoCloseable {
    public static final int DEFAULT_PORT = 10000;
    public static final String LOCALHOST = "127.0.0.1";

    private final HiveThriftServer2 server;
    private final String host;
    private final int port;
    private final List<TableName> tables;
    private final Authentication auth;
    private final ServedLog log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Whether a server of this JVM has engaged its authentication (see {@link Authentication}). */
    private static final AtomicBoolean AUTHENTICATING = new AtomicBoolean();

    private BiServer(
            HiveThriftServer2 server,
            String host,
            int port,
            List<TableName> tables,
            Authentication auth,
            ServedLog log) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.tables = List.copyOf(tables);
        this.auth = auth;
        this.log = log;
    }

    /**
     * Registers the lake's tables and starts serving them on {@code host:port} ({@code 0.0.0.0}: every
     * interface; port 0: any free port, see {@link #port()}) to the clients {@code auth} lets in. Without
     * authentication, only on loopback. Each client sees the tables masked for their role, and every statement
     * is appended to {@code ops.access_log}.
     */
    public static BiServer start(Lake lake, Masking masking, String host, int port, Authentication auth) {
        auth.check(host);
        auth.roles().forEach((user, role) -> {
            try {
                masking.role(Optional.of(role));
            } catch (C360Exception e) {
                throw new C360Exception("user " + user + ": " + e.getMessage(), e);
            }
        });
        if (auth.required() && !AUTHENTICATING.compareAndSet(false, true)) {
            throw new C360Exception("another c360 serve with authentication runs in this JVM; stop it first");
        }
        try {
            return launch(lake, masking, host, port, auth);
        } catch (RuntimeException e) {
            if (auth.required()) {
                auth.release();
                AUTHENTICATING.set(false);
            }
            throw e;
        }
    }

    private static BiServer launch(Lake lake, Masking masking, String host, int port, Authentication auth) {
        List<TableName> tables = lake.registerAllAsViews();
        if (tables.isEmpty()) {
            throw new C360Exception("no Delta table under " + lake.root()
                    + " to serve; build the lake first (c360 demo, or c360 run --stage all)");
        }
        // JDBC sessions are opened from this one: they share the lake session's catalog, not its settings.
        ServedLog log = new ServedLog(lake, System.err);
        SparkSession serving = ReadsOnly.session(lake.spark(), tables, auth::role, masking, log);
        serving.conf().set("hive.server2.transport.mode", "binary");
        serving.conf().set("hive.server2.thrift.bind.host", host);
        serving.conf().set("hive.server2.thrift.port", String.valueOf(port));
        // Per-query log files for clients: a server that fails to start would delete the folder all servers of
        // this user share (/tmp/<user>/operation_logs) from under a running one.
        serving.conf().set("hive.server2.logging.operation.enabled", "false");
        auth.configure(serving.conf());
        if (auth.required()) {
            auth.engage();
        }
        HiveThriftServer2 server;
        // Spark's Hive client for the server takes the Hive session state the starting thread holds, settings
        // included, from the server that thread started before: a fresh thread gives each server its own.
        ExecutorService starter = Executors.newSingleThreadExecutor(r -> new Thread(r, "c360-serve-start"));
        try {
            server = starter.submit(() -> HiveThriftServer2.startWithContext(serving.sqlContext()))
                    .get();
        } catch (ExecutionException e) {
            log.close();
            throw e.getCause() instanceof RuntimeException r
                    ? cannotListen(r, host, port)
                    : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            log.close();
            Thread.currentThread().interrupt();
            throw new C360Exception("interrupted while starting to serve on " + host + ":" + port, e);
        } finally {
            starter.shutdown();
        }
        return new BiServer(server, host, listeningPort(server, port), tables, auth, log);
    }

    private static C360Exception cannotListen(RuntimeException e, String host, int port) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new C360Exception(
                        "cannot serve on " + host + ":" + port + ": port " + port
                                + " is in use (another c360 serve or HiveServer2?); choose another with --port",
                        e);
            }
            if (t instanceof UnknownHostException) {
                return new C360Exception("cannot serve on " + host + ":" + port + ": unknown host " + host, e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new C360Exception("cannot serve on " + host + ":" + port + ": " + root.getMessage(), e);
    }

    private static int listeningPort(HiveThriftServer2 server, int requested) {
        for (Service service : server.getServices()) {
            if (service instanceof ThriftCLIService thrift) {
                return thrift.getPortNumber();
            }
        }
        return requested;
    }

    public int port() {
        return port;
    }

    /** The tables served, as {@code layer.name}. */
    public List<TableName> tables() {
        return tables;
    }

    /** What a JDBC client connects to; a server on every interface is named by this machine's host name. */
    public String jdbcUrl() {
        String address = host;
        if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::")) {
            try {
                address = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                address = "<this machine>";
            }
        }
        return "jdbc:hive2://" + (address.contains(":") ? "[" + address + "]" : address) + ":" + port + "/default"
                + (auth.tls() ? ";ssl=true" : "");
    }

    /** Blocks until {@link #close} is called (e.g. from a shutdown hook). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops serving (open JDBC sessions are closed) and appends the access log's last entries; the SparkSession
     * and its catalog stay.
     */
    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            if (closed.compareAndSet(false, true)) {
                if (auth.required()) {
                    auth.release();
                    AUTHENTICATING.set(false);
                }
                log.close();
            }
            stopped.countDown();
        }
    }
}
