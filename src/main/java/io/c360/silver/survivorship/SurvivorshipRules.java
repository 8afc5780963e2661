package io.c360.silver.survivorship;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import io.c360.config.ConfigReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The survivorship rules ({@code silver/survivorship.yaml}): for each attribute of the golden record,
 * which of a customer's records supplies its value. Fields whose values only make sense together (an
 * address) form a group and come from one record; every other field survives on its own.
 *
 * @param sourcePriority every source system, best first: the ranking of the tie-break
 * @param rules one per field and one per group, fields first, each in file order
 */
public record SurvivorshipRules(String file, List<String> sourcePriority, List<Rule> rules) {
    private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]*");

    /** Columns survivorship reads or writes itself; an attribute by one of these names would clash. */
    private static final Set<String> RESERVED = Set.of(
            Survivorship.CUSTOMER_ID,
            Survivorship.RECORD_KEY,
            Survivorship.SOURCE,
            Survivorship.SOURCE_SYSTEM,
            Survivorship.RECORD_ID,
            Survivorship.RECORD_TIME,
            Survivorship.RECORD_COUNT,
            Survivorship.SOURCE_SYSTEMS,
            Survivorship.LINEAGE);

    /**
     * How one field, or one group of fields, survives. Only records of {@code sources} (empty: any
     * system) that have every {@code required} field and at least one of {@code fields} compete.
     *
     * @param name the field, or the group's name
     * @param priority the ranking {@link Strategy#SOURCE_PRIORITY} applies: the rule's own or the global one
     * @param required for a single field the field itself, for a group its {@code require} list
     */
    public record Rule(
            String name,
            List<String> fields,
            Strategy strategy,
            List<String> sources,
            List<String> priority,
            List<String> required) {
        public Rule {
            fields = List.copyOf(fields);
            sources = List.copyOf(sources);
            priority = List.copyOf(priority);
            required = List.copyOf(required);
        }
    }

    public SurvivorshipRules {
        sourcePriority = List.copyOf(sourcePriority);
        rules = List.copyOf(rules);
    }

    /** Every attribute of the golden record, in output order. */
    public List<String> fields() {
        return rules.stream().flatMap(r -> r.fields().stream()).toList();
    }

    public static SurvivorshipRules load(Path file) {
        return ConfigReader.read(file, SurvivorshipRules.class);
    }

    /** Rules given as YAML text; {@code origin} names them in errors. */
    public static SurvivorshipRules parse(String origin, String yaml) {
        return ConfigReader.parse(origin, yaml, SurvivorshipRules.class);
    }

    /** One entry of {@code fields:} as written. */
    private record Field(String name, Strategy rule, List<String> sources, List<String> priority) {
        @JsonCreator
        static Field of(
                @JsonProperty("name") String name,
                @JsonProperty("rule") String rule,
                @JsonProperty("sources") List<String> sources,
                @JsonProperty("priority") List<String> priority) {
            ConfigReader.required(name, "name");
            Strategy strategy = strategy(rule);
            if (strategy == Strategy.MOST_COMPLETE) {
                throw new ConfigReader.InvalidSetting(
                        "rule", "most_complete compares the fields of a group; a single field is always complete");
            }
            return new Field(name, strategy, ConfigReader.orEmpty(sources), priority);
        }
    }

    /** One entry of {@code groups:} as written. */
    private record Group(
            String name,
            List<String> fields,
            Strategy rule,
            List<String> require,
            List<String> sources,
            List<String> priority) {
        @JsonCreator
        static Group of(
                @JsonProperty("name") String name,
                @JsonProperty("fields") List<String> fields,
                @JsonProperty("rule") String rule,
                @JsonProperty("require") List<String> require,
                @JsonProperty("sources") List<String> sources,
                @JsonProperty("priority") List<String> priority) {
            ConfigReader.required(name, "name");
            List<String> members = ConfigReader.orEmpty(fields);
            if (members.isEmpty()) {
                throw new ConfigReader.InvalidSetting("fields", "expected the fields that must come from one record");
            }
            List<String> required = ConfigReader.orEmpty(require);
            for (String r : required) {
                if (!members.contains(r)) {
                    throw new ConfigReader.InvalidSetting(
                            "require", "'" + r + "' is not one of the group's fields " + members);
                }
            }
            return new Group(name, members, strategy(rule), required, ConfigReader.orEmpty(sources), priority);
        }
    }

    @JsonCreator
    static SurvivorshipRules of(
            @JacksonInject(value = ConfigReader.FILE, useInput = OptBoolean.FALSE) String file,
            @JsonProperty("source_priority") List<String> sourcePriority,
            @JsonProperty("fields") List<Field> fields,
            @JsonProperty("groups") List<Group> groups) {
        List<String> systems = ConfigReader.orEmpty(sourcePriority);
        if (systems.isEmpty()) {
            throw new ConfigReader.InvalidSetting(
                    "source_priority", "expected the source systems, best first, e.g. [crm, billing, web]");
        }
        requireDistinct("source_priority", systems);
        Map<String, String> claimed = new HashMap<>();
        List<Rule> rules = new ArrayList<>();
        List<Field> single = ConfigReader.orEmpty(fields);
        for (int i = 0; i < single.size(); i++) {
            Field f = single.get(i);
            String at = "fields[" + i + "]";
            claim(at + ".name", f.name(), claimed);
            rules.add(new Rule(
                    f.name(),
                    List.of(f.name()),
                    f.rule(),
                    knownSystems(at + ".sources", f.sources(), systems),
                    priority(at, f.priority(), f.rule(), systems),
                    List.of(f.name())));
        }
        Set<String> groupNames = new HashSet<>();
        List<Group> grouped = ConfigReader.orEmpty(groups);
        for (int i = 0; i < grouped.size(); i++) {
            Group g = grouped.get(i);
            String at = "groups[" + i + "]";
            if (!groupNames.add(g.name())) {
                throw new ConfigReader.InvalidSetting(at + ".name", "group '" + g.name() + "' is declared twice");
            }
            g.fields().forEach(field -> claim(at + ".fields", field, claimed));
            rules.add(new Rule(
                    g.name(),
                    g.fields(),
                    g.rule(),
                    knownSystems(at + ".sources", g.sources(), systems),
                    priority(at, g.priority(), g.rule(), systems),
                    g.require()));
        }
        if (rules.isEmpty()) {
            throw new ConfigReader.InvalidSetting("fields", "expected at least one field or group");
        }
        return new SurvivorshipRules(file, systems, rules);
    }

    /** Registers a field as decided by the rule at {@code key}: a field survives by one rule only. */
    private static void claim(String key, String field, Map<String, String> claimed) {
        if (!FIELD_NAME.matcher(field).matches()) {
            throw new ConfigReader.InvalidSetting(
                    key, "expected a column name of lower-case letters, digits and _ but was '" + field + "'");
        }
        if (RESERVED.contains(field)) {
            throw new ConfigReader.InvalidSetting(
                    key, "'" + field + "' is a column survivorship reads or writes itself, not an attribute");
        }
        String first = claimed.putIfAbsent(field, key);
        if (first != null) {
            throw new ConfigReader.InvalidSetting(
                    key, "field '" + field + "' is already listed at " + first + "; a field survives by one rule only");
        }
    }

    private static Strategy strategy(String rule) {
        ConfigReader.required(rule, "rule");
        String name = rule.toLowerCase(Locale.ROOT);
        if (!Arrays.asList(Strategy.yamlNames()).contains(name)) {
            throw new ConfigReader.InvalidSetting(
                    "rule", "expected one of " + String.join(", ", Strategy.yamlNames()) + " but was '" + rule + "'");
        }
        return Strategy.fromYaml(name);
    }

    /** A rule's own ranking for source_priority, else the global one. */
    private static List<String> priority(String at, List<String> own, Strategy strategy, List<String> systems) {
        if (own == null) {
            return systems;
        }
        if (strategy != Strategy.SOURCE_PRIORITY) {
            throw new ConfigReader.InvalidSetting(
                    at + ".priority",
                    "only rule source_priority takes a priority list, but the rule is " + strategy.yamlName());
        }
        if (own.isEmpty()) {
            throw new ConfigReader.InvalidSetting(at + ".priority", "expected the source systems, best first");
        }
        return knownSystems(at + ".priority", own, systems);
    }

    /** A list of systems, each of which must be in source_priority (so a misspelt system is an error, not a silent no-match). */
    private static List<String> knownSystems(String key, List<String> listed, List<String> systems) {
        for (String s : listed) {
            if (!systems.contains(s)) {
                throw new ConfigReader.InvalidSetting(
                        key, "'" + s + "' is not a system listed under source_priority " + systems);
            }
        }
        requireDistinct(key, listed);
        return listed;
    }

    private static void requireDistinct(String key, List<String> values) {
        Set<String> seen = new HashSet<>();
        for (String v : values) {
            if (!seen.add(v)) {
                throw new ConfigReader.InvalidSetting(key, "'" + v + "' is listed twice");
            }
        }
    }
}
