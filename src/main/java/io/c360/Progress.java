package io.c360;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines for long work. They go to stderr so that stdout stays clean for results (e.g. CSV). */
@FunctionalInterface
public interface Progress {
    void report(String line);

    static Progress stderr() {
        DateTimeFormatter hms = DateTimeFormatter.ofPattern("HH:mm:ss");
        return line -> System.err.println("[c360 " + LocalTime.now().format(hms) + "] " + line);
    }

    static Progress silent() {
        return line -> {};
    }

    static String seconds(Duration d) {
        return String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
