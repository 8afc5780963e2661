package io.c360.silver;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.config.ConfigReader;
import io.c360.standardize.Standardization;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code silver/identity.yaml}: how sources map to identity attributes (Spark SQL expressions over
 * their columns) and how those attributes are standardized.
 */
public record IdentityConfig(Standardization standardization, Map<String, SourceMapping> sources) {

    /** The identity attributes a source may map. */
    public static final List<String> ATTRIBUTES = List.of(
            "given_name",
            "surname",
            "full_name",
            "birth_date",
            "email",
            "phone",
            "street",
            "city",
            "state",
            "postcode",
            "national_id",
            "crm_id");

    /**
     * One source's mapping: expressions for record_id, record_time, a row filter and the attributes.
     * {@code ownedBy} names the attribute that identifies whose record it is when the others may
     * describe someone else (an order's buyer e-mail beside the ship-to name and address of a gift
     * recipient); matching rules see it as {@code owned_by} on records where that attribute is present.
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
            Optional<String> ownedBy) {
        public SourceMapping {
            attributes = Map.copyOf(attributes);
        }

        public SourceMapping(
                String recordId, Optional<String> recordTime, Optional<String> where, Map<String, String> attributes) {
            this(recordId, recordTime, where, attributes, Optional.empty());
        }

        /** A mapping given as YAML text; {@code origin} names it in errors. */
        public static SourceMapping parse(String origin, String yaml) {
            return ConfigReader.parse(origin, yaml, SourceMapping.class);
        }

        /** record_id is required; record_time, where and owned_by are optional; the rest are attribute expressions. */
        @JsonCreator
        static SourceMapping of(
                @JsonProperty("record_id") String recordId,
                @JsonProperty("record_time") String recordTime,
                @JsonProperty("where") String where,
                @JsonProperty("owned_by") String ownedBy,
                @JsonProperty("given_name") String givenName,
                @JsonProperty("surname") String surname,
                @JsonProperty("full_name") String fullName,
                @JsonProperty("birth_date") String birthDate,
                @JsonProperty("email") String email,
                @JsonProperty("phone") String phone,
                @JsonProperty("street") String street,
                @JsonProperty("city") String city,
                @JsonProperty("state") String state,
                @JsonProperty("postcode") String postcode,
                @JsonProperty("national_id") String nationalId,
                @JsonProperty("crm_id") String crmId) {
            ConfigReader.required(recordId, "record_id");
            List<String> expressions = Arrays.asList(
                    givenName,
                    surname,
                    fullName,
                    birthDate,
                    email,
                    phone,
                    street,
                    city,
                    state,
                    postcode,
                    nationalId,
                    crmId);
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 0; i < ATTRIBUTES.size(); i++) {
                if (expressions.get(i) != null) {
                    attributes.put(ATTRIBUTES.get(i), expressions.get(i));
                }
            }
            if (attributes.isEmpty()) {
                throw new ConfigReader.InvalidSetting(
                        "", "maps no identity attribute; expected some of " + String.join(", ", ATTRIBUTES));
            }
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
                    Optional.ofNullable(recordTime),
                    Optional.ofNullable(where),
                    attributes,
                    Optional.ofNullable(ownedBy));
        }
    }

    public IdentityConfig {
        sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
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
        return new IdentityConfig(ConfigReader.orDefault(standardize, Standardization.defaults()), sources);
    }
}
