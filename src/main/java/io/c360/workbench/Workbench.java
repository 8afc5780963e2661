package io.c360.workbench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.c360.C360Exception;
import io.c360.access.Users;
import io.c360.steward.Refused;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The workbench's web server (JDK {@code HttpServer}): the page's static files and its JSON endpoints.
 *
 * <p>Safety, in the order a request meets it: bound to loopback, the Host header must name this machine
 * (a web page whose name was re-pointed at 127.0.0.1 cannot read the lake: DNS rebinding); with
 * {@link Users}, every request needs HTTP Basic credentials of a steward; every write (POST) needs the
 * {@value #STEWARD_HEADER} header, which a form on another site cannot set (cross-site request forgery)
 * and which, without logins, names the steward. Writes run one at a time. Nothing a request carries (its
 * query, its body, the records it reads) is logged; an error sent back names fields and record keys only.
 */
public final class Workbench implements AutoCloseable {
    public static final String STEWARD_HEADER = "X-C360-Steward";
    public static final String LOCALHOST = "127.0.0.1";
    static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_STEWARD_CHARS = 80;
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Map<String, String> STATIC =
            Map.of("/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/app.css", "app.css");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final HttpServer server;
    private final ExecutorService threads;
    private final boolean loopback;
    private final Optional<Users> logins;
    private final List<Route> routes;
    /** Told the name of each steward who signs in (once per login, not per request), before they are let in. */
    private final Consumer<String> signedIn;

    private final ReentrantLock writes = new ReentrantLock();
    /** Digests of Authorization headers already checked, so PBKDF2 runs once per login, not per request. */
    private final Map<String, String> checked = new ConcurrentHashMap<>();

    private final CountDownLatch stopped = new CountDownLatch(1);

    private Workbench(
            HttpServer server,
            ExecutorService threads,
            Optional<Users> logins,
            List<Route> routes,
            Consumer<String> signedIn) {
        this.server = server;
        this.threads = threads;
        this.loopback = server.getAddress().getAddress().isLoopbackAddress();
        this.logins = logins;
        this.signedIn = signedIn;
        this.routes = List.copyOf(routes);
    }

    /** Starts serving on {@code host:port} (port 0: any free port). */
    public static Workbench start(String host, int port, Optional<Users> logins, List<Route> routes) {
        return start(host, port, logins, routes, steward -> {});
    }

    /**
     * As {@link #start(String, int, Optional, List)}, telling {@code signedIn} the name of each steward who
     * signs in: a sign-in it cannot record (it throws) is refused, so no session goes unrecorded.
     */
    public static Workbench start(
            String host, int port, Optional<Users> logins, List<Route> routes, Consumer<String> signedIn) {
        if (port < 0 || port > 65535) {
            throw new C360Exception("--port: expected 0 to 65535 but was " + port);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 0);
        } catch (IOException e) {
            throw new C360Exception("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "c360-workbench");
            t.setDaemon(true);
            return t;
        });
        Workbench workbench = new Workbench(server, threads, logins, routes, signedIn);
        server.createContext("/", workbench::handle);
        server.setExecutor(threads);
        server.start();
        return workbench;
    }

    /** The address to open in a browser. */
    public URI url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress()
                ? "localhost"
                : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + (loopback ? "127.0.0.1" : host) + ":" + a.getPort() + "/");
    }

    /** Whether only this machine can reach the server. */
    public boolean loopback() {
        return loopback;
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        stopped.countDown();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            respond(exchange);
        } catch (IOException | UncheckedIOException e) {
            // the browser went away; nothing to tell it
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (loopback && !namesThisMachine(exchange.getRequestHeaders().getFirst("Host"))) {
            send(exchange, 403, error("Host: expected localhost or 127.0.0.1 for a workbench bound to this machine"));
            return;
        }
        Optional<String> login = Optional.empty();
        if (logins.isPresent()) {
            try {
                login = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
            } catch (RuntimeException e) {
                System.err.println("c360 workbench: recording a sign-in failed: "
                        + e.getClass().getName());
                send(exchange, 503, error("the sign-in could not be recorded in the access log; try again later"));
                return;
            }
            if (login.isEmpty()) {
                exchange.getResponseHeaders()
                        .set("WWW-Authenticate", "Basic realm=\"c360 workbench\", charset=\"UTF-8\"");
                send(exchange, 401, error("sign in with a steward's name and password"));
                return;
            }
        }
        if (!path.startsWith("/api/")) {
            serveStatic(exchange, method, path);
            return;
        }
        if (path.equals("/api/whoami")) {
            // Which steward the page speaks for: the signed-in one, or (without logins) whoever the page asks.
            Map<String, Object> who = new HashMap<>();
            who.put("auth", logins.isPresent());
            who.put("steward", login.orElse(null));
            send(exchange, 200, JSON.writeValueAsBytes(who));
            return;
        }
        for (Route route : routes) {
            Optional<Map<String, String>> parameters = route.match(path);
            if (parameters.isPresent() && route.method().equals(method)) {
                answer(exchange, route, parameters.get(), login);
                return;
            }
        }
        send(exchange, 404, error("no endpoint " + method + " " + path));
    }

    private void answer(HttpExchange exchange, Route route, Map<String, String> path, Optional<String> login)
            throws IOException {
        boolean write = !"GET".equals(route.method());
        Optional<String> steward = Optional.empty();
        JsonNode body = JSON.createObjectNode();
        try {
            if (write) {
                steward = steward(exchange.getRequestHeaders().getFirst(STEWARD_HEADER), login);
                body = body(exchange.getRequestBody());
            }
            Route.Call call =
                    new Route.Call(path, query(exchange.getRequestURI().getRawQuery()), body, steward, login);
            Object answer;
            if (write) {
                writes.lock();
                try {
                    answer = route.handler().answer(call);
                } finally {
                    writes.unlock();
                }
            } else {
                answer = route.handler().answer(call);
            }
            send(exchange, 200, JSON.writeValueAsBytes(answer == null ? Map.of() : answer));
        } catch (Refusal r) {
            send(exchange, r.status(), error(r.getMessage()));
        } catch (Refused r) {
            send(exchange, status(r.why()), error(r.getMessage()));
        } catch (C360Exception e) {
            send(exchange, route.refusedAs(), error(e.getMessage()));
        } catch (RuntimeException e) {
            // Only the kind of failure and the endpoint: a message could quote a record.
            System.err.println("c360 workbench: " + route.method() + " " + route.template() + " failed: "
                    + e.getClass().getName());
            send(
                    exchange,
                    500,
                    error("internal error (" + e.getClass().getSimpleName() + "); nothing was changed"
                            + (write ? " unless the page shows it" : "")));
        }
    }

    private static int status(Refused.Why why) {
        return switch (why) {
            case invalid -> 400;
            case not_found -> 404;
            case conflict -> 409;
        };
    }

    /** The steward of a write: the logged-in one with logins, else the name the page sends. */
    private static Optional<String> steward(String header, Optional<String> login) {
        if (header == null || header.isBlank()) {
            throw new Refusal(403, STEWARD_HEADER + ": a change needs the steward's name in this header");
        }
        if (login.isPresent()) {
            return login;
        }
        String name = header.strip();
        if (name.length() > MAX_STEWARD_CHARS || name.chars().anyMatch(Character::isISOControl)) {
            throw Refusal.badRequest(
                    STEWARD_HEADER + ": expected a name of at most " + MAX_STEWARD_CHARS + " printable characters");
        }
        return Optional.of(name);
    }

    private static JsonNode body(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw Refusal.badRequest("request body: expected at most " + MAX_BODY_BYTES + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw Refusal.badRequest("request body: expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw Refusal.badRequest("request body: expected a JSON object");
        }
    }

    private Optional<String> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String key = sha256(authorization);
        String known = checked.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        Optional<String> steward = logins.orElseThrow()
                .check(decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray());
        if (steward.isPresent()) {
            signedIn.accept(steward.get());
            checked.put(key, steward.get());
        }
        return steward;
    }

    private static boolean namesThisMachine(String host) {
        if (host == null) {
            return false;
        }
        String h = host.strip().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > h.lastIndexOf(']')) {
            h = h.substring(0, colon);
        }
        return LOOPBACK_NAMES.contains(h);
    }

    private void serveStatic(HttpExchange exchange, String method, String path) throws IOException {
        String file = STATIC.get(path);
        if (file == null) {
            send(exchange, 404, error("not found"));
            return;
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            send(exchange, 405, error("only GET here"));
            return;
        }
        byte[] bytes;
        try (InputStream in = Workbench.class.getResourceAsStream("/workbench/" + file)) {
            if (in == null) {
                throw new IllegalStateException("the workbench's " + file + " is missing from the build");
            }
            bytes = in.readAllBytes();
        }
        exchange.getResponseHeaders().set("Content-Type", TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
        sendBytes(exchange, 200, bytes);
    }

    static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            query.put(
                    URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return query;
    }

    private static byte[] error(String message) {
        try {
            return JSON.writeValueAsBytes(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        sendBytes(exchange, status, json);
    }

    private static void sendBytes(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        var headers = exchange.getResponseHeaders();
        // The answers hold personal data: not cached, not framed by other sites, no scripts from elsewhere.
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
