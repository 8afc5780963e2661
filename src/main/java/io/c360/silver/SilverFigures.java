package io.c360.silver;

import static io.c360.lake.TableCatalog.CUSTOMER_ID_MAP;
import static io.c360.lake.TableCatalog.IDENTITY_RECORDS;
import static io.c360.lake.TableCatalog.SCORED_PAIRS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.Concurrently;
import io.c360.lake.Lake;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;

/**
 * What the run log and report show of the silver tables besides the match counts: scored pairs by match
 * probability, customers by the number of records resolved to them, and each source's newest record
 * time. Silver measures them once it has written its tables and records them with its resolution, so a
 * run that finds nothing changed reports them without reading a table.
 *
 * @param pairsByProbability scored pairs in {@link #PROBABILITY_BINS} equal bins over [0, 1] (probability 1
 *     in the last, none counted without a probability); empty when {@code silver.scored_pairs} is not written
 * @param customersByRecords customers holding 1, 2, ... {@link #LARGEST_SIZE_SHOWN} records, then those
 *     holding more; empty when {@code silver.customer_id_map} is not written
 * @param newestRecordTimes each source's newest {@code record_time} in {@code silver.identity_records}
 *     (ISO-8601), for the sources that have one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SilverFigures(
        @JsonProperty("pairs_by_probability") List<Long> pairsByProbability,
        @JsonProperty("customers_by_records") List<Long> customersByRecords,
        @JsonProperty("newest_record_times") Map<String, String> newestRecordTimes) {

    public static final int PROBABILITY_BINS = 20;
    /** Customers with more records share one figure: the tail is long and thin. */
    public static final int LARGEST_SIZE_SHOWN = 10;

    public SilverFigures {
        pairsByProbability = List.copyOf(pairsByProbability);
        customersByRecords = List.copyOf(customersByRecords);
        newestRecordTimes = Map.copyOf(new TreeMap<>(newestRecordTimes));
    }

    /** Each source's newest record time, for the sources that have one. */
    public Map<String, Instant> newestRecords() {
        return newestRecordTimes.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Instant.parse(e.getValue())));
    }

    /** Measures the figures from the silver tables as the lake holds them: one small aggregation per table, side by side. */
    public static SilverFigures measure(Lake lake) {
        List<Supplier<Object>> measures =
                List.of(() -> pairsByProbability(lake), () -> customersByRecords(lake), () -> newestRecordTimes(lake));
        List<Object> measured = Concurrently.map(measures, Supplier::get);
        @SuppressWarnings("unchecked")
        SilverFigures figures = new SilverFigures(
                (List<Long>) measured.get(0), (List<Long>) measured.get(1), (Map<String, String>) measured.get(2));
        return figures;
    }

    private static List<Long> pairsByProbability(Lake lake) {
        if (!lake.exists(SCORED_PAIRS)) {
            return List.of();
        }
        long[] pairs = new long[PROBABILITY_BINS];
        lake.read(SCORED_PAIRS)
                .filter(col("match_probability").isNotNull())
                .groupBy(least(floor(col("match_probability").multiply(PROBABILITY_BINS)), lit(PROBABILITY_BINS - 1))
                        .cast("int")
                        .as("bin"))
                .agg(count(lit(1)).as("pairs"))
                .collectAsList()
                .forEach(r -> pairs[r.getInt(0)] = r.getLong(1));
        return Arrays.stream(pairs).boxed().toList();
    }

    private static List<Long> customersByRecords(Lake lake) {
        if (!lake.exists(CUSTOMER_ID_MAP)) {
            return List.of();
        }
        long[] customers = new long[LARGEST_SIZE_SHOWN + 1];
        lake.read(CUSTOMER_ID_MAP)
                .groupBy("customer_id")
                .agg(count(lit(1)).as("records"))
                .groupBy(least(col("records"), lit(LARGEST_SIZE_SHOWN + 1))
                        .cast("int")
                        .as("size"))
                .agg(count(lit(1)).as("customers"))
                .collectAsList()
                .forEach(r -> customers[r.getInt(0) - 1] = r.getLong(1));
        return new ArrayList<>(Arrays.stream(customers).boxed().toList());
    }

    /** One row per source, so collecting is cheap. */
    private static Map<String, String> newestRecordTimes(Lake lake) {
        Map<String, String> newest = new LinkedHashMap<>();
        if (!lake.exists(IDENTITY_RECORDS)) {
            return newest;
        }
        lake.read(IDENTITY_RECORDS)
                .groupBy("source")
                .agg(max("record_time").as("newest"))
                .filter(col("newest").isNotNull())
                .collectAsList()
                .forEach((Row r) ->
                        newest.put(r.getString(0), r.getTimestamp(1).toInstant().toString()));
        return newest;
    }
}
