package io.c360.silver.survivorship;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the winning record of a field or group is chosen among a customer's records. Every strategy
 * only considers records that have a value, and ends in the same deterministic tie-break (see
 * {@link Survivorship}).
 */
public enum Strategy {
    /** The best-ranked source system in the rule's priority list; systems it does not list rank last. */
    SOURCE_PRIORITY,
    /** The record the source updated last; records without a {@code record_time} rank last. */
    MOST_RECENT,
    /** The value (for a group: the combination of values) the most records agree on. */
    MOST_FREQUENT,
    /** The record with the most non-null fields of the group; only groups, a single field is always complete. */
    MOST_COMPLETE,
    /** The longest value as text (for a group: the longest values taken together). */
    LONGEST;

    /** The spelling in {@code silver/survivorship.yaml}, e.g. {@code most_recent}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] yamlNames() {
        return Arrays.stream(values()).map(Strategy::yamlName).toArray(String[]::new);
    }

    static Strategy fromYaml(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
