package io.c360.bronze;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The physical lines of a text, each with its 1-based number and its own line break ({@code \n} or
 * {@code \r\n}), so that lines joined again give back the bytes delivered. A byte-order mark at the
 * start is dropped. Lines can be pushed back, for a reader that looked ahead and must start again.
 */
final class TextLines {
    /** One physical line; {@code text} keeps its line break, {@code tooLong} says it was cut at the limit. */
    record Line(long number, String text, boolean tooLong) {
        /** The text without its line break. */
        String content() {
            return withoutLineBreak(text);
        }
    }

    /** {@code text} without the line break ({@code \n} or {@code \r\n}) it ends with, if any. */
    static String withoutLineBreak(CharSequence text) {
        int end = text.length();
        if (end > 0 && text.charAt(end - 1) == '\n') {
            end--;
            if (end > 0 && text.charAt(end - 1) == '\r') {
                end--;
            }
        }
        return text.subSequence(0, end).toString();
    }

    private final Reader in;
    private final char[] buffer = new char[1 << 16];
    private int pos;
    private int len;
    private final int maxChars;
    private final Deque<Line> pushedBack = new ArrayDeque<>();
    private long number;
    private boolean started;

    /** @param maxChars a longer line is cut there (and flagged); the rest of it is skipped */
    TextLines(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line, or null at the end of the text. */
    Line next() {
        if (!pushedBack.isEmpty()) {
            return pushedBack.pop();
        }
        try {
            StringBuilder b = new StringBuilder(256);
            boolean tooLong = false;
            int c;
            while ((c = read()) >= 0) {
                if (!started) {
                    started = true;
                    if (c == '\uFEFF') {
                        continue;
                    }
                }
                if (b.length() < maxChars) {
                    b.append((char) c);
                } else {
                    tooLong = true;
                }
                if (c == '\n') {
                    if (tooLong) {
                        b.append('\n');
                    }
                    break;
                }
            }
            started = true;
            if (b.length() == 0 && c < 0) {
                return null;
            }
            return new Line(++number, b.toString(), tooLong);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int read() throws IOException {
        if (pos == len) {
            len = in.read(buffer, 0, buffer.length);
            pos = 0;
            if (len <= 0) {
                len = 0;
                return -1;
            }
        }
        return buffer[pos++];
    }

    /** Makes {@code line} the next one returned again; lines pushed back come out last pushed first. */
    void pushBack(Line line) {
        pushedBack.push(line);
    }
}
