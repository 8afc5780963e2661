package io.c360.access;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;

import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Gold columns that hold values of a PII-tagged bronze or silver column but carry no {@code pii:} tag
 * themselves: the check behind "every gold column that carries personal data says so". It compares
 * values, not names or SQL, so a column that passes personal data through under another name, or one
 * the SQL computes from it unchanged, is found too.
 *
 * <p>Values are compared normalized (trimmed, lower case; dates as {@code yyyy-MM-dd}). Trivial values
 * do not count: empty ones, those shorter than three characters (state and country codes, initials),
 * numbers of up to four digits (a score such as an RFM code {@code 545} equals many house numbers; a small
 * number alone identifies no one), and those that a bronze source also holds in a column its contract does not tag as personal data
 * (statuses, channels, country names): a gold column sharing only such values with a PII column shares nothing
 * personal. Findings name columns and counts, never a value.
 */
final class PiiValueLeaks {
    private static final int SHORTEST = 3;
    private static final String SMALL_NUMBER = "^[0-9]{1,4}$";

    private PiiValueLeaks() {}

    /** One finding per gold column and PII column they share values of, as a sentence. */
    static List<String> find(Lake lake, TableCatalog catalog) {
        List<TableName> stored = lake.layerTables();
        List<Dataset<Row>> gold = new ArrayList<>();
        List<Dataset<Row>> personal = new ArrayList<>();
        List<Dataset<Row>> common = new ArrayList<>();
        for (TableName t : stored) {
            Function<String, Optional<String>> kind = c -> kind(catalog, t, c);
            Function<String, Optional<String>> untagged =
                    c -> kind.apply(c).isPresent() ? Optional.empty() : Optional.of("");
            switch (t.layer()) {
                case "gold" -> gold.addAll(comparable(lake, t, untagged));
                case "silver" -> personal.addAll(comparable(lake, t, kind));
                case "bronze" -> {
                    personal.addAll(comparable(lake, t, kind));
                    if (catalog.table(t).isPresent() && !t.name().startsWith("_")) {
                        common.addAll(comparable(lake, t, untagged));
                    }
                }
                default -> {}
            }
        }
        if (gold.isEmpty() || personal.isEmpty()) {
            return List.of();
        }
        Dataset<Row> candidates = union(gold).drop("kind");
        if (!common.isEmpty()) {
            candidates = candidates.join(union(common).select("v").distinct(), "v", "left_anti");
        }
        Dataset<Row> pii =
                union(personal).withColumnRenamed("table", "pii_table").withColumnRenamed("column", "pii_column");
        return candidates
                .join(pii, "v")
                .groupBy("table", "column", "pii_table", "pii_column", "kind")
                .agg(countDistinct("v").as("shared"))
                .orderBy("table", "column", "pii_table", "pii_column")
                .collectAsList()
                .stream()
                .map(r -> r.getString(0) + "." + r.getString(1) + " holds " + r.getLong(5)
                        + " distinct values of " + r.getString(2) + "." + r.getString(3) + " (pii: " + r.getString(4)
                        + ") but is not PII-tagged")
                .toList();
    }

    /**
     * The distinct non-trivial normalized values ({@code table, column, kind, v}) of each text or date
     * column of the table that {@code label} gives a kind for (empty: the column is left out).
     */
    private static List<Dataset<Row>> comparable(Lake lake, TableName table, Function<String, Optional<String>> label) {
        Dataset<Row> rows = lake.read(table);
        List<Dataset<Row>> columns = new ArrayList<>();
        for (StructField f : rows.schema().fields()) {
            boolean text =
                    f.dataType().equals(DataTypes.StringType) || f.dataType().equals(DataTypes.DateType);
            Optional<String> kind = text ? label.apply(f.name()) : Optional.empty();
            if (kind.isPresent()) {
                columns.add(rows.select(
                                lit(table.toString()).as("table"),
                                lit(f.name()).as("column"),
                                lit(kind.get()).as("kind"),
                                lower(trim(col(Lake.quote(f.name())).cast("string")))
                                        .as("v"))
                        .where(length(col("v")).geq(SHORTEST).and(not(col("v").rlike(SMALL_NUMBER))))
                        .distinct());
            }
        }
        return columns;
    }

    private static Optional<String> kind(TableCatalog catalog, TableName table, String column) {
        return catalog.table(table).stream()
                .flatMap(t -> t.columns().stream())
                .filter(c -> c.name().equals(column))
                .findFirst()
                .flatMap(TableCatalog.Column::pii);
    }

    private static Dataset<Row> union(List<Dataset<Row>> parts) {
        return parts.stream().reduce(Dataset::unionByName).orElseThrow();
    }
}
