package io.c360.access;

import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.access_log}: who read what through c360, appended by every way data leaves it (a query
 * through {@code serve} or {@code c360 sql}, an export, a workbench session). It holds no personal data: a
 * statement is kept with its literals and comments replaced by {@code ?} ({@link #maskLiterals}), so a
 * query that looked someone up by e-mail says that it did, not whom.
 */
public final class AccessLog {
    public static final TableName ACCESS_LOG = TableCatalog.ACCESS_LOG;

    /** How data left c360. */
    public enum Channel {
        serve,
        sql,
        export,
        workbench
    }

    /** What became of a request: answered, refused before it ran, or failed while running. */
    public enum Outcome {
        answered,
        refused,
        failed
    }

    /**
     * One request. {@code user}: the authenticated user (the operating-system user for the command line);
     * {@code statement}: the SQL, or what was asked (an export's segment and file name), with literals
     * masked; {@code tables}: the lake tables read, as {@code layer.name}; {@code rows}: rows returned, when
     * counted.
     */
    public record Entry(
            Instant at,
            String user,
            String role,
            Channel channel,
            String statement,
            List<String> tables,
            Optional<Long> rows,
            Outcome outcome) {
        public Entry {
            tables = List.copyOf(tables);
        }

        Row row() {
            return RowFactory.create(
                    Timestamp.from(at),
                    user,
                    role,
                    channel.name(),
                    statement,
                    tables.toArray(String[]::new),
                    rows.orElse(null),
                    outcome.name());
        }
    }

    public static final StructType SCHEMA = new StructType()
            .add("at", DataTypes.TimestampType, false)
            .add("user", DataTypes.StringType)
            .add("role", DataTypes.StringType)
            .add("channel", DataTypes.StringType, false)
            .add("statement", DataTypes.StringType)
            .add("tables", DataTypes.createArrayType(DataTypes.StringType))
            .add("rows", DataTypes.LongType)
            .add("outcome", DataTypes.StringType, false);

    /**
     * Backticked identifiers (kept), then what may carry a value: string literals in single or double quotes
     * (with doubled or backslash-escaped quotes), comments, and numbers that are not part of a name.
     */
    private static final Pattern TOKENS = Pattern.compile(
            "(`(?:[^`]|``)*`)"
                    + "|'(?:[^'\\\\]|\\\\.|'')*'?"
                    + "|\"(?:[^\"\\\\]|\\\\.|\"\")*\"?"
                    + "|--[^\\n]*"
                    + "|/\\*.*?(?:\\*/|$)"
                    + "|(?<![\\w.])\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?[a-zA-Z]*"
                    + "|(?<![\\w])\\.\\d+(?:[eE][+-]?\\d+)?[a-zA-Z]*",
            Pattern.DOTALL);

    private AccessLog() {}

    /** Appends the entries in one commit. */
    public static void append(Lake lake, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        lake.append(
                ACCESS_LOG,
                lake.spark().createDataFrame(entries.stream().map(Entry::row).toList(), SCHEMA));
    }

    /** The statement with every literal and comment replaced by {@code ?}; identifiers and keywords kept. */
    public static String maskLiterals(String statement) {
        Matcher m = TOKENS.matcher(statement);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, m.group(1) != null ? Matcher.quoteReplacement(m.group(1)) : "?");
        }
        m.appendTail(out);
        return out.toString();
    }
}
