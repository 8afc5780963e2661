package io.c360.bronze;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.json_object_keys;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads landed files into raw records: every contract column as delivered text (blank = null),
 * plus the record as delivered ({@code _record}), its file and line, rescued extra columns and,
 * for a line that could not be parsed, why ({@code _malformed}). Files are read line by line, so a
 * broken line (bad quoting, wrong field count, truncated JSON, invalid UTF-8) costs only itself.
 */
final class RawRecords {
  static final String RECORD = "_record";
  static final String MALFORMED = "_malformed";
  /** The top-level keys a JSON line delivered (null for CSV, whose header was checked before reading). */
  static final String DELIVERED_KEYS = "_delivered_keys";
  private static final String CORRUPT = "_corrupt";
  private static final String VALUE = "value";

  private RawRecords() {}

  /** Lines of one file with their 1-based line numbers. */
  static Dataset<Row> numberedLines(SparkSession spark, LandedFile file) {
    return numbered(spark, spark.read().text(file.path()), file).filter(trim(col(VALUE)).notEqual(""));
  }

  /** A one-text-column Dataset in file order, with 1-based row numbers and the file it came from. */
  private static Dataset<Row> numbered(SparkSession spark, Dataset<Row> text, LandedFile file) {
    JavaRDD<Row> rows = text.javaRDD()
        .zipWithIndex()
        .map(t -> RowFactory.create(t._1().getString(0), t._2() + 1));
    StructType schema = new StructType()
        .add(VALUE, DataTypes.StringType)
        .add(Lineage.SOURCE_ROW, DataTypes.LongType);
    return spark.createDataFrame(rows, schema).withColumn(Lineage.SOURCE_FILE, lit(file.path()));
  }

  /** Rows of one Parquet file as JSON lines, numbered: they then go through {@link #json} like any JSON source. */
  static Dataset<Row> parquetAsLines(SparkSession spark, LandedFile file) {
    Dataset<Row> rows = spark.read().parquet(file.path());
    Column[] all = java.util.Arrays.stream(rows.columns()).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    return numbered(spark, rows.select(to_json(struct(all))), file);
  }

  /** Header fields of a CSV file (names trimmed). */
  static List<String> csvHeader(String headerLine, Map<String, String> options) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(options.getOrDefault("delimiter", options.getOrDefault("sep", ",")).charAt(0));
    String[] fields = new CsvParser(settings).parseLine(headerLine);
    List<String> names = new ArrayList<>();
    if (fields != null) {
      for (String f : fields) {
        names.add(f == null ? "" : f.trim());
      }
    }
    return names;
  }

  /**
   * Raw records of one CSV file whose header has been checked against the contract: declared columns
   * by header name (absent optional ones null), undeclared ones rescued as JSON when asked to.
   */
  static Dataset<Row> csv(Dataset<Row> lines, List<String> header, SourceContract contract, Map<String, String> options) {
    StructType schema = new StructType();
    for (int i = 0; i < header.size(); i++) {
      schema = schema.add("c" + i, DataTypes.StringType);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType);
    Map<String, String> csvOptions = new HashMap<>(options);
    csvOptions.put("mode", "PERMISSIVE");
    csvOptions.put("columnNameOfCorruptRecord", CORRUPT);
    Dataset<Row> parsed = lines
        .filter(col(Lineage.SOURCE_ROW).gt(1))
        .withColumn("p", from_csv(col(VALUE), lit(schema.toDDL()), csvOptions));

    List<Column> out = new ArrayList<>();
    for (String name : contract.columnNames()) {
      int at = indexIgnoreCase(header, name);
      out.add(at < 0 ? lit(null).cast(DataTypes.StringType).as(name) : blankAsNull(col("p.c" + at)).as(name));
    }
    List<Column> extras = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      if (indexIgnoreCase(contract.columnNames(), header.get(i)) < 0) {
        extras.add(col("p.c" + i).as(header.get(i)));
      }
    }
    Column rescued = extras.isEmpty() || contract.unexpectedColumns() != SourceContract.UnexpectedColumns.RESCUE
        ? lit(null).cast(DataTypes.StringType)
        : to_json(struct(extras.toArray(Column[]::new)));
    Column malformed = when(col("p." + CORRUPT).isNotNull(),
        lit("malformed CSV line: expected " + header.size() + " fields as in the header, properly quoted"));
    return withLineage(parsed, out, rescued, malformed, lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)));
  }

  /** Raw records of JSON-lines files: each line one object; unknown keys rescued as JSON when asked to. */
  static Dataset<Row> json(Dataset<Row> lines, SourceContract contract) {
    StructType schema = new StructType();
    for (String name : contract.columnNames()) {
      schema = schema.add(name, DataTypes.StringType);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType);
    Map<String, String> opts = Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT);
    Column declared = lit(contract.columnNames().toArray(String[]::new));
    Dataset<Row> parsed = lines
        .withColumn("p", from_json(col(VALUE), schema, opts))
        .withColumn("keys", json_object_keys(col(VALUE)));

    List<Column> out = new ArrayList<>();
    for (String name : contract.columnNames()) {
      out.add(blankAsNull(col("p." + name)).as(name));
    }
    Column rescued = contract.unexpectedColumns() != SourceContract.UnexpectedColumns.RESCUE
        ? lit(null).cast(DataTypes.StringType)
        : when(size(array_except(col("keys"), declared)).gt(0),
            to_json(map_filter(
                from_json(col(VALUE), DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)),
                (k, v) -> not(array_contains(declared, k)))));
    Column malformed = when(col("p." + CORRUPT).isNotNull().or(col("keys").isNull()),
        lit("malformed JSON line: expected one JSON object per line"));
    return withLineage(parsed, out, rescued, malformed, col("keys"));
  }

  private static Dataset<Row> withLineage(Dataset<Row> parsed, List<Column> columns, Column rescued, Column malformed,
      Column deliveredKeys) {
    Column badEncoding = when(col(VALUE).contains("\uFFFD"), lit("not valid UTF-8 text (the file must be UTF-8 encoded)"));
    List<Column> all = new ArrayList<>(columns);
    all.add(rescued.as(Lineage.RESCUED));
    all.add(when(badEncoding.isNotNull(), badEncoding).otherwise(malformed).as(MALFORMED));
    all.add(col(VALUE).as(RECORD));
    all.add(col(Lineage.SOURCE_FILE));
    all.add(col(Lineage.SOURCE_ROW));
    all.add(deliveredKeys.as(DELIVERED_KEYS));
    return parsed.select(all.toArray(Column[]::new));
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
}
