package io.c360.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The moment a run measures "recent" and "last N days" from: a UTC date (its midnight ending the day) or an instant. */
record AsOf(Instant instant) {
    static final class Converter implements ITypeConverter<AsOf> {
        @Override
        public AsOf convert(String value) {
            try {
                if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                    return new AsOf(LocalDate.parse(value)
                            .plusDays(1)
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant());
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
