package io.c360.bronze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One JSON-lines record: a line holding one object. A declared column's value is taken as text
 * (numbers and booleans as written); an object or an array where the contract expects a single value
 * is a violation of that column, not text. A line with a key twice is malformed: which value the
 * system meant is unknown.
 */
final class JsonRecords {
    /** A parsed line: per declared column its text, the columns holding a nested value, the keys delivered, the others as JSON. */
    record Parsed(String[] values, List<String> nested, List<String> keys, String rescued, String malformed) {}

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonRecords() {}

    /** @param columns the contract's columns; keys match them exactly, or else ignoring case */
    static Parsed parse(String line, List<String> columns, boolean rescue) {
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            String why =
                    e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                            ? "a key appears twice in the object"
                            : "expected one JSON object per line";
            return malformed("malformed JSON line: " + why);
        }
        if (root == null || !root.isObject()) {
            return malformed("malformed JSON line: expected one JSON object per line");
        }
        String[] values = new String[columns.size()];
        List<String> nested = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        boolean[] taken = new boolean[columns.size()];
        ObjectNode others = JSON.createObjectNode();
        List<Map.Entry<String, JsonNode>> unmatched = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            keys.add(e.getKey());
            int at = columns.indexOf(e.getKey());
            if (at >= 0) {
                take(e.getValue(), at, columns, values, nested);
                taken[at] = true;
            } else {
                unmatched.add(e);
            }
        }
        for (Map.Entry<String, JsonNode> e : unmatched) {
            int at = RawRecords.indexIgnoreCase(columns, e.getKey());
            if (at >= 0 && !taken[at]) {
                take(e.getValue(), at, columns, values, nested);
                taken[at] = true;
            } else {
                others.set(e.getKey(), e.getValue());
            }
        }
        return new Parsed(values, nested, keys, rescue && !others.isEmpty() ? others.toString() : null, null);
    }

    private static void take(JsonNode v, int at, List<String> columns, String[] values, List<String> nested) {
        if (v.isContainerNode()) {
            nested.add(columns.get(at));
            values[at] = v.toString();
        } else if (v.getNodeType() == JsonNodeType.NUMBER) {
            values[at] = v.isIntegralNumber()
                    ? v.bigIntegerValue().toString()
                    : v.decimalValue().toPlainString();
        } else if (!v.isNull()) {
            values[at] = v.asText();
        }
    }

    private static Parsed malformed(String why) {
        return new Parsed(null, List.of(), null, null, why);
    }
}
