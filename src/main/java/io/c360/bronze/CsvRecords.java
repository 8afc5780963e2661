package io.c360.bronze;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.UnescapedQuoteHandling;
import io.c360.config.ReadOptions;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a CSV text as RFC 4180 defines them: a quoted field may hold delimiters, line
 * breaks and doubled quotes ({@code ""}), or quotes escaped by the source's escape character.
 *
 * <p><b>How far a record reaches.</b> A record ends at the first line break outside a quoted field.
 * When a quote opens a field that no later line closes into a record with the header's number of
 * fields, the record is cut back to its first line, which is malformed, and reading starts again at
 * the next line. So a stray quote costs only its own line, never the valid records after it, and a
 * multi-line field is kept whole when it really closes. A record is also malformed when it holds
 * another number of fields than the header, a NUL character, or more than
 * {@link ReadOptions#maxRecordChars()} characters (which also bounds how far an open quote looks ahead).
 * Quotes inside an unquoted field ({@code O"Brien}) are part of its text, as most exporters mean them.
 */
final class CsvRecords {
    /** A record: the line it starts on, its text as delivered (without the final line break), its fields or why it is malformed. */
    record Record(long line, String text, String[] fields, String malformed) {}

    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int CLOSING = 3;
    /** Set beside the state once a closing quote was followed by text: the quoting is broken. */
    private static final int BROKEN = 4;

    private final TextLines lines;
    private final ReadOptions options;
    private final int fieldCount;
    private final CsvParser parser;

    /** @param fieldCount the number of fields every record must have; negative: any */
    CsvRecords(Reader in, ReadOptions options, int fieldCount) {
        this.lines = new TextLines(in, options.maxRecordChars());
        this.options = options;
        this.fieldCount = fieldCount;
        this.parser = new CsvParser(settings(options, fieldCount));
    }

    /** The header's field names (trimmed), or an empty list for a text without a record. */
    static List<String> header(Reader in, ReadOptions options) {
        Record first = new CsvRecords(in, options, -1).next();
        List<String> names = new ArrayList<>();
        if (first != null && first.fields() != null) {
            for (String f : first.fields()) {
                names.add(f == null ? "" : f.trim());
            }
        }
        return names;
    }

    /** The next record, or null at the end; blank lines between records are skipped. */
    Record next() {
        TextLines.Line first = lines.next();
        while (first != null && first.content().isBlank() && !first.tooLong()) {
            first = lines.next();
        }
        if (first == null) {
            return null;
        }
        List<TextLines.Line> taken = new ArrayList<>(List.of(first));
        StringBuilder text = new StringBuilder(first.text());
        int state = scan(first.text(), FIELD_START);
        boolean tooLong = first.tooLong();
        while ((state & ~BROKEN) == QUOTED && !tooLong) {
            TextLines.Line more = lines.next();
            if (more == null) {
                break;
            }
            if (text.length() + more.text().length() > options.maxRecordChars() || more.tooLong()) {
                lines.pushBack(more);
                break;
            }
            taken.add(more);
            text.append(more.text());
            state = scan(more.text(), state);
        }
        String delivered = TextLines.withoutLineBreak(text);
        Record whole = record(first.number(), delivered, (state & ~BROKEN) == QUOTED, (state & BROKEN) != 0, tooLong);
        if (whole.malformed() == null || taken.size() == 1) {
            return whole;
        }
        for (int i = taken.size() - 1; i >= 1; i--) {
            lines.pushBack(taken.get(i));
        }
        return new Record(
                first.number(),
                first.content(),
                null,
                "a quoted field opened on this line is not closed by a later line into a record of "
                        + (fieldCount >= 0 ? fieldCount + " fields" : "fields") + "; only this line is set aside");
    }

    private Record record(long line, String text, boolean unclosedQuote, boolean brokenQuote, boolean tooLong) {
        if (tooLong) {
            return new Record(
                    line, text, null, "longer than " + options.maxRecordChars() + " characters (max_record_chars)");
        }
        if (text.indexOf('\0') >= 0) {
            return new Record(
                    line,
                    text,
                    null,
                    "holds NUL characters: binary data, or text in another encoding than " + options.encoding());
        }
        if (unclosedQuote) {
            return new Record(line, text, null, "a quoted field is not closed before the end of the file");
        }
        if (brokenQuote) {
            return new Record(line, text, null, "text follows the closing quote of a field");
        }
        String[] fields;
        try {
            fields = parser.parseLine(text);
        } catch (TextParsingException e) {
            return new Record(line, text, null, "not a valid CSV record");
        }
        int found = fields == null ? 0 : fields.length;
        if (fieldCount >= 0 && found != fieldCount) {
            return new Record(
                    line, text, null, "expected " + fieldCount + " fields as in the header but found " + found);
        }
        return new Record(line, text, fields, null);
    }

    /**
     * The parse state after {@code text}, starting in {@code state}: whether a quoted field is still
     * open, and whether a closing quote was followed by text ({@link #BROKEN}, kept once set).
     */
    private int scan(String text, int start) {
        int broken = start & BROKEN;
        int state = start & ~BROKEN;
        char quote = options.quote();
        char escape = options.escape();
        char delimiter = options.delimiter();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (state) {
                case FIELD_START ->
                    state = c == quote ? QUOTED : c == delimiter || c == '\n' || c == '\r' ? FIELD_START : UNQUOTED;
                case UNQUOTED -> state = c == delimiter || c == '\n' ? FIELD_START : UNQUOTED;
                case QUOTED -> {
                    if (escape != quote && c == escape) {
                        i++;
                    } else if (c == quote) {
                        state = CLOSING;
                    }
                }
                default -> {
                    if (c == quote && escape == quote) {
                        state = QUOTED;
                    } else if (c == delimiter || c == '\n') {
                        state = FIELD_START;
                    } else if (c != '\r') {
                        broken = BROKEN;
                        state = UNQUOTED;
                    }
                }
            }
        }
        return state | broken;
    }

    private static CsvParserSettings settings(ReadOptions options, int fieldCount) {
        CsvParserSettings s = new CsvParserSettings();
        s.getFormat().setDelimiter(options.delimiter());
        s.getFormat().setQuote(options.quote());
        s.getFormat().setQuoteEscape(options.escape());
        s.getFormat().setCharToEscapeQuoteEscaping(options.escape());
        s.getFormat().setLineSeparator("\n");
        s.setCommentProcessingEnabled(false);
        s.setIgnoreLeadingWhitespaces(false);
        s.setIgnoreTrailingWhitespaces(false);
        s.setIgnoreLeadingWhitespacesInQuotes(false);
        s.setIgnoreTrailingWhitespacesInQuotes(false);
        s.setNormalizeLineEndingsWithinQuotes(false);
        s.setUnescapedQuoteHandling(UnescapedQuoteHandling.STOP_AT_DELIMITER);
        s.setMaxCharsPerColumn(-1);
        s.setMaxColumns(Math.max(512, 2 * fieldCount));
        s.setHeaderExtractionEnabled(false);
        return s;
    }
}
