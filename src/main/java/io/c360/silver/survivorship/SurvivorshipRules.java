package io.c360.silver.survivorship;

import io.c360.config.YamlNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
        return parse(YamlNode.load(file));
    }

    public static SurvivorshipRules parse(YamlNode root) {
        List<String> systems = root.textList("source_priority");
        if (systems.isEmpty()) {
            throw root.error("source_priority", "expected the source systems, best first, e.g. [crm, billing, web]");
        }
        requireDistinct(root, "source_priority", systems);
        Map<String, String> claimed = new HashMap<>();
        List<Rule> rules = new ArrayList<>();
        for (YamlNode f : root.list("fields")) {
            String name = claim(f, "name", f.text("name"), claimed);
            Strategy strategy = strategy(f);
            if (strategy == Strategy.MOST_COMPLETE) {
                throw f.error(
                        "rule", "most_complete compares the fields of a group; a single field is always complete");
            }
            rules.add(new Rule(
                    name,
                    List.of(name),
                    strategy,
                    knownSystems(f, "sources", systems),
                    priority(f, strategy, systems),
                    List.of(name)));
            f.finish();
        }
        Set<String> groupNames = new HashSet<>();
        for (YamlNode g : root.list("groups")) {
            String name = g.text("name");
            if (!groupNames.add(name)) {
                throw g.error("name", "group '" + name + "' is declared twice");
            }
            List<String> fields = g.textList("fields");
            if (fields.isEmpty()) {
                throw g.error("fields", "expected the fields that must come from one record");
            }
            fields.forEach(field -> claim(g, "fields", field, claimed));
            List<String> required = g.textList("require");
            for (String r : required) {
                if (!fields.contains(r)) {
                    throw g.error("require", "'" + r + "' is not one of the group's fields " + fields);
                }
            }
            Strategy strategy = strategy(g);
            rules.add(new Rule(
                    name,
                    fields,
                    strategy,
                    knownSystems(g, "sources", systems),
                    priority(g, strategy, systems),
                    required));
            g.finish();
        }
        if (rules.isEmpty()) {
            throw root.error("fields", "expected at least one field or group");
        }
        root.finish();
        return new SurvivorshipRules(root.file(), systems, rules);
    }

    /** Registers a field as decided by the rule at {@code node}: a field survives by one rule only. */
    private static String claim(YamlNode node, String key, String field, Map<String, String> claimed) {
        if (!FIELD_NAME.matcher(field).matches()) {
            throw node.error(key, "expected a column name of lower-case letters, digits and _ but was '" + field + "'");
        }
        if (RESERVED.contains(field)) {
            throw node.error(key, "'" + field + "' is a column survivorship reads or writes itself, not an attribute");
        }
        String first = claimed.putIfAbsent(field, node.where(key));
        if (first != null) {
            throw node.error(
                    key, "field '" + field + "' is already listed at " + first + "; a field survives by one rule only");
        }
        return field;
    }

    private static Strategy strategy(YamlNode node) {
        return Strategy.fromYaml(node.choice("rule", null, Strategy.yamlNames()));
    }

    /** A rule's own ranking for source_priority, else the global one. */
    private static List<String> priority(YamlNode node, Strategy strategy, List<String> systems) {
        if (!node.has("priority")) {
            return systems;
        }
        if (strategy != Strategy.SOURCE_PRIORITY) {
            throw node.error(
                    "priority",
                    "only rule source_priority takes a priority list, but the rule is " + strategy.yamlName());
        }
        List<String> own = knownSystems(node, "priority", systems);
        if (own.isEmpty()) {
            throw node.error("priority", "expected the source systems, best first");
        }
        return own;
    }

    /** A list of systems, each of which must be in source_priority (so a misspelt system is an error, not a silent no-match). */
    private static List<String> knownSystems(YamlNode node, String key, List<String> systems) {
        List<String> listed = node.textList(key);
        for (String s : listed) {
            if (!systems.contains(s)) {
                throw node.error(key, "'" + s + "' is not a system listed under source_priority " + systems);
            }
        }
        requireDistinct(node, key, listed);
        return listed;
    }

    private static void requireDistinct(YamlNode node, String key, List<String> values) {
        Set<String> seen = new HashSet<>();
        for (String v : values) {
            if (!seen.add(v)) {
                throw node.error(key, "'" + v + "' is listed twice");
            }
        }
    }
}
