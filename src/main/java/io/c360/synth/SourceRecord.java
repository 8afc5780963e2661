package io.c360.synth;

import java.util.HashMap;
import java.util.Map;

/**
 * One record of one source extract, with the true person it belongs to. Values are keyed by contract
 * column; a value is a String, or an Integer for JSON numbers; absent columns are missing or null.
 */
final class SourceRecord {
    /** How a record's line is broken on purpose, so that no parser can read it. */
    enum Malformation {
        NONE,
        UNBALANCED_QUOTE,
        EXTRA_FIELDS,
        TRUNCATED_JSON
    }

    final Source source;
    final String personId;
    final Map<String, Object> values = new HashMap<>();
    Malformation malformation = Malformation.NONE;

    SourceRecord(Source source, String personId) {
        this.source = source;
        this.personId = personId;
    }

    SourceRecord put(String column, Object value) {
        values.put(column, value);
        return this;
    }

    Object get(String column) {
        return values.get(column);
    }

    /** The record id, or null when the record lacks one (a contract violation). */
    String id() {
        Object id = values.get(source.key());
        return id == null || id.toString().isEmpty() ? null : id.toString();
    }
}
