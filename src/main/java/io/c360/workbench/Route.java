package io.c360.workbench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JSON endpoint: a method, a path template such as {@code /api/customers/{id}}, and what answers it.
 * {@code refusedAs} is the status a {@link io.c360.C360Exception} from the answer becomes: 404 where the
 * request names something that may not exist, 409 where the lake's state forbids a change.
 */
public record Route(String method, String template, int refusedAs, Handler handler) {

    /** What answers a request; the returned value is sent as JSON. */
    @FunctionalInterface
    public interface Handler {
        Object answer(Call call);
    }

    /**
     * A request as a handler sees it: path parameters, query parameters, the JSON body (an empty object for
     * reads), for a write the steward making it ({@code writer}), and the steward signed in ({@code login};
     * empty without logins).
     */
    public record Call(
            Map<String, String> path,
            Map<String, String> query,
            JsonNode body,
            Optional<String> writer,
            Optional<String> login) {

        public String path(String name) {
            return path.get(name);
        }

        /** The steward of a write (the server refuses a write without one before any handler runs). */
        public String steward() {
            return writer.orElseThrow();
        }

        public int intQuery(String name, int fallback, int max) {
            String v = query.get(name);
            if (v == null || v.isBlank()) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 1 && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw Refusal.badRequest(name + ": expected a whole number from 1 to " + max);
        }

        public String text(String field) {
            JsonNode v = body.get(field);
            if (v == null || !v.isTextual() || v.asText().isBlank()) {
                throw Refusal.badRequest(field + ": expected a non-empty text");
            }
            return v.asText().strip();
        }

        public Optional<String> optionalText(String field) {
            JsonNode v = body.get(field);
            if (v == null || v.isNull()) {
                return Optional.empty();
            }
            if (!v.isTextual()) {
                throw Refusal.badRequest(field + ": expected a text");
            }
            return v.asText().isBlank()
                    ? Optional.empty()
                    : Optional.of(v.asText().strip());
        }

        public int integer(String field, int min, int max) {
            JsonNode v = body.get(field);
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
                throw Refusal.badRequest(field + ": expected a whole number from " + min + " to " + max);
            }
            return v.asInt();
        }

        public String oneOf(String field, List<String> values) {
            String v = text(field);
            if (!values.contains(v)) {
                throw Refusal.badRequest(field + ": expected one of " + String.join(", ", values));
            }
            return v;
        }

        public List<String> texts(String field) {
            JsonNode v = body.get(field);
            if (v == null || !v.isArray() || v.isEmpty()) {
                throw Refusal.badRequest(field + ": expected a non-empty list of texts");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual() || e.asText().isBlank()) {
                    throw Refusal.badRequest(field + ": expected a non-empty list of texts");
                }
                out.add(e.asText().strip());
            }
            return out;
        }
    }

    private static final Pattern PARAMETER = Pattern.compile("\\{([a-zA-Z]+)}");

    /** The path parameters if {@code path} is one of this route's, by name. */
    Optional<Map<String, String>> match(String path) {
        List<String> names = new ArrayList<>();
        Matcher m = PARAMETER.matcher(template);
        StringBuilder regex = new StringBuilder();
        int at = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(at, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            at = m.end();
        }
        regex.append(Pattern.quote(template.substring(at)));
        Matcher p = Pattern.compile(regex.toString()).matcher(path);
        if (!p.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            values.put(
                    names.get(i), java.net.URLDecoder.decode(p.group(i + 1), java.nio.charset.StandardCharsets.UTF_8));
        }
        return Optional.of(values);
    }
}
