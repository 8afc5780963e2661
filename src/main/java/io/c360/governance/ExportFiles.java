package io.c360.governance;

import io.c360.lake.CsvLine;
import io.c360.lake.Lake;
import io.c360.lake.Storage;
import io.c360.lake.TableCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;

/**
 * The activation files {@code c360 export} wrote (listed in {@code ops.exports}): CSV with a header,
 * one customer per line. Erasure rewrites each file without the lines of the subject (their
 * customer id in the {@code customer_id} column, or any of their identifiers as a token anywhere in
 * the line), beside the file and moved into place. A file whose header has no {@code customer_id}
 * column cannot be read line by line with certainty, so when it holds any of their identifiers it
 * is deleted instead. Copies already sent to a marketing platform are outside the lake: the audit
 * row counts the files touched so the operator can ask the platform to delete them too.
 */
final class ExportFiles {
    private ExportFiles() {}

    /** An activation file's lines that belong to the subject, by file (for access requests). */
    static Map<String, List<Map<String, String>>> linesOf(Lake lake, Subject subject) {
        Map<String, List<Map<String, String>>> found = new LinkedHashMap<>();
        Needles needles = subject.needles();
        Configuration hadoop = lake.spark().sparkContext().hadoopConfiguration();
        for (String file : files(lake)) {
            if (!Storage.isFile(hadoop, file)) {
                continue;
            }
            List<String> lines = Storage.readLines(hadoop, file);
            if (lines.isEmpty()) {
                continue;
            }
            List<String> header = CsvLine.fields(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                if (belongs(line, header, subject, needles)) {
                    List<String> values = CsvLine.fields(line);
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 0; i < header.size(); i++) {
                        row.put(header.get(i), i < values.size() ? values.get(i) : null);
                    }
                    found.computeIfAbsent(file, f -> new ArrayList<>()).add(row);
                }
            }
        }
        return found;
    }

    /** Rewrites (or deletes) the activation files holding the subject; returns what it did. */
    static Erasure.ExportFilesErased erase(Lake lake, Subject subject) {
        return process(lake, subject, true);
    }

    /** What {@link #erase} would do, writing nothing. */
    static Erasure.ExportFilesErased preview(Lake lake, Subject subject) {
        return process(lake, subject, false);
    }

    private static Erasure.ExportFilesErased process(Lake lake, Subject subject, boolean write) {
        int rewritten = 0;
        int deleted = 0;
        int missing = 0;
        long rows = 0;
        Needles needles = subject.needles();
        Configuration hadoop = lake.spark().sparkContext().hadoopConfiguration();
        for (String file : files(lake)) {
            if (!Storage.isFile(hadoop, file)) {
                missing++;
                continue;
            }
            List<String> lines = Storage.readLines(hadoop, file);
            if (lines.isEmpty()) {
                continue;
            }
            List<String> header = CsvLine.fields(lines.get(0));
            if (!header.contains("customer_id")) {
                if (lines.stream().anyMatch(needles::foundIn)) {
                    if (write) {
                        Storage.delete(hadoop, file);
                    }
                    deleted++;
                }
                continue;
            }
            List<String> kept = new ArrayList<>();
            kept.add(lines.get(0));
            for (String line : lines.subList(1, lines.size())) {
                if (belongs(line, header, subject, needles)) {
                    rows++;
                } else {
                    kept.add(line);
                }
            }
            if (kept.size() < lines.size()) {
                if (write) {
                    Storage.write(hadoop, file, w -> {
                        for (String line : kept) {
                            w.write(line);
                            w.write('\n');
                        }
                    });
                }
                rewritten++;
            }
        }
        return new Erasure.ExportFilesErased(rewritten, deleted, rows, missing);
    }

    private static boolean belongs(String line, List<String> header, Subject subject, Needles needles) {
        int at = header.indexOf("customer_id");
        if (at >= 0) {
            List<String> values = CsvLine.fields(line);
            if (at < values.size() && subject.customerIds().contains(values.get(at))) {
                return true;
            }
        }
        return needles.foundIn(line);
    }

    private static List<String> files(Lake lake) {
        if (!lake.exists(TableCatalog.EXPORTS)) {
            return List.of();
        }
        return new ArrayList<>(
                new TreeSet<>(lake.read(TableCatalog.EXPORTS).select("file").distinct().collectAsList().stream()
                        .filter(r -> !r.isNullAt(0))
                        .map(r -> r.getString(0))
                        .toList()));
    }
}
