package io.c360.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.c360.C360Exception;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * A strict reader over one YAML mapping. Every key a caller asks for (present or not) becomes an
 * allowed key; {@link #finish()} then rejects any other key, so a typo is an error naming the file,
 * the key and the keys that were expected, instead of a silently ignored setting.
 */
public final class YamlNode {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String file;
    private final String path;
    private final JsonNode node;
    private final Set<String> allowed = new LinkedHashSet<>();

    private YamlNode(String file, String path, JsonNode node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /** Reads a YAML file whose top level is a mapping. */
    public static YamlNode load(Path file) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new C360Exception(name + ": file not found");
        }
        try {
            return new YamlNode(name, "", ConfigReader.versioned(name, YAML.readTree(file.toFile())));
        } catch (IOException e) {
            throw new C360Exception(name + ": not valid YAML: " + firstLine(e.getMessage()), e);
        }
    }

    /** Parses YAML text (for tests and inline definitions); {@code origin} names it in errors. */
    public static YamlNode parse(String origin, String yaml) {
        try {
            return new YamlNode(origin, "", ConfigReader.versioned(origin, YAML.readTree(yaml)));
        } catch (IOException e) {
            throw new C360Exception(origin + ": not valid YAML: " + firstLine(e.getMessage()), e);
        }
    }

    public String file() {
        return file;
    }

    /** Where this node sits, e.g. {@code sources[2].contract}. */
    public String where(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public C360Exception error(String key, String expected) {
        return new C360Exception(file + ": " + where(key) + ": " + expected);
    }

    public boolean has(String key) {
        allowed.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    public String text(String key) {
        return optText(key).orElseThrow(() -> missing(key));
    }

    /** A missing key, with the present key it was probably misspelt as. */
    private C360Exception missing(String key) {
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals(key) && distance.apply(name, key) <= 2) {
                return error(key, "missing required key (found unknown key '" + name + "': a typo?)");
            }
        }
        return error(key, "missing required key");
    }

    public String text(String key, String fallback) {
        return optText(key).orElse(fallback);
    }

    public Optional<String> optText(String key) {
        allowed.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode()) {
            throw error(key, "expected a single value but was a " + (v.isArray() ? "list" : "mapping"));
        }
        return Optional.of(v.asText());
    }

    /** A value that must be one of {@code choices} (compared case-insensitively, returned lower-case). */
    public String choice(String key, String fallback, String... choices) {
        Optional<String> v = optText(key);
        if (v.isEmpty()) {
            if (fallback == null) {
                throw error(key, "missing required key; expected one of " + String.join(", ", choices));
            }
            return fallback;
        }
        String lower = v.get().toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.equals(lower)) {
                return c;
            }
        }
        throw error(key, "expected one of " + String.join(", ", choices) + " but was '" + v.get() + "'");
    }

    public boolean bool(String key, boolean fallback) {
        Optional<String> v = optText(key);
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, "expected true or false but was '" + v.get() + "'");
        };
    }

    public int integer(String key, int fallback) {
        Optional<String> v = optText(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.get().trim());
        } catch (NumberFormatException e) {
            throw error(key, "expected a whole number but was '" + v.get() + "'");
        }
    }

    public double decimal(String key, double fallback) {
        Optional<String> v = optText(key);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.get().trim());
        } catch (NumberFormatException e) {
            throw error(key, "expected a number but was '" + v.get() + "'");
        }
    }

    public YamlNode child(String key) {
        return optChild(key).orElseThrow(() -> missing(key));
    }

    public Optional<YamlNode> optChild(String key) {
        allowed.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw error(key, "expected a mapping (key: value lines)");
        }
        return Optional.of(new YamlNode(file, where(key), v));
    }

    /** A list of mappings; absent means empty. */
    public List<YamlNode> list(String key) {
        allowed.add(key);
        JsonNode v = node.get(key);
        List<YamlNode> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw error(key, "expected a list");
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String itemPath = where(key) + "[" + i + "]";
            if (!item.isObject()) {
                throw new C360Exception(file + ": " + itemPath + ": expected a mapping (key: value lines)");
            }
            out.add(new YamlNode(file, itemPath, item));
        }
        return out;
    }

    /** A list of plain values, or a single value read as a one-element list; absent means empty. */
    public List<String> textList(String key) {
        allowed.add(key);
        JsonNode v = node.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isValueNode()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw error(key, "expected a list of values");
        }
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isValueNode()) {
                throw new C360Exception(file + ": " + where(key) + "[" + i + "]: expected a single value");
            }
            out.add(v.get(i).asText());
        }
        return out;
    }

    /**
     * A list whose items are single values or lists of values, e.g. columns and column groups
     * ({@code [record_key, [customer_id, purpose]]}); each item comes back as a list. A single value
     * reads as a one-item list; absent means empty.
     */
    public List<List<String>> textGroups(String key) {
        allowed.add(key);
        JsonNode v = node.get(key);
        List<List<String>> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isValueNode()) {
            out.add(List.of(v.asText()));
            return out;
        }
        if (!v.isArray()) {
            throw error(key, "expected a list of values or of value lists");
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String itemPath = file + ": " + where(key) + "[" + i + "]";
            if (item.isValueNode()) {
                out.add(List.of(item.asText()));
            } else if (item.isArray() && !item.isEmpty()) {
                List<String> group = new ArrayList<>();
                for (JsonNode member : item) {
                    if (!member.isValueNode()) {
                        throw new C360Exception(itemPath + ": expected a list of single values");
                    }
                    group.add(member.asText());
                }
                out.add(List.copyOf(group));
            } else {
                throw new C360Exception(itemPath + ": expected a value or a non-empty list of values");
            }
        }
        return out;
    }

    /** A mapping of plain values (e.g. free-form Spark settings), in file order. */
    public Map<String, String> textMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        Optional<YamlNode> child = optChild(key);
        if (child.isEmpty()) {
            return out;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = child.get().node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            if (!e.getValue().isValueNode()) {
                throw child.get().error(e.getKey(), "expected a single value");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** The keys of this mapping in file order (for mappings keyed by name, e.g. sources); each becomes allowed. */
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        allowed.addAll(out);
        return out;
    }

    /** Rejects keys nobody asked for. Call after reading every key of this mapping. */
    public void finish() {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new C360Exception(
                        file + ": " + where(name) + ": unknown key; expected one of: " + String.join(", ", allowed));
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
