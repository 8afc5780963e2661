package io.c360.quality;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.config.ConfigReader;
import io.c360.config.ConfigReader.InvalidSetting;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * {@code accuracy_audit:} of a quality file: publication needs a completed accuracy audit
 * ({@code ops.accuracy_audits}, docs/stewardship.md) no older than {@code max_age_days} whose precision
 * is at least {@code min_precision}. The point estimate is compared, the figure an audit reports and
 * sponsors quote; its interval's lower bound would fail a small audit of a perfect resolution (60 pairs
 * all right give a lower bound of 0.94), so a gate on it would demand audits of hundreds of pairs.
 */
public record AccuracyAudit(double minPrecision, int maxAgeDays) {
    static final String CHECK = "accuracy_audit";

    @JsonCreator
    static AccuracyAudit of(
            @JsonProperty("min_precision") Double minPrecision, @JsonProperty("max_age_days") Integer maxAgeDays) {
        double floor = ConfigReader.required(minPrecision, "min_precision");
        int age = ConfigReader.required(maxAgeDays, "max_age_days");
        if (floor < 0 || floor > 1) {
            throw new InvalidSetting("min_precision", "expected a share between 0 and 1 but was " + floor);
        }
        if (age < 1) {
            throw new InvalidSetting("max_age_days", "expected at least 1 day but was " + age);
        }
        return new AccuracyAudit(floor, age);
    }

    /** The newest completed audit's row of {@code ops.accuracy_audits}, if any: what the gate and the run report read. */
    public static Optional<Row> latest(Lake lake) {
        return lake.exists(TableCatalog.ACCURACY_AUDITS)
                ? lake
                        .read(TableCatalog.ACCURACY_AUDITS)
                        .filter(col("status").equalTo("complete"))
                        .orderBy(col("at").desc())
                        .limit(1)
                        .collectAsList()
                        .stream()
                        .findFirst()
                : Optional.empty();
    }

    /** The check's outcome on the lake's newest completed audit, at {@code now}. */
    CheckOutcome verify(Lake lake, Instant now) {
        Optional<Row> latest = latest(lake);
        String wanted = String.format(
                Locale.ROOT,
                "expected a completed audit of the last %d days with precision >= %s",
                maxAgeDays,
                TableRun.plain(minPrecision));
        if (latest.isEmpty()) {
            return outcome(false, "no accuracy audit completed yet; " + wanted + " (c360 audit start --size N)");
        }
        Row audit = latest.get();
        String id = audit.getAs("audit_id");
        Instant at = audit.<Timestamp>getAs("at").toInstant();
        long days = Duration.between(at, now).toDays();
        if (at.isBefore(now.minus(Duration.ofDays(maxAgeDays)))) {
            return outcome(false, "the latest accuracy audit, " + id + ", completed " + days(days) + " ago; " + wanted);
        }
        if (audit.isNullAt(audit.fieldIndex("precision"))) {
            return outcome(
                    false,
                    "the latest accuracy audit, " + id + ", has no precision estimate (a stratum has"
                            + " no match or non_match answer); " + wanted);
        }
        double precision = audit.getAs("precision");
        String found = String.format(
                Locale.ROOT,
                "accuracy audit %s (%s old): precision %.4f (95 %% interval %.4f to %.4f)",
                id,
                days(days),
                precision,
                audit.<Double>getAs("precision_low"),
                audit.<Double>getAs("precision_high"));
        return precision >= minPrecision ? outcome(true, found) : outcome(false, found + "; " + wanted);
    }

    private static String days(long days) {
        return days + (days == 1 ? " day" : " days");
    }

    private static CheckOutcome outcome(boolean passed, String message) {
        String table = TableCatalog.ACCURACY_AUDITS.toString();
        return new CheckOutcome(
                table,
                CHECK,
                CheckOutcome.Level.error,
                passed,
                table + ": " + CHECK + (passed ? " passed: " : " failed: ") + message);
    }
}
