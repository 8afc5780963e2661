package io.c360.bronze;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c360.config.ReadOptions;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads landed files into raw records: every contract column as delivered text (blank = null), plus
 * the record as delivered ({@code _record}), its file and first line, rescued extra columns and, for
 * a record that could not be parsed, why ({@code _malformed}). A broken record costs only itself: CSV
 * records are bounded as {@link CsvRecords} says, JSON records are lines.
 *
 * <p>Text files are read by one task each, decompressed and decoded in the source's encoding, as
 * Spark's own multi-line CSV reader does: a record may span lines, so a file cannot be split at an
 * arbitrary byte. Parquet files carry types: a typed date or timestamp is taken as it is, without the
 * contract's text format ({@code _typed}); a nested value where the contract expects one value is a
 * violation ({@code _nested}), as it is in JSON.
 */
final class RawRecords {
    static final String RECORD = "_record";
    static final String MALFORMED = "_malformed";
    /** The keys or columns a file delivered (null for CSV, whose header was checked before reading). */
    static final String DELIVERED_KEYS = "_delivered_keys";
    /** Columns whose value is an object or array where the contract expects a single value. */
    static final String NESTED = "_nested";
    /** Columns delivered with a native date or timestamp type: their text is ISO, whatever the contract's format. */
    static final String TYPED = "_typed";

    private static final ArrayType TEXTS = DataTypes.createArrayType(DataTypes.StringType);

    private RawRecords() {}

    /** The raw layout: contract columns as text, then lineage and parse outcome. */
    static StructType schema(SourceContract contract) {
        StructType schema = new StructType();
        for (String name : contract.columnNames()) {
            schema = schema.add(name, DataTypes.StringType);
        }
        return schema.add(Lineage.RESCUED, DataTypes.StringType)
                .add(MALFORMED, DataTypes.StringType)
                .add(RECORD, DataTypes.StringType)
                .add(Lineage.SOURCE_FILE, DataTypes.StringType)
                .add(Lineage.SOURCE_ROW, DataTypes.LongType)
                .add(DELIVERED_KEYS, TEXTS)
                .add(NESTED, TEXTS)
                .add(TYPED, TEXTS);
    }

    /**
     * How one text file is read: its format and options, and for CSV the header's position of each
     * contract column ({@code -1}: not delivered) and of the extra columns to rescue.
     */
    record FilePlan(
            String path,
            String format,
            ReadOptions options,
            List<String> columns,
            int[] columnAt,
            List<String> extraNames,
            int[] extraAt,
            int fieldCount,
            boolean rescue)
            implements Serializable {
        /** A CSV file whose header is {@code header} (the contract's columns when the source has no header line). */
        static FilePlan csv(LandedFile file, ReadOptions options, SourceContract contract, List<String> header) {
            List<String> columns = contract.columnNames();
            int[] at =
                    columns.stream().mapToInt(c -> indexIgnoreCase(header, c)).toArray();
            List<String> extraNames = new ArrayList<>();
            List<Integer> extraAt = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                if (indexIgnoreCase(columns, header.get(i)) < 0) {
                    extraNames.add(header.get(i));
                    extraAt.add(i);
                }
            }
            return new FilePlan(
                    file.path(),
                    "csv",
                    options,
                    columns,
                    at,
                    extraNames,
                    extraAt.stream().mapToInt(Integer::intValue).toArray(),
                    header.size(),
                    rescues(contract));
        }

        static FilePlan json(LandedFile file, ReadOptions options, SourceContract contract) {
            return new FilePlan(
                    file.path(),
                    "json",
                    options,
                    contract.columnNames(),
                    new int[0],
                    List.of(),
                    new int[0],
                    -1,
                    rescues(contract));
        }

        private static boolean rescues(SourceContract contract) {
            return contract.unexpectedColumns() == SourceContract.UnexpectedColumns.RESCUE;
        }
    }

    /** The raw records of CSV or JSON-lines files, one task per file. */
    static Dataset<Row> text(SparkSession spark, List<FilePlan> files, SourceContract contract) {
        HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(files, Math.max(1, files.size()))
                .flatMap(plan -> new FileRows(plan, hadoop.get()));
        return spark.createDataFrame(rows, schema(contract));
    }

    /** The rows of one text file in the raw layout, read lazily and closed at the end. */
    private static final class FileRows implements Iterator<Row> {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final FilePlan plan;
        private final LandedFile.Content content;
        private final Reader in;
        private final CsvRecords csv;
        private final TextLines lines;
        private Row next;
        private Row ahead;
        private boolean failureReported;

        FileRows(FilePlan plan, Configuration hadoop) throws IOException {
            this.plan = plan;
            this.content = new LandedFile(plan.path(), 0, 0).content(hadoop);
            this.in = content.text(plan.options().charset());
            if (plan.format().equals("csv")) {
                this.csv = new CsvRecords(in, plan.options(), plan.fieldCount());
                this.lines = null;
                if (plan.options().header()) {
                    csv.next();
                }
            } else {
                this.csv = null;
                this.lines = new TextLines(in, plan.options().maxRecordChars());
            }
            ahead = read();
            advance();
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Row next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Row r = next;
            advance();
            return r;
        }

        /**
         * Moves to the next row, reading one ahead: when the file's bytes ended early (a truncated or
         * corrupt compressed file), its last record may be cut short, so it is quarantined with that reason.
         */
        private void advance() {
            next = ahead;
            ahead = next == null ? null : read();
            if (ahead == null && content.failure().isPresent() && !failureReported) {
                failureReported = true;
                String why = "the file ends early (truncated or corrupt: "
                        + content.failure().get().getMessage() + ")";
                int at = plan.columns().size();
                next = next == null
                        ? row(new String[at], null, why, "", 0, null, List.of())
                        : row(
                                new String[at],
                                null,
                                why + "; this last record read may be cut short",
                                next.getString(at + 2),
                                next.getLong(at + 4),
                                null,
                                List.of());
            }
        }

        private Row read() {
            Row r = csv != null ? csvRow() : jsonRow();
            if (r == null) {
                try {
                    in.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return r;
        }

        private Row csvRow() {
            CsvRecords.Record r = csv.next();
            if (r == null) {
                return null;
            }
            String[] values = new String[plan.columns().size()];
            String rescued = null;
            if (r.fields() != null) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = plan.columnAt()[i] < 0 ? null : blankAsNull(r.fields()[plan.columnAt()[i]]);
                }
                if (plan.rescue() && plan.extraAt().length > 0) {
                    ObjectNode extras = JSON.createObjectNode();
                    for (int i = 0; i < plan.extraAt().length; i++) {
                        String v = r.fields()[plan.extraAt()[i]];
                        if (v != null) {
                            extras.put(plan.extraNames().get(i), v);
                        }
                    }
                    rescued = extras.isEmpty() ? null : extras.toString();
                }
            }
            String malformed = r.malformed() == null ? null : "malformed CSV record: " + r.malformed();
            return row(values, rescued, malformed, r.text(), r.line(), null, List.of());
        }

        private Row jsonRow() {
            TextLines.Line line = lines.next();
            while (line != null && line.content().isBlank() && !line.tooLong()) {
                line = lines.next();
            }
            if (line == null) {
                return null;
            }
            String text = line.content();
            String[] values = new String[plan.columns().size()];
            if (line.tooLong()) {
                return row(
                        values,
                        null,
                        "malformed JSON line: longer than " + plan.options().maxRecordChars()
                                + " characters (max_record_chars)",
                        text,
                        line.number(),
                        null,
                        List.of());
            }
            JsonRecords.Parsed p = JsonRecords.parse(text, plan.columns(), plan.rescue());
            if (p.malformed() != null) {
                return row(values, null, p.malformed(), text, line.number(), null, List.of());
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = blankAsNull(p.values()[i]);
            }
            return row(values, p.rescued(), null, text, line.number(), p.keys(), p.nested());
        }

        private Row row(
                String[] values,
                String rescued,
                String malformed,
                String text,
                long line,
                List<String> keys,
                List<String> nested) {
            if (text.indexOf('\uFFFD') >= 0) {
                malformed = "not valid " + plan.options().encoding()
                        + " text (the source's encoding option says how its files are encoded)";
            }
            Object[] cells = Arrays.copyOf(values, values.length + 8, Object[].class);
            int at = values.length;
            cells[at] = rescued;
            cells[at + 1] = malformed;
            cells[at + 2] = text;
            cells[at + 3] = plan.path();
            cells[at + 4] = line;
            cells[at + 5] = keys == null ? null : keys.toArray(String[]::new);
            cells[at + 6] = nested.toArray(String[]::new);
            cells[at + 7] = null;
            return RowFactory.create(cells);
        }
    }

    /**
     * The raw records of Parquet files: a column typed as the contract's date or timestamp is taken as
     * typed; other values become text and are checked as text is.
     */
    static Dataset<Row> parquet(SparkSession spark, List<LandedFile> files, SourceContract contract) {
        Dataset<Row> all = null;
        for (LandedFile file : files) {
            Dataset<Row> rows = spark.read().parquet(file.path());
            List<String> delivered = Arrays.asList(rows.columns());
            Column[] everything =
                    delivered.stream().map(c -> col("`" + c + "`")).toArray(Column[]::new);
            List<Column> out = new ArrayList<>();
            List<Column> nested = new ArrayList<>();
            List<Column> typed = new ArrayList<>();
            for (SourceContract.Column c : contract.columns()) {
                int at = indexIgnoreCase(delivered, c.name());
                if (at < 0) {
                    out.add(lit(null).cast(DataTypes.StringType).as(c.name()));
                    continue;
                }
                StructField field = rows.schema().fields()[at];
                Column value = col("`" + field.name() + "`");
                DataType type = field.dataType();
                boolean container = type instanceof StructType || type instanceof ArrayType || type instanceof MapType;
                if (container) {
                    out.add(to_json(value).as(c.name()));
                    nested.add(when(value.isNotNull(), lit(c.name())));
                } else {
                    out.add(blankAsNull(value.cast(DataTypes.StringType)).as(c.name()));
                }
                boolean dated = type.equals(DataTypes.DateType)
                        || type.equals(DataTypes.TimestampType)
                        || type.equals(DataTypes.TimestampNTZType);
                if (dated
                        && (c.type().kind() == ColumnType.Kind.DATE || c.type().kind() == ColumnType.Kind.TIMESTAMP)) {
                    typed.add(when(value.isNotNull(), lit(c.name())));
                }
            }
            List<Column> extras = new ArrayList<>();
            for (String d : delivered) {
                if (indexIgnoreCase(contract.columnNames(), d) < 0) {
                    extras.add(col("`" + d + "`"));
                }
            }
            boolean rescue =
                    contract.unexpectedColumns() == SourceContract.UnexpectedColumns.RESCUE && !extras.isEmpty();
            out.add((rescue
                            ? to_json(struct(extras.toArray(Column[]::new)))
                            : lit(null).cast(DataTypes.StringType))
                    .as(Lineage.RESCUED));
            out.add(lit(null).cast(DataTypes.StringType).as(MALFORMED));
            out.add(to_json(struct(everything)).as(RECORD));
            out.add(lit(file.path()).as(Lineage.SOURCE_FILE));
            out.add(col(Lineage.SOURCE_ROW));
            out.add(lit(delivered.toArray(String[]::new)).as(DELIVERED_KEYS));
            out.add(present(nested).as(NESTED));
            out.add(present(typed).as(TYPED));
            Dataset<Row> numbered = numbered(spark, rows);
            Dataset<Row> raw = numbered.select(out.toArray(Column[]::new));
            all = all == null ? raw : all.unionByName(raw);
        }
        return all;
    }

    /** The names among {@code names} (each null when it does not apply) as an array, never null. */
    private static Column present(List<Column> names) {
        if (names.isEmpty()) {
            return lit(new String[0]).cast(TEXTS);
        }
        return org.apache.spark.sql.functions.filter(array(names.toArray(Column[]::new)), Column::isNotNull);
    }

    /** Rows in file order with their 1-based row number. */
    private static Dataset<Row> numbered(SparkSession spark, Dataset<Row> rows) {
        JavaRDD<Row> withNumber = rows.javaRDD().zipWithIndex().map(t -> {
            Object[] cells = new Object[t._1().size() + 1];
            for (int i = 0; i < t._1().size(); i++) {
                cells[i] = t._1().get(i);
            }
            cells[cells.length - 1] = t._2() + 1;
            return RowFactory.create(cells);
        });
        return spark.createDataFrame(withNumber, rows.schema().add(Lineage.SOURCE_ROW, DataTypes.LongType));
    }

    /** An empty Dataset of the raw layout. */
    static Dataset<Row> none(SparkSession spark, SourceContract contract) {
        return spark.createDataFrame(List.of(), schema(contract));
    }

    static String blankAsNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static Column blankAsNull(Column c) {
        return when(trim(c).notEqual(""), c);
    }

    static int indexIgnoreCase(List<String> names, String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /** A Hadoop configuration carried to the tasks that open the files (S3 credentials, codecs). */
    private static final class HadoopConf implements Serializable {
        private transient Configuration conf;

        HadoopConf(Configuration conf) {
            this.conf = conf;
        }

        Configuration get() {
            return conf;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            conf.write(out);
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            conf = new Configuration(false);
            conf.readFields(in);
        }
    }
}
