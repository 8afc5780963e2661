package io.c360.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;

/** How fresh each configured source is at a run's as-of, from the record times silver standardized. */
public final class Freshness {
    private Freshness() {}

    /**
     * One entry per configured source, in configuration order. Before silver has run there is no record
     * time to measure: bronze only knows when rows were ingested, which says nothing about how old the
     * source's data is, so every source is then reported without a newest record and not stale.
     */
    public static List<PipelineRun.Freshness> measure(Lake lake, C360Config config, Instant asOf) {
        Map<String, Instant> newest =
                lake.exists(TableCatalog.IDENTITY_RECORDS) ? newestRecordPerSource(lake) : Map.of();
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

    /** One row per source, so collecting is cheap. */
    private static Map<String, Instant> newestRecordPerSource(Lake lake) {
        return lake
                .read(TableCatalog.IDENTITY_RECORDS)
                .groupBy("source")
                .agg(max("record_time").as("newest"))
                .filter(col("newest").isNotNull())
                .collectAsList()
                .stream()
                .collect(Collectors.toMap(
                        r -> r.getString(0), (Row r) -> r.getTimestamp(1).toInstant()));
    }
}
