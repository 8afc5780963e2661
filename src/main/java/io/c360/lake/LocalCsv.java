package io.c360.lake;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.c360.C360Exception;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A small CSV file on the driver's file system (a definition such as {@code silver/nicknames.csv},
 * a steward's decisions file) as a Dataset of string columns named by its header. The file is read
 * here, on the driver, and its rows travel with the plan: {@code spark.read().csv(path)} would have
 * every executor open the path itself, which on a cluster is a file only the driver machine has
 * (and, if relative, one resolved against each executor's working directory).
 */
public final class LocalCsv {
    private LocalCsv() {}

    /** All rows of the file; a blank field is null, a missing trailing field is null, extra fields are dropped. */
    public static Dataset<Row> read(SparkSession spark, Path file) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        settings.setLineSeparatorDetectionEnabled(true);
        settings.setMaxCharsPerColumn(-1);
        List<String[]> lines;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines = new CsvParser(settings).parseAll(in);
        } catch (IOException | RuntimeException e) {
            throw new C360Exception(file + ": cannot read CSV: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new C360Exception(file + ": empty file, expected a header line");
        }
        String[] header = lines.get(0);
        StructType schema = new StructType();
        for (int i = 0; i < header.length; i++) {
            String name = header[i] == null ? "_c" + i : header[i].strip().replace("\uFEFF", "");
            schema = schema.add(name, DataTypes.StringType);
        }
        List<Row> rows = new ArrayList<>(lines.size() - 1);
        for (String[] fields : lines.subList(1, lines.size())) {
            Object[] values = Arrays.copyOf(fields, header.length);
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null && ((String) values[i]).isEmpty()) {
                    values[i] = null;
                }
            }
            rows.add(RowFactory.create(values));
        }
        return spark.createDataFrame(rows, schema);
    }
}
