package io.c360.config;

import io.c360.C360Exception;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * How a source's files are read: the {@code options:} of a source in the run configuration.
 *
 * @param delimiter CSV field delimiter ({@code delimiter}, default {@code ,})
 * @param quote CSV quote character ({@code quote}, default {@code "})
 * @param escape the character that escapes a quote inside a quoted CSV field ({@code escape}); the
 *     default, the quote itself, is RFC 4180's doubled quote {@code ""}
 * @param header whether a CSV file's first record names its columns ({@code header}, default true);
 *     without one, fields are the contract's columns in declared order
 * @param encoding the files' character set ({@code encoding}, default UTF-8; older systems often
 *     export ISO-8859-1 or windows-1252)
 * @param maxRecordChars the longest record accepted ({@code max_record_chars}); longer ones are
 *     quarantined. It also bounds how far an unclosed quote can reach.
 */
public record ReadOptions(char delimiter, char quote, char escape, boolean header, String encoding, int maxRecordChars)
        implements Serializable {
    public static final int DEFAULT_MAX_RECORD_CHARS = 16 * 1024 * 1024;
    public static final ReadOptions DEFAULTS = new ReadOptions(',', '"', '"', true, "UTF-8", DEFAULT_MAX_RECORD_CHARS);

    private static final Set<String> CSV_KEYS =
            Set.of("delimiter", "quote", "escape", "header", "encoding", "max_record_chars");
    private static final Set<String> JSON_KEYS = Set.of("encoding", "max_record_chars");

    public Charset charset() {
        return Charset.forName(encoding);
    }

    /**
     * The options of a source of {@code format}, each checked: an unknown key or a bad value is an
     * error built by {@code error(key, expectation)}.
     */
    public static ReadOptions parse(
            String format, Map<String, String> options, BiFunction<String, String, C360Exception> error) {
        Set<String> known = switch (format) {
            case "csv" -> CSV_KEYS;
            case "json" -> JSON_KEYS;
            default -> Set.of();
        };
        for (String key : options.keySet()) {
            if (!known.contains(key)) {
                throw error.apply(
                        key,
                        known.isEmpty()
                                ? "unknown option; a " + format
                                        + " source takes no options (its files carry their own types)"
                                : "unknown option for a " + format + " source; expected one of: "
                                        + String.join(
                                                ", ", known.stream().sorted().toList()));
            }
        }
        char delimiter = character(options, "delimiter", DEFAULTS.delimiter, error);
        char quote = character(options, "quote", DEFAULTS.quote, error);
        char escape = character(options, "escape", quote, error);
        if (delimiter == quote) {
            throw error.apply("quote", "expected a character other than the delimiter '" + delimiter + "'");
        }
        boolean header = switch (options.getOrDefault("header", "true").toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw error.apply("header", "expected true or false but was '" + options.get("header") + "'");
        };
        String encoding = options.getOrDefault("encoding", DEFAULTS.encoding);
        try {
            encoding = Charset.forName(encoding).name();
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw error.apply(
                    "encoding",
                    "expected a character set such as UTF-8, ISO-8859-1 or windows-1252 but was '" + encoding + "'");
        }
        int maxRecordChars = DEFAULTS.maxRecordChars;
        if (options.containsKey("max_record_chars")) {
            try {
                maxRecordChars =
                        Integer.parseInt(options.get("max_record_chars").trim());
            } catch (NumberFormatException e) {
                maxRecordChars = 0;
            }
            if (maxRecordChars < 1) {
                throw error.apply(
                        "max_record_chars",
                        "expected a positive number of characters but was '" + options.get("max_record_chars") + "'");
            }
        }
        return new ReadOptions(delimiter, quote, escape, header, encoding, maxRecordChars);
    }

    private static char character(
            Map<String, String> options, String key, char fallback, BiFunction<String, String, C360Exception> error) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        String unescaped = v.equals("\\t") ? "\t" : v;
        if (unescaped.length() != 1 || unescaped.charAt(0) == '\n' || unescaped.charAt(0) == '\r') {
            throw error.apply(key, "expected one character (\\t for a tab) but was '" + v + "'");
        }
        return unescaped.charAt(0);
    }
}
