package io.c360.workbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.c360.C360Exception;
import io.c360.access.Users;
import io.c360.cli.C360;
import io.c360.steward.Refused;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workbench's HTTP layer on a route that records what it is asked to write: the safety rules and errors. */
@Tag("unit")
class WorkbenchServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    /** What the write route wrote: "steward:name". */
    private final List<String> written = new CopyOnWriteArrayList<>();

    private Workbench workbench;

    @TempDir
    Path home;

    private List<Route> routes() {
        return List.of(
                new Route("GET", "/api/things", 404, call -> Map.of("things", written)),
                new Route("GET", "/api/things/{id}", 404, call -> {
                    throw new C360Exception("thing " + call.path("id") + " not found");
                }),
                new Route("GET", "/api/refused/{why}", 404, call -> {
                    throw new Refused(Refused.Why.valueOf(call.path("why")), "refused: " + call.path("why"));
                }),
                new Route("POST", "/api/things", 409, call -> {
                    String name = call.text("name");
                    written.add(call.steward() + ":" + name);
                    return Map.of("written", written.size());
                }));
    }

    @AfterEach
    void stop() {
        if (workbench != null) {
            workbench.close();
        }
    }

    @Test
    void servesThePageAndAnswersJsonOnLoopback() throws Exception {
        workbench = Workbench.start("127.0.0.1", 0, Optional.empty(), routes());
        assertTrue(workbench.loopback());
        assertEquals("127.0.0.1", workbench.url().getHost());

        HttpResponse<String> page = get("/", Map.of());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"app.js\""), page.body());
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(page.headers()
                .firstValue("Content-Security-Policy")
                .orElseThrow()
                .contains("default-src 'self'"));
        assertEquals(200, get("/app.js", Map.of()).statusCode());
        assertEquals(200, get("/app.css", Map.of()).statusCode());
        assertEquals(404, get("/../pom.xml", Map.of()).statusCode());

        JsonNode who = json(get("/api/whoami", Map.of()));
        assertFalse(who.get("auth").asBoolean());
        assertTrue(who.get("steward").isNull(), "without logins the page asks the steward's name");

        HttpResponse<String> missing = get("/api/things/t-9", Map.of());
        assertEquals(404, missing.statusCode());
        assertEquals("thing t-9 not found", json(missing).get("error").asText());
        assertEquals(404, get("/api/nothing", Map.of()).statusCode());
        assertEquals(
                List.of(400, 404, 409),
                List.of("invalid", "not_found", "conflict").stream()
                        .map(why -> {
                            try {
                                return get("/api/refused/" + why, Map.of()).statusCode();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        })
                        .toList(),
                "a steward request refused says why by its status");
    }

    @Test
    void aWriteNeedsTheStewardHeaderAndAWellFormedBody() throws Exception {
        workbench = Workbench.start("127.0.0.1", 0, Optional.empty(), routes());

        HttpResponse<String> anonymous = post("{\"name\":\"a\"}", Map.of());
        assertEquals(403, anonymous.statusCode());
        assertTrue(json(anonymous).get("error").asText().contains(Workbench.STEWARD_HEADER));

        for (String bad : List.of("{\"name\":", "[1,2]", "", "{\"name\":42}", "{\"other\":\"a\"}")) {
            HttpResponse<String> r = post(bad, Map.of(Workbench.STEWARD_HEADER, "Ada"));
            assertEquals(400, r.statusCode(), bad);
            assertTrue(json(r).has("error"), bad);
        }
        HttpResponse<String> tooLong = post(
                "{\"name\":\"" + "x".repeat(Workbench.MAX_BODY_BYTES) + "\"}", Map.of(Workbench.STEWARD_HEADER, "Ada"));
        assertEquals(400, tooLong.statusCode());
        assertEquals(List.of(), written, "nothing is written on a refused request");

        HttpResponse<String> ok = post("{\"name\":\"a\"}", Map.of(Workbench.STEWARD_HEADER, " Ada Lovelace "));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(List.of("Ada Lovelace:a"), written);
    }

    @Test
    void refusesAHostThatIsNotThisMachine() throws Exception {
        workbench = Workbench.start("127.0.0.1", 0, Optional.empty(), routes());
        int port = workbench.url().getPort();

        String rebound = raw(
                port,
                "POST /api/things HTTP/1.1\r\nHost: attacker.example:" + port + "\r\n"
                        + Workbench.STEWARD_HEADER + ": Ada\r\nContent-Type: application/json\r\nContent-Length: 12\r\n"
                        + "Connection: close\r\n\r\n{\"name\":\"a\"}");
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        String read = raw(port, "GET /api/things HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
        assertTrue(read.startsWith("HTTP/1.1 403"), "reads are refused too: " + read);
        assertEquals(List.of(), written);

        String local =
                raw(port, "GET /api/things HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n");
        assertTrue(local.startsWith("HTTP/1.1 200"), local);
    }

    @Test
    void withLoginsEveryRequestNeedsAStewardsPassword() throws Exception {
        Path file = home.resolve("stewards");
        Users.add(file, "ada", Optional.empty(), "correct horse".toCharArray());
        Users.add(file, "grace", Optional.empty(), "battery staple".toCharArray());
        String line = Files.readAllLines(file).get(0);
        assertTrue(line.matches("ada:pbkdf2-sha256:600000:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+"), line);
        assertFalse(Files.readString(file).contains("correct horse"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), "owner only");
        workbench = Workbench.start("127.0.0.1", 0, Optional.of(Users.read(file)), routes());

        HttpResponse<String> none = get("/", Map.of());
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic"));
        assertEquals(401, get("/api/things", basic("ada", "wrong password")).statusCode());
        assertEquals(401, get("/api/things", basic("nobody", "correct horse")).statusCode());
        assertEquals(200, get("/", basic("ada", "correct horse")).statusCode());
        JsonNode who = json(get("/api/whoami", basic("ada", "correct horse")));
        assertEquals("ada", who.get("steward").asText());
        assertTrue(who.get("auth").asBoolean());

        Map<String, String> grace = new HashMap<>(basic("grace", "battery staple"));
        assertEquals(403, post("{\"name\":\"b\"}", grace).statusCode(), "the header is still needed (CSRF)");
        grace.put(Workbench.STEWARD_HEADER, "someone else");
        assertEquals(200, post("{\"name\":\"b\"}", grace).statusCode());
        assertEquals(List.of("grace:b"), written, "the steward is the one who signed in");
    }

    /** Each sign-in is told once (for the access log), not each request; one that cannot be told is refused. */
    @Test
    void eachSignInIsRecordedOnceAndOneThatCannotBeIsRefused() throws Exception {
        Path file = home.resolve("stewards");
        Users.add(file, "ada", Optional.empty(), "correct horse".toCharArray());
        Users.add(file, "grace", Optional.empty(), "battery staple".toCharArray());
        List<String> sessions = new CopyOnWriteArrayList<>();
        workbench = Workbench.start("127.0.0.1", 0, Optional.of(Users.read(file)), routes(), name -> {
            if (name.equals("grace")) {
                throw new IllegalStateException("the log is not writable");
            }
            sessions.add(name);
        });
        assertEquals(401, get("/api/things", basic("ada", "wrong password")).statusCode());
        assertEquals(List.of(), sessions, "a failed sign-in is no session");
        assertEquals(200, get("/", basic("ada", "correct horse")).statusCode());
        assertEquals(200, get("/api/things", basic("ada", "correct horse")).statusCode());
        assertEquals(List.of("ada"), sessions);
        HttpResponse<String> unrecorded = get("/api/things", basic("grace", "battery staple"));
        assertEquals(503, unrecorded.statusCode());
        assertTrue(unrecorded.body().contains("could not be recorded"), unrecorded.body());
        assertEquals(503, get("/", basic("grace", "battery staple")).statusCode(), "not let in later either");
    }

    @Test
    void addUserReadsThePasswordFromStandardInput() throws Exception {
        Path file = home.resolve("conf/stewards");
        InputStream stdin = System.in;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try {
            System.setIn(new ByteArrayInputStream("tr0ub4dor &3\n".getBytes(StandardCharsets.UTF_8)));
            int code = C360.execute(
                    new PrintWriter(out),
                    new PrintWriter(err),
                    "workbench",
                    "--add-user",
                    "ada",
                    "--auth",
                    file.toString());
            assertEquals(0, code, err.toString());
        } finally {
            System.setIn(stdin);
        }
        assertEquals(Optional.of("ada"), Users.read(file).check("ada", "tr0ub4dor &3".toCharArray()));
        assertEquals(Optional.empty(), Users.read(file).check("ada", "tr0ub4dor".toCharArray()));
        int noFile = C360.execute(new PrintWriter(out), new PrintWriter(err), "workbench", "--add-user", "bob");
        assertEquals(1, noFile);
        assertTrue(err.toString().contains("--auth FILE"), err.toString());
    }

    @Test
    void aMalformedPasswordFileIsNamedWithoutItsContent() throws Exception {
        Path file = home.resolve("stewards");
        Files.writeString(file, "ada:plain:secret-password\n");
        C360Exception e = assertThrows(C360Exception.class, () -> Users.read(file));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-password"), e.getMessage());
        assertThrows(
                C360Exception.class, () -> Users.add(file, "ada:x", Optional.empty(), "long enough".toCharArray()));
        assertThrows(
                C360Exception.class,
                () -> Users.add(home.resolve("new"), "ada", Optional.empty(), "short".toCharArray()));
        assertFalse(Files.exists(home.resolve("new")));
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(workbench.url().resolve(path));
        headers.forEach(r::header);
        return http.send(r.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(workbench.url() + "api/things"))
                .header("Content-Type", "application/json");
        headers.forEach(r::header);
        return http.send(
                r.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> basic(String name, String password) {
        return Map.of(
                "Authorization",
                "Basic "
                        + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** A request with a Host header of our choosing (the JDK's client will not send a forged one). */
    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return Workbench.JSON.readTree(r.body());
    }
}
