package io.c360.cli;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Prints query results as an aligned text table or as CSV (through the CSV writer Spark itself uses). */
final class ResultPrinter {
    private ResultPrinter() {}

    static void table(StructType schema, List<Row> rows, PrintWriter out) {
        String[] names = schema.fieldNames();
        int[] width = new int[names.length];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            width[i] = names[i].length();
        }
        for (Row row : rows) {
            String[] line = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                line[i] = cell(row, i);
                width[i] = Math.max(width[i], line[i].length());
            }
            cells.add(line);
        }
        String rule = rule(width);
        out.println(rule);
        out.println(line(names, width));
        out.println(rule);
        for (String[] line : cells) {
            out.println(line(line, width));
        }
        out.println(rule);
    }

    /**
     * Writes every row the iterator gives, streaming, so a result larger than memory is written whole;
     * returns how many.
     */
    static long csv(StructType schema, Iterator<Row> rows, PrintWriter out) {
        CsvWriter writer = new CsvWriter(out, new CsvWriterSettings());
        writer.writeHeaders(schema.fieldNames());
        long written = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            Object[] values = new Object[row.length()];
            for (int i = 0; i < row.length(); i++) {
                values[i] = row.isNullAt(i) ? null : cell(row, i);
            }
            writer.writeRow(values);
            written++;
        }
        writer.flush();
        return written;
    }

    private static String cell(Row row, int i) {
        if (row.isNullAt(i)) {
            return "NULL";
        }
        String s = String.valueOf(row.get(i));
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    private static String rule(int[] width) {
        StringBuilder b = new StringBuilder("+");
        for (int w : width) {
            b.append("-".repeat(w + 2)).append('+');
        }
        return b.toString();
    }

    private static String line(String[] values, int[] width) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < values.length; i++) {
            b.append(' ')
                    .append(values[i])
                    .append(" ".repeat(width[i] - values[i].length()))
                    .append(" |");
        }
        return b.toString();
    }
}
