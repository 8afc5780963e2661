package io.c360.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The moment a run measures "recent" and "last N days" from: a UTC date (its midnight ending the day) or an
 * instant. Without one, a run measures from the end of its own UTC day, so that every run of a day sees the
 * same figures and a run with nothing new has nothing to publish.
 */
record AsOf(Instant instant) {
    /** The midnight (UTC) that ends {@code day}. */
    static AsOf endOf(LocalDate day) {
        return new AsOf(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** The end of the current UTC day: a run's as-of when none is given. */
    static AsOf endOfToday() {
        return endOf(LocalDate.now(ZoneOffset.UTC));
    }

    static final class Converter implements ITypeConverter<AsOf> {
        @Override
        public AsOf convert(String value) {
            try {
                if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                    return endOf(LocalDate.parse(value));
                }
                return new AsOf(Instant.parse(value));
            } catch (DateTimeParseException e) {
                throw new TypeConversionException(
                        "expected a date (2026-11-01) or an ISO-8601 instant (2026-11-01T12:00:00Z) but was '" + value
                                + "'");
            }
        }
    }
}
