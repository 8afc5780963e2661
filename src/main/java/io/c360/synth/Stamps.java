package io.c360.synth;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Moments as epoch seconds (UTC) and the ways the source systems write them: CSV exports as
 * {@code yyyy-MM-dd HH:mm:ss}, JSON as ISO-8601 with an offset.
 */
final class Stamps {
    private Stamps() {}

    static final long DAY = 86_400;

    /** A moment on a day in [from, to], mostly in waking hours. */
    static long moment(Rng rng, LocalDate from, LocalDate to) {
        LocalDate day = Population.day(rng, from, to);
        int second = rng.chance(0.85) ? rng.between(7 * 3600, 23 * 3600 - 1) : rng.between(0, 86_399);
        return day.toEpochDay() * DAY + second;
    }

    static LocalDate day(long epochSecond) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochSecond, DAY));
    }

    static String csv(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        return date(t) + " " + time(t);
    }

    static String isoUtc(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        return date(t) + "T" + time(t) + "Z";
    }

    /** Local time where the person lives, with its offset, e.g. {@code 2025-03-04T05:11:12-05:00}. */
    static String isoLocal(long epochSecond, ZoneId zone) {
        ZoneOffset offset = zone.getRules().getOffset(Instant.ofEpochSecond(epochSecond));
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, offset);
        return date(t) + "T" + time(t) + (offset.getTotalSeconds() == 0 ? "Z" : offset.getId());
    }

    private static String date(LocalDateTime t) {
        return Population.pad(t.getYear(), 4) + "-" + two(t.getMonthValue()) + "-" + two(t.getDayOfMonth());
    }

    private static String time(LocalDateTime t) {
        return two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }
}
