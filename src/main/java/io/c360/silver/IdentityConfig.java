package io.c360.silver;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.c360.C360Exception;
import io.c360.config.ConfigReader;
import io.c360.standardize.Standardization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * {@code silver/identity.yaml}: how sources map to identity attributes (Spark SQL expressions over
 * their columns) and how those attributes are standardized.
 */
public record IdentityConfig(Standardization standardization, Map<String, SourceMapping> sources) {

    /** The built-in identity attributes a source may map (others are declared with a type). */
    public static final List<String> ATTRIBUTES = List.copyOf(AttributeType.BUILT_IN.keySet());

    /** Keys of a source mapping that are not attributes. */
    private static final List<String> SETTINGS = List.of("record_id", "record_time", "where", "owned_by");

    /** Names identity records already use for columns of their own: no attribute may take them. */
    private static final Set<String> RESERVED = Set.of(
            "id",
            "records",
            "record_key",
            "source",
            "source_system",
            "house_number",
            "unit",
            "given_name_variants",
            "signature",
            "truth",
            IdentityRecords.OWNED_BY);

    /**
     * One source's mapping: expressions for record_id, record_time, a row filter and the attributes.
     * {@code ownedBy} names the attribute that identifies whose record it is when the others may
     * describe someone else (an order's buyer e-mail beside the ship-to name and address of a gift
     * recipient); matching rules see it as {@code owned_by} on records where that attribute is present.
     * {@code types} gives every mapped attribute its type: the built-in ones theirs, the others (extra
     * attributes, such as an occupation or a customer number of another system) the type declared.
     */
    @JsonAutoDetect(
            fieldVisibility = Visibility.NONE,
            getterVisibility = Visibility.NONE,
            isGetterVisibility = Visibility.NONE)
    public record SourceMapping(
            String recordId,
            Optional<String> recordTime,
            Optional<String> where,
            Map<String, String> attributes,
            Optional<String> ownedBy,
            Map<String, AttributeType> types) {
        public SourceMapping {
            attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
            types = Collections.unmodifiableMap(new LinkedHashMap<>(types));
        }

        public SourceMapping(
                String recordId, Optional<String> recordTime, Optional<String> where, Map<String, String> attributes) {
            this(recordId, recordTime, where, attributes, Optional.empty(), builtInTypes(attributes.keySet()));
        }

        public SourceMapping(
                String recordId,
                Optional<String> recordTime,
                Optional<String> where,
                Map<String, String> attributes,
                Optional<String> ownedBy) {
            this(recordId, recordTime, where, attributes, ownedBy, builtInTypes(attributes.keySet()));
        }

        /** The attributes beyond the built-in ones, with their declared types, in the order written. */
        public Map<String, AttributeType> extras() {
            Map<String, AttributeType> extras = new LinkedHashMap<>(types);
            extras.keySet().removeAll(AttributeType.BUILT_IN.keySet());
            return extras;
        }

        /** A mapping given as YAML text; {@code origin} names it in errors. */
        public static SourceMapping parse(String origin, String yaml) {
            return ConfigReader.parse(origin, yaml, SourceMapping.class);
        }

        /**
         * record_id is required; record_time, where and owned_by are optional; the rest are attributes:
         * a built-in one as an expression ({@code email: mail}) or {@code {column: mail}}, any other as
         * {@code {column: <expression>, type: <type>}}.
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static SourceMapping of(LinkedHashMap<String, JsonNode> fields) {
            Map<String, String> settings = new LinkedHashMap<>();
            Map<String, String> attributes = new LinkedHashMap<>();
            Map<String, AttributeType> types = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : fields.entrySet()) {
                String key = field.getKey();
                JsonNode value = field.getValue();
                if (SETTINGS.contains(key)) {
                    settings.put(key, text(value, key));
                } else if (value != null && value.isObject()) {
                    attributes.put(key, typed(key, value, types));
                } else if (AttributeType.BUILT_IN.containsKey(key)) {
                    attributes.put(key, text(value, key));
                    types.put(key, AttributeType.BUILT_IN.get(key));
                } else {
                    throw new ConfigReader.InvalidSetting(key, unknown(key));
                }
            }
            String recordId = ConfigReader.required(settings.get("record_id"), "record_id");
            if (attributes.isEmpty()) {
                throw new ConfigReader.InvalidSetting(
                        "", "maps no identity attribute; expected some of " + String.join(", ", ATTRIBUTES));
            }
            String ownedBy = settings.get("owned_by");
            if (ownedBy != null && (!attributes.containsKey(ownedBy) || ownedBy.equals("full_name"))) {
                throw new ConfigReader.InvalidSetting(
                        "owned_by",
                        "expected one of the attributes this source maps ("
                                + String.join(
                                        ", ",
                                        attributes.keySet().stream()
                                                .filter(a -> !a.equals("full_name"))
                                                .toList())
                                + ") but was '" + ownedBy + "'");
            }
            return new SourceMapping(
                    recordId,
                    Optional.ofNullable(settings.get("record_time")),
                    Optional.ofNullable(settings.get("where")),
                    attributes,
                    Optional.ofNullable(ownedBy),
                    types);
        }

        /** {@code {column: <expression>, type: <type>}}: the expression, with the attribute's type recorded. */
        private static String typed(String name, JsonNode value, Map<String, AttributeType> types) {
            Iterator<String> keys = value.fieldNames();
            while (keys.hasNext()) {
                String key = keys.next();
                if (!key.equals("column") && !key.equals("type")) {
                    throw new ConfigReader.InvalidSetting(
                            name + "." + key, "unknown key; expected one of: column, type");
                }
            }
            String column = text(value.get("column"), name + ".column");
            AttributeType builtIn = AttributeType.BUILT_IN.get(name);
            JsonNode written = value.get("type");
            if (builtIn == null) {
                if (!name.matches("[a-z][a-z0-9_]*") || RESERVED.contains(name)) {
                    throw new ConfigReader.InvalidSetting(
                            name,
                            "expected an attribute name of lower-case letters, digits and _ that identity records do"
                                    + " not use already (" + String.join(", ", new TreeSet<>(RESERVED)) + ")");
                }
                types.put(name, AttributeType.parse(text(written, name + ".type"), name + ".type"));
            } else {
                if (written != null && AttributeType.parse(text(written, name + ".type"), name + ".type") != builtIn) {
                    throw new ConfigReader.InvalidSetting(
                            name + ".type",
                            "built-in attribute " + name + " is of type " + builtIn.yamlName() + " but was declared '"
                                    + written.asText() + "'; map the column to an attribute of another name to give it"
                                    + " another type");
                }
                types.put(name, builtIn);
            }
            return column;
        }

        private static String text(JsonNode value, String key) {
            if (value == null || value.isNull()) {
                throw new ConfigReader.InvalidSetting(key, "missing required key");
            }
            if (!value.isValueNode()) {
                throw new ConfigReader.InvalidSetting(key, "expected a single value");
            }
            return value.asText();
        }

        /** A key that is neither a setting nor a built-in attribute, written without a type. */
        private static String unknown(String key) {
            List<String> known = new ArrayList<>(SETTINGS);
            known.addAll(ATTRIBUTES);
            LevenshteinDistance distance = LevenshteinDistance.getDefaultInstance();
            return known.stream()
                    .filter(k -> distance.apply(k, key) <= 2)
                    .findFirst()
                    .map(k -> "unknown key (a typo of '" + k + "'?); expected one of: " + String.join(", ", known))
                    .orElse("not a built-in attribute (" + String.join(", ", ATTRIBUTES)
                            + "); declare another attribute with its type: " + key + ": {column: <expression>, type: "
                            + Arrays.stream(AttributeType.values())
                                    .map(AttributeType::yamlName)
                                    .collect(Collectors.joining("|"))
                            + "}");
        }

        private static Map<String, AttributeType> builtInTypes(Set<String> attributes) {
            Map<String, AttributeType> types = new LinkedHashMap<>();
            attributes.forEach(a -> types.put(a, AttributeType.BUILT_IN.get(a)));
            return types;
        }
    }

    /**
     * The attributes beyond the built-in ones that any source maps, with their types: every source's
     * identity records carry them all (null where a source does not map one).
     */
    public Map<String, AttributeType> extras() {
        Map<String, AttributeType> extras = new LinkedHashMap<>(attributes());
        extras.keySet().removeAll(AttributeType.BUILT_IN.keySet());
        return extras;
    }

    /** The attributes any source maps, with their types. */
    public Map<String, AttributeType> attributes() {
        return attributes(sources.values());
    }

    /**
     * The attributes some mappings map, with their types, in the order first written; one name declared
     * with two types is an error.
     */
    public static Map<String, AttributeType> attributes(Collection<SourceMapping> mappings) {
        Map<String, AttributeType> extras = new LinkedHashMap<>();
        for (SourceMapping mapping : mappings) {
            for (Map.Entry<String, AttributeType> extra : mapping.types().entrySet()) {
                AttributeType before = extras.putIfAbsent(extra.getKey(), extra.getValue());
                if (before != null && before != extra.getValue()) {
                    throw new C360Exception("attribute " + extra.getKey() + " is declared as " + before.yamlName()
                            + " by one source and as " + extra.getValue().yamlName()
                            + " by another; an attribute has one type");
                }
            }
        }
        return Collections.unmodifiableMap(extras);
    }

    public IdentityConfig {
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }

    public static IdentityConfig load(Path file) {
        return ConfigReader.read(file, IdentityConfig.class);
    }

    /** An identity file given as YAML text; {@code origin} names it in errors and its folder resolves nicknames. */
    public static IdentityConfig parse(String origin, String yaml) {
        return ConfigReader.parse(origin, yaml, IdentityConfig.class);
    }

    @JsonCreator
    static IdentityConfig of(
            @JsonProperty("standardize") Standardization standardize,
            @JsonProperty("sources") LinkedHashMap<String, SourceMapping> sources) {
        ConfigReader.required(sources, "sources");
        IdentityConfig.attributes(sources.values());
        return new IdentityConfig(ConfigReader.orDefault(standardize, Standardization.defaults()), sources);
    }
}
