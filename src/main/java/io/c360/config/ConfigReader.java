package io.c360.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.c360.C360Exception;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Reads a declarative YAML file into its configuration record with Jackson's databind, strictly: an
 * unknown key, a missing required key, a value of the wrong kind or a value a record rejects is one
 * error naming the file, the key path ({@code sources[0].options.delimiter}) and what was expected,
 * with the known key a misspelt one was probably meant to be. YAML keys are the records' component
 * names in snake case; each record's creator holds its defaults and checks.
 *
 * <p>Every file may carry a {@code version:} key (absent means version 1), so that a file written for
 * a later c360 fails clearly instead of being half understood.
 */
public final class ConfigReader {
    /** What a creator parameter marked {@code @JacksonInject(FILE)} receives: the file (or text) being read. */
    public static final String FILE = "file";

    /** The versions of the declarative files this c360 reads. */
    public static final List<Integer> VERSIONS = List.of(1);

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final String MISSING_KEY = "missing required key";
    private static final Pattern MISSING = Pattern.compile("Missing required creator property '([^']+)'");

    private ConfigReader() {}

    /** Reads {@code file} into {@code type}; the file is named in every error. */
    public static <T> T read(Path file, Class<T> type) {
        String name = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new C360Exception(name + ": file not found");
        }
        try {
            return bind(name, YAML.readTree(file.toFile()), type);
        } catch (IOException e) {
            throw notYaml(name, e);
        }
    }

    /** Reads YAML text (for tests and inline definitions) into {@code type}; {@code origin} names it in errors. */
    public static <T> T parse(String origin, String yaml, Class<T> type) {
        try {
            return bind(origin, YAML.readTree(yaml), type);
        } catch (JsonProcessingException e) {
            throw notYaml(origin, e);
        }
    }

    /** A YAML file as a tree, for a caller that merges parts of files before binding them ({@link #bind}). */
    public static JsonNode tree(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new C360Exception(file + ": file not found");
        }
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw notYaml(file.toString(), e);
        }
    }

    /** Binds a YAML tree into {@code type} as {@link #read} does a file; {@code origin} names it in errors. */
    public static <T> T bind(String origin, JsonNode root, Class<T> type) {
        ObjectNode document = versioned(origin, root);
        try {
            return YAML.readerFor(type)
                    .with(new InjectableValues.Std().addValue(FILE, origin))
                    .readValue(document);
        } catch (JsonMappingException e) {
            throw describe(origin, document, e);
        } catch (IOException e) {
            throw notYaml(origin, e);
        }
    }

    /**
     * The top-level mapping of a declarative file without its {@code version:} key, once the version
     * is one this c360 reads.
     */
    public static ObjectNode versioned(String origin, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new C360Exception(origin + ": expected a YAML mapping at the top level");
        }
        ObjectNode document = ((ObjectNode) root).deepCopy();
        JsonNode version = document.remove("version");
        if (version != null && !version.isNull()) {
            String readable = VERSIONS.stream().map(String::valueOf).collect(Collectors.joining(", "));
            if (!version.canConvertToExactIntegral() || !VERSIONS.contains(version.asInt())) {
                throw new C360Exception(origin + ": version: this c360 reads version " + readable
                        + " of this file but it is version '" + version.asText()
                        + "' (written for another c360 release?)");
            }
        }
        return document;
    }

    /**
     * A value a record's creator rejects: {@code key} is relative to the record being built, and the
     * reader prefixes the file and the record's path.
     */
    public static final class InvalidSetting extends C360Exception {
        private final String key;
        private final String expected;

        public InvalidSetting(String key, String expected) {
            super(key + ": " + expected);
            this.key = key;
            this.expected = expected;
        }

        public String key() {
            return key;
        }

        public String expected() {
            return expected;
        }
    }

    /** A required value of a record, or an error naming its key. */
    public static <T> T required(T value, String key) {
        if (value == null) {
            throw new InvalidSetting(key, MISSING_KEY);
        }
        return value;
    }

    /** A value, or its default when the key is absent. */
    public static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    /** An absent list as an empty one. */
    public static <T> List<T> orEmpty(List<T> values) {
        return values == null ? List.of() : List.copyOf(values);
    }

    private static C360Exception describe(String origin, JsonNode document, JsonMappingException e) {
        String path = path(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            return new C360Exception(origin + ": " + path + ": unknown key" + nearMiss(u) + "; expected one of: "
                    + String.join(", ", inDeclaredOrder(names(u.getKnownPropertyIds()), u.getReferringClass())));
        }
        if (e instanceof ValueInstantiationException v
                && !(e.getCause() instanceof InvalidSetting missing
                        && missing.expected().equals(MISSING_KEY))) {
            String unknown = unknownKey(node(document, e.getPath()), v.getType());
            if (unknown != null) {
                return new C360Exception(origin + ": " + join(path, unknown));
            }
        }
        if (e instanceof ValueInstantiationException && e.getCause() instanceof InvalidSetting invalid) {
            String expected = invalid.expected().equals(MISSING_KEY)
                    ? missing(document, e.getPath(), invalid.key())
                    : invalid.expected();
            return new C360Exception(origin + ": " + join(path, invalid.key()) + ": " + expected, invalid);
        }
        if (e instanceof ValueInstantiationException && e.getCause() instanceof C360Exception other) {
            return new C360Exception(origin + ": " + (path.isEmpty() ? "" : path + ": ") + other.getMessage(), other);
        }
        if (e instanceof InvalidFormatException f) {
            return new C360Exception(
                    origin + ": " + path + ": expected " + kind(f.getTargetType()) + " but was '" + f.getValue() + "'");
        }
        if (e instanceof MismatchedInputException m) {
            Matcher missing = MISSING.matcher(String.valueOf(m.getOriginalMessage()));
            if (missing.find()) {
                String key = missing.group(1);
                List<JsonMappingException.Reference> parent = e.getPath();
                if (!parent.isEmpty()
                        && key.equals(parent.get(parent.size() - 1).getFieldName())) {
                    parent = parent.subList(0, parent.size() - 1);
                }
                return new C360Exception(
                        origin + ": " + join(path(parent), key) + ": " + missing(document, parent, key));
            }
            List<JsonMappingException.Reference> at = e.getPath();
            while (!at.isEmpty() && node(document, at).isMissingNode()) {
                at = at.subList(0, at.size() - 1);
            }
            JsonNode found = node(document, at);
            String was = found.isObject() ? " but was a mapping" : found.isArray() ? " but was a list" : "";
            // Jackson names the collection as the target of a wrong element: an element is one value.
            boolean element = !at.isEmpty() && at.get(at.size() - 1).getFieldName() == null;
            String kind =
                    element && kind(m.getTargetType()).equals("a list") ? "a single value" : kind(m.getTargetType());
            return new C360Exception(origin + ": " + path(at) + ": expected " + kind + was);
        }
        return new C360Exception(origin + ": " + path + ": " + firstLine(e.getOriginalMessage()), e);
    }

    /**
     * A key of {@code node} that {@code type} does not know, as "key: unknown key; expected one of: ...",
     * or null. Jackson reports unknown keys of a record only once its creator has run, so a creator's
     * complaint (no check declared) would otherwise hide the misspelt key that caused it.
     */
    private static String unknownKey(JsonNode node, JavaType type) {
        if (!node.isObject() || type == null) {
            return null;
        }
        List<String> known = YAML.getDeserializationConfig().introspect(type).findProperties().stream()
                .map(BeanPropertyDefinition::getName)
                .toList();
        if (known.isEmpty() || bindsWholeMapping(type.getRawClass())) {
            return null;
        }
        Iterator<String> present = node.fieldNames();
        while (present.hasNext()) {
            String name = present.next();
            if (!known.contains(name)) {
                LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
                String hint = known.stream()
                        .filter(k -> distance.apply(k, name) <= 2)
                        .findFirst()
                        .map(k -> " (a typo of '" + k + "'?)")
                        .orElse("");
                return name + ": unknown key" + hint + "; expected one of: " + String.join(", ", known);
            }
        }
        return null;
    }

    /** Whether a type is built from its whole mapping (a delegating creator), so checks its keys itself. */
    private static boolean bindsWholeMapping(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods())
                .map(m -> m.getAnnotation(com.fasterxml.jackson.annotation.JsonCreator.class))
                .anyMatch(c -> c != null && c.mode() == com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING);
    }

    private static JsonNode node(JsonNode document, List<JsonMappingException.Reference> at) {
        JsonNode node = document;
        for (JsonMappingException.Reference r : at) {
            node = r.getFieldName() != null ? node.path(r.getFieldName()) : node.path(r.getIndex());
        }
        return node;
    }

    /** "missing required key", with the present key within two edits of it that was probably meant. */
    private static String missing(JsonNode document, List<JsonMappingException.Reference> at, String key) {
        JsonNode node = document;
        for (JsonMappingException.Reference r : at) {
            node = r.getFieldName() != null ? node.path(r.getFieldName()) : node.path(r.getIndex());
        }
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        Iterator<String> present = node.fieldNames();
        while (present.hasNext()) {
            String name = present.next();
            if (!name.equals(key) && distance.apply(name, key) <= 2) {
                return MISSING_KEY + " (found unknown key '" + name + "': a typo?)";
            }
        }
        return MISSING_KEY;
    }

    /** A record's keys in the order its components are declared (Jackson's own order is not the file's). */
    private static List<String> inDeclaredOrder(List<String> keys, Class<?> type) {
        if (type == null || !type.isRecord()) {
            return keys;
        }
        List<String> declared = Arrays.stream(type.getRecordComponents())
                .map(c -> PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(c.getName()))
                .toList();
        return keys.stream()
                .sorted(Comparator.comparingInt(k -> declared.contains(k) ? declared.indexOf(k) : declared.size()))
                .toList();
    }

    /** The known key within two edits of a misspelt one, as a hint. */
    private static String nearMiss(UnrecognizedPropertyException e) {
        String unknown = e.getPropertyName();
        LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
        return names(e.getKnownPropertyIds()).stream()
                .filter(known -> distance.apply(known, unknown) <= 2)
                .findFirst()
                .map(known -> " (a typo of '" + known + "'?)")
                .orElse("");
    }

    private static List<String> names(Collection<Object> ids) {
        return ids == null ? List.of() : ids.stream().map(String::valueOf).toList();
    }

    /** What a value of {@code type} looks like, in the user's words. */
    private static String kind(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a single value";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping (key: value lines)";
    }

    /** A Jackson path as the user writes it: {@code sources[0].options.delimiter}. */
    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                out.append('[').append(r.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String join(String path, String key) {
        if (key.isEmpty()) {
            return path;
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    private static C360Exception notYaml(String origin, IOException e) {
        return new C360Exception(origin + ": not valid YAML: " + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
