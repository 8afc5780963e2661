package io.c360.lake;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.util.Arrays;
import java.util.List;

/**
 * One CSV line split into fields or joined from them, with the parser Spark's own CSV source and
 * {@code to_csv} use (univocity), so a line c360 wrote reads back exactly. Empty fields are
 * empty strings, never null.
 */
public final class CsvLine {
    private CsvLine() {}

    public static List<String> fields(String line) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setNullValue("");
        settings.setEmptyValue("");
        settings.setMaxCharsPerColumn(-1);
        String[] fields = new CsvParser(settings).parseLine(line);
        return fields == null ? List.of("") : Arrays.asList(fields);
    }

    public static String join(List<String> fields) {
        CsvWriterSettings settings = new CsvWriterSettings();
        settings.setNullValue("");
        return new CsvWriter(settings).writeRowToString(fields.toArray());
    }
}
