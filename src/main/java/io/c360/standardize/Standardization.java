package io.c360.standardize;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c360.C360Exception;
import io.c360.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Options of standardization ({@code standardize:} of {@code silver/identity.yaml}); {@code junk} lists
 * placeholders per attribute, compared in {@link Standardize#text} form; {@code emailDomains} are the mail
 * domains a mistyped domain is corrected to (none: no correction).
 */
public record Standardization(
        String phoneRegion,
        boolean canonicalEmail,
        List<String> emailDomains,
        List<String> dateFormats,
        LocalDate earliestBirthDate,
        Optional<Path> nicknames,
        Map<String, String> streetAbbreviations,
        Map<String, List<String>> junk) {

    /** Kinds of values with a junk blocklist ({@code name} covers given name and surname). */
    public static final List<String> JUNK_KINDS =
            List.of("name", "email", "phone", "street", "national_id", "birth_date");

    public List<String> junk(String attribute) {
        return junk.getOrDefault(attribute, List.of());
    }

    /** The settings of an identity file without a {@code standardize:} section, or of a section's absent keys. */
    public static Standardization defaults() {
        return of(null, null, null, null, null, null, null, null, null);
    }

    /** The {@code standardize:} section of an identity file, or the defaults when there is no such file. */
    public static Standardization ofIdentityFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return defaults();
        }
        return ConfigReader.read(file, IdentityFile.class).standardization();
    }

    /**
     * The {@code standardize:} section of {@code identityFile} (absent: the defaults) with the keys of
     * {@code overrides} replacing its own; {@code overridesFile} (where the overrides are written) names
     * them in errors and resolves a {@code nicknames} path they give.
     */
    public static Standardization overridden(Path identityFile, Path overridesFile, JsonNode overrides) {
        if (!overrides.isObject()) {
            throw new C360Exception(overridesFile + ": standardize: expected a mapping (key: value lines)");
        }
        Standardization base = identityFile == null ? defaults() : ofIdentityFile(identityFile);
        ObjectNode section = identityFile == null
                ? JsonNodeFactory.instance.objectNode()
                : ConfigReader.tree(identityFile).path("standardize") instanceof ObjectNode written
                        ? written.deepCopy()
                        : JsonNodeFactory.instance.objectNode();
        section.remove("nicknames");
        section.setAll((ObjectNode) overrides);
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.set("standardize", section);
        Standardization merged = ConfigReader.bind(overridesFile.toString(), document, IdentityFile.class)
                .standardization();
        return overrides.has("nicknames")
                ? merged
                : new Standardization(
                        merged.phoneRegion(),
                        merged.canonicalEmail(),
                        merged.emailDomains(),
                        merged.dateFormats(),
                        merged.earliestBirthDate(),
                        base.nicknames(),
                        merged.streetAbbreviations(),
                        merged.junk());
    }

    /** An identity file read for its {@code standardize:} section alone; the silver stage checks its sources. */
    @JsonIgnoreProperties("sources")
    private record IdentityFile(Standardization standardization) {
        @JsonCreator
        static IdentityFile of(@JsonProperty("standardize") Standardization standardize) {
            return new IdentityFile(ConfigReader.orDefault(standardize, defaults()));
        }
    }

    /**
     * The earliest birth date taken as true: before it a birth date is a placeholder or a typing error
     * for a living customer (0001-01-01, 1800-01-01); historical records set it earlier.
     */
    private static LocalDate birthDate(String written) {
        try {
            return LocalDate.parse(written.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigReader.InvalidSetting(
                    "earliest_birth_date", "expected a date as yyyy-MM-dd but was '" + written + "'");
        }
    }

    /** A {@code standardize:} section; {@code nicknames} is resolved against the identity file's folder. */
    @JsonCreator
    static Standardization of(
            @JacksonInject(value = ConfigReader.FILE, useInput = OptBoolean.FALSE) String file,
            @JsonProperty("phone_region") String phoneRegion,
            @JsonProperty("canonical_email") Boolean canonicalEmail,
            @JsonProperty("email_domains") List<String> emailDomains,
            @JsonProperty("date_formats") List<String> dateFormats,
            @JsonProperty("earliest_birth_date") String earliestBirthDate,
            @JsonProperty("nicknames") String nicknames,
            @JsonProperty("street_abbreviations") Map<String, String> streetAbbreviations,
            @JsonProperty("junk") Map<String, List<String>> junk) {
        Map<String, List<String>> blocklists = new LinkedHashMap<>();
        if (junk != null) {
            for (Map.Entry<String, List<String>> kind : junk.entrySet()) {
                if (!JUNK_KINDS.contains(kind.getKey())) {
                    throw new ConfigReader.InvalidSetting(
                            "junk." + kind.getKey(),
                            "unknown kind of value; expected one of " + String.join(", ", JUNK_KINDS));
                }
                blocklists.put(kind.getKey(), ConfigReader.orEmpty(kind.getValue()));
            }
        }
        return new Standardization(
                ConfigReader.orDefault(phoneRegion, "US").toUpperCase(Locale.ROOT),
                ConfigReader.orDefault(canonicalEmail, true),
                ConfigReader.orEmpty(emailDomains).stream()
                        .map(d -> d.trim().toLowerCase(Locale.ROOT))
                        .toList(),
                dateFormats == null
                        ? List.of("yyyy-MM-dd", "MM/dd/yyyy", "dd.MM.yyyy", "yyyyMMdd", "M/d/yyyy")
                        : List.copyOf(dateFormats),
                birthDate(ConfigReader.orDefault(earliestBirthDate, "1880-01-01")),
                Optional.ofNullable(nicknames)
                        .map(n -> Path.of(file)
                                .toAbsolutePath()
                                .getParent()
                                .resolve(n)
                                .normalize()),
                streetAbbreviations == null
                        ? Map.of()
                        : Collections.unmodifiableMap(new LinkedHashMap<>(streetAbbreviations)),
                blocklists);
    }
}
