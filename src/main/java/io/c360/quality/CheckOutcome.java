package io.c360.quality;

/**
 * The result of one declared quality check on one table in one run. {@code level} error blocks
 * publication when the check fails; warning is reported only.
 */
public record CheckOutcome(String table, String check, Level level, boolean passed, String message) {
    public enum Level {
        error,
        warning
    }

    public boolean blocks() {
        return !passed && level == Level.error;
    }
}
