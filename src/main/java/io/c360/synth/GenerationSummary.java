package io.c360.synth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a generation wrote.
 *
 * @param recordsPerSource records (lines) per source name, in source order; malformed lines included
 * @param truthRows truth rows: every record that has a record id
 * @param seconds how long the generation took; 0 when read back from an existing manifest
 * @param settings the settings the data was generated with
 */
public record GenerationSummary(
        int persons,
        long seed,
        Map<String, Long> recordsPerSource,
        long truthRows,
        double seconds,
        GeneratorSettings settings) {

    public GenerationSummary {
        recordsPerSource = Collections.unmodifiableMap(new LinkedHashMap<>(recordsPerSource));
    }

    public long records() {
        return recordsPerSource.values().stream().mapToLong(Long::longValue).sum();
    }
}
