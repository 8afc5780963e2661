package io.c360.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who sees which personal data in clear where data leaves c360 ({@code access:} in the run
 * configuration). A role names the kinds of personal data (the {@code pii:} kinds of the table catalog:
 * {@code name}, {@code email}, {@code phone}, {@code address}, {@code birth_date}, ...; {@code all} for
 * every kind) its users see in clear; every other kind is masked the way {@code masks:} says. A user
 * without a role of their own gets {@code defaultRole}. The keyed hash that masks identifiers uses the
 * key in the environment variable {@code maskingKeyEnv} when it is set, else a key kept in the lake.
 */
public record AccessSettings(
        String defaultRole, Map<String, Set<String>> roles, Map<String, Mask> masks, String maskingKeyEnv) {

    /** Every kind of personal data, in a role's list. */
    public static final String ALL = "all";

    /**
     * How a value is masked. {@code hash}: a keyed hash, the same for the same value, so masked columns
     * still count, group and join; {@code partial}: the first character and {@code ***} (an e-mail keeps its
     * domain, {@code j***@example.com}); {@code year}: a date truncated to its year's first day;
     * {@code hide}: null.
     */
    public enum Mask {
        hash,
        partial,
        year,
        hide
    }

    /**
     * The masks of the kinds c360's contracts use. Identifiers are hashed so analysts can still count and join
     * on them; names and addresses stay readable in part; a birth date keeps its year. A kind not listed here
     * or in {@code masks:} (free text, a kind a contract invents) is hidden.
     */
    public static final Map<String, Mask> DEFAULT_MASKS = Map.of(
            "email", Mask.hash,
            "phone", Mask.hash,
            "national_id", Mask.hash,
            "blocking_key", Mask.hash,
            "name", Mask.partial,
            "address", Mask.partial,
            "birth_date", Mask.year);

    public static final String DEFAULT_KEY_ENV = "C360_MASKING_KEY";

    /**
     * The roles of a configuration without {@code access:}: analysts see no personal data in clear, marketing
     * sees what it needs to contact a customer, stewards also birth dates (to judge a match), privacy
     * officers everything.
     */
    public static final AccessSettings DEFAULTS = new AccessSettings(
            "analyst",
            rolesOf(Map.of(
                    "analyst", List.of(),
                    "marketing", List.of("name", "email", "phone", "address"),
                    "steward", List.of("name", "email", "phone", "address", "birth_date"),
                    "privacy", List.of(ALL))),
            Map.of(),
            DEFAULT_KEY_ENV);

    public AccessSettings {
        roles = Map.copyOf(roles);
        masks = Map.copyOf(masks);
        if (roles.isEmpty()) {
            throw new ConfigReader.InvalidSetting("roles", "expected at least one role");
        }
        for (String role : roles.keySet()) {
            if (!role.matches("[a-z][a-z0-9_]*")) {
                throw new ConfigReader.InvalidSetting(
                        "roles", "expected role names of lower-case letters, digits and _ but was '" + role + "'");
            }
        }
        if (defaultRole == null || !roles.containsKey(defaultRole)) {
            throw new ConfigReader.InvalidSetting(
                    "default_role",
                    "expected one of the roles declared under roles: (" + String.join(", ", roles.keySet())
                            + ") but was '" + defaultRole + "'");
        }
    }

    /** How a value of this kind is masked for a role that does not see it in clear. */
    public Mask mask(String kind) {
        return masks.getOrDefault(kind, DEFAULT_MASKS.getOrDefault(kind, Mask.hide));
    }

    /** Whether users of the role see personal data of this kind in clear. */
    public boolean seesInClear(String role, String kind) {
        Set<String> clear = roles.get(role);
        return clear != null && (clear.contains(ALL) || clear.contains(kind));
    }

    @JsonCreator
    static AccessSettings of(
            @JsonProperty("default_role") String defaultRole,
            @JsonProperty("roles") Map<String, List<String>> roles,
            @JsonProperty("masks") Map<String, Mask> masks,
            @JsonProperty("masking_key_env") String maskingKeyEnv) {
        Map<String, Set<String>> declared = roles == null ? DEFAULTS.roles() : rolesOf(roles);
        return new AccessSettings(
                ConfigReader.orDefault(defaultRole, roles == null ? DEFAULTS.defaultRole() : null),
                declared,
                masks == null ? Map.of() : masks,
                ConfigReader.orDefault(maskingKeyEnv, DEFAULT_KEY_ENV));
    }

    private static Map<String, Set<String>> rolesOf(Map<String, List<String>> roles) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        roles.forEach(
                (role, kinds) -> out.put(role, Set.copyOf(new LinkedHashSet<>(kinds == null ? List.of() : kinds))));
        return out;
    }
}
