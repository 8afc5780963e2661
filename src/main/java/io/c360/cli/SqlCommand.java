package io.c360.cli;

import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.SparkSessions;
import java.io.PrintWriter;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a Spark SQL query over the lake and prints the result.",
            "Tables are addressed as layer.name: bronze.crm_contacts, bronze._quarantine, silver.*, gold.*."
        })
final class SqlCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query, quoted.")
    String query;

    @Option(names = "--format", defaultValue = "table", description = "table or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--max-rows",
            defaultValue = "1000",
            description = "Rows the table format prints at most (default: ${DEFAULT-VALUE}); csv writes every row.")
    int maxRows;

    @Override
    public void run() {
        if (!format.equals("table") && !format.equals("csv")) {
            throw new C360Exception("--format: expected table or csv but was '" + format + "'");
        }
        // A script reading csv must get every row or a failure, never a silently cut result.
        if (format.equals("csv") && spec.commandLine().getParseResult().hasMatchedOption("--max-rows")) {
            throw new ParameterException(
                    spec.commandLine(), "--max-rows applies to --format table only; csv writes every row (use LIMIT)");
        }
        C360Config cfg = config.load();
        SparkSession spark = SparkSessions.forConfig(cfg);
        new Lake(spark, cfg.lakeRoot()).registerAll();
        Dataset<Row> result = spark.sql(query);
        PrintWriter out = spec.commandLine().getOut();
        if (format.equals("csv")) {
            ResultPrinter.csv(result.schema(), result.toLocalIterator(), out);
        } else {
            List<Row> rows = result.limit(maxRows + 1).collectAsList();
            boolean truncated = rows.size() > maxRows;
            List<Row> shown = truncated ? rows.subList(0, maxRows) : rows;
            ResultPrinter.table(result.schema(), shown, out);
            out.println(shown.size()
                    + (shown.size() == 1 ? " row" : " rows")
                    + (truncated ? " (more not shown; see --max-rows)" : ""));
        }
        out.flush();
        if (out.checkError()) {
            throw new C360Exception("sql: writing the result failed (output closed?); the result is incomplete");
        }
    }
}
