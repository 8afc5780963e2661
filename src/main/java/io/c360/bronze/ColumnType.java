package io.c360.bronze;

import io.c360.C360Exception;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** A column type a data contract may declare: string, integer, long, double, decimal(p,s), boolean, date, timestamp. */
public record ColumnType(Kind kind, int precision, int scale) {
    public enum Kind {
        STRING,
        INTEGER,
        LONG,
        DOUBLE,
        DECIMAL,
        BOOLEAN,
        DATE,
        TIMESTAMP
    }

    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+)\\s*,\\s*(\\d+)\\)");

    public static ColumnType parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DECIMAL.matcher(t);
        if (m.matches()) {
            int p = Integer.parseInt(m.group(1));
            int s = Integer.parseInt(m.group(2));
            if (p < 1 || p > 38 || s > p) {
                throw new C360Exception(
                        "decimal(" + p + "," + s + "): expected 1 <= precision <= 38 and scale <= precision");
            }
            return new ColumnType(Kind.DECIMAL, p, s);
        }
        return switch (t) {
            case "string" -> new ColumnType(Kind.STRING, 0, 0);
            case "integer", "int" -> new ColumnType(Kind.INTEGER, 0, 0);
            case "long", "bigint" -> new ColumnType(Kind.LONG, 0, 0);
            case "double" -> new ColumnType(Kind.DOUBLE, 0, 0);
            case "boolean" -> new ColumnType(Kind.BOOLEAN, 0, 0);
            case "date" -> new ColumnType(Kind.DATE, 0, 0);
            case "timestamp" -> new ColumnType(Kind.TIMESTAMP, 0, 0);
            default ->
                throw new C360Exception("unknown type '" + text
                        + "'; expected string, integer, long, double, decimal(p,s), boolean, date or timestamp");
        };
    }

    public DataType sparkType() {
        return switch (kind) {
            case STRING -> DataTypes.StringType;
            case INTEGER -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case DECIMAL -> DataTypes.createDecimalType(precision, scale);
            case BOOLEAN -> DataTypes.BooleanType;
            case DATE -> DataTypes.DateType;
            case TIMESTAMP -> DataTypes.TimestampType;
        };
    }

    public boolean isNumeric() {
        return kind == Kind.INTEGER || kind == Kind.LONG || kind == Kind.DOUBLE || kind == Kind.DECIMAL;
    }

    @Override
    public String toString() {
        return kind == Kind.DECIMAL
                ? "decimal(" + precision + "," + scale + ")"
                : kind.name().toLowerCase(Locale.ROOT);
    }
}
