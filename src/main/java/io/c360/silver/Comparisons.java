package io.c360.silver;

import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns a pair of records ({@code l}, {@code r} structs) into its comparison vector: for each
 * comparison, the index of the first level whose condition holds ({@code gamma_<name>}), or
 * {@link #NULL_LEVEL} when a value is missing (no evidence either way).
 */
public final class Comparisons {
    public static final int NULL_LEVEL = -1;

    private Comparisons() {}

    /** SQL functions the level conditions may use beyond Spark's own: {@code jaro_winkler(a, b)}. */
    public static void registerFunctions(SparkSession spark) {
        spark.udf()
                .register(
                        "jaro_winkler",
                        (UDF2<String, String, Double>)
                                (a, b) -> a == null || b == null ? null : new JaroWinklerSimilarity().apply(a, b),
                        DataTypes.DoubleType);
    }

    public static String gammaColumn(MatchingConfig.Comparison c) {
        return "gamma_" + c.name();
    }

    /** The level index of one comparison as a column expression. */
    public static Column gamma(MatchingConfig.Comparison c) {
        Column g = when(expr(c.nullWhen()), lit(NULL_LEVEL));
        List<MatchingConfig.Level> levels = c.levels();
        for (int i = 0; i < levels.size(); i++) {
            MatchingConfig.Level level = levels.get(i);
            g = level.when().isPresent() ? g.when(expr(level.when().get()), lit(i)) : g.otherwise(lit(i));
        }
        return g;
    }

    /** Adds {@code gamma_<name>} for every comparison to pairs that carry {@code l} and {@code r} structs. */
    public static Dataset<Row> vectors(Dataset<Row> pairs, List<MatchingConfig.Comparison> comparisons) {
        List<Column> cols = new ArrayList<>();
        for (String c : pairs.columns()) {
            cols.add(pairs.col(c));
        }
        for (MatchingConfig.Comparison c : comparisons) {
            cols.add(gamma(c).as(gammaColumn(c)));
        }
        return pairs.select(cols.toArray(Column[]::new));
    }
}
