package io.c360.silver;

import io.c360.config.ConfigReader;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What kind of fact an identity attribute holds. The type decides how a value is standardized, which
 * comparison template compares it and how blocking keys are built from it (see docs/matching.md).
 */
public enum AttributeType {
    /** A person's name of unknown part (a maiden name, a parent's name). */
    NAME,
    GIVEN_NAME,
    SURNAME,
    /** A whole name in one value; built-in {@code full_name} is split into given name and surname. */
    FULL_NAME,
    DATE,
    EMAIL,
    PHONE,
    POSTCODE,
    /** A town, city, suburb or birth place. */
    PLACE,
    STREET,
    /** A number or code that names one person in some system: national id, customer number. */
    IDENTIFIER,
    /** One of few values: gender, state, country. */
    CATEGORY,
    /** Free words: occupation, company, job title. */
    TEXT,
    NUMBER;

    /** The built-in attributes of identity records and their types. */
    public static final Map<String, AttributeType> BUILT_IN = builtIn();

    /** The type as written in YAML: {@code given_name}, {@code identifier}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type written in YAML, or an error naming the key and the types there are. */
    public static AttributeType parse(String written, String key) {
        String wanted = ConfigReader.required(written, key).trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(t -> t.name().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new ConfigReader.InvalidSetting(
                        key,
                        "expected one of "
                                + Arrays.stream(values())
                                        .map(AttributeType::yamlName)
                                        .collect(Collectors.joining(", "))
                                + " but was '" + written + "'"));
    }

    private static Map<String, AttributeType> builtIn() {
        Map<String, AttributeType> types = new java.util.LinkedHashMap<>();
        types.put("given_name", GIVEN_NAME);
        types.put("surname", SURNAME);
        types.put("full_name", FULL_NAME);
        types.put("birth_date", DATE);
        types.put("email", EMAIL);
        types.put("phone", PHONE);
        types.put("street", STREET);
        types.put("city", PLACE);
        types.put("state", CATEGORY);
        types.put("postcode", POSTCODE);
        types.put("national_id", IDENTIFIER);
        types.put("crm_id", IDENTIFIER);
        return java.util.Collections.unmodifiableMap(types);
    }
}
