package io.c360.ops;

import io.c360.config.C360Config;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How fresh each configured source is at a run's as-of, from the record times silver standardized. */
public final class Freshness {
    private Freshness() {}

    /**
     * One entry per configured source, in configuration order, from each source's newest record time as
     * silver measured it ({@link io.c360.silver.SilverFigures}). Before silver has run there is no record
     * time to measure: bronze only knows when rows were ingested, which says nothing about how old the
     * source's data is, so every source is then reported without a newest record and not stale.
     */
    public static List<PipelineRun.Freshness> measure(C360Config config, Map<String, Instant> newest, Instant asOf) {
        return config.sources().stream()
                .map(source -> {
                    Optional<Instant> newestRecord = Optional.ofNullable(newest.get(source.name()));
                    boolean stale = newestRecord.isPresent()
                            && source.freshnessSla().isPresent()
                            && newestRecord
                                    .get()
                                    .plus(source.freshnessSla().get())
                                    .isBefore(asOf);
                    return new PipelineRun.Freshness(source.name(), newestRecord, source.freshnessSla(), stale);
                })
                .toList();
    }
}
