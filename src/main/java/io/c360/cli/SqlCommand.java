package io.c360.cli;

import io.c360.C360Exception;
import io.c360.access.AccessLog;
import io.c360.access.MaskedSql;
import io.c360.access.Masking;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.SparkSessions;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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
            "Tables are addressed as layer.name: bronze.crm_contacts, bronze._quarantine, silver.*, gold.*.",
            "The result shows personal data as the role (--role) sees it: the kinds the role does not see in clear are"
                    + " masked (docs/access.md). Each statement is logged in ops.access_log with its literals masked."
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

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            description = "Role the result is masked for, from access.roles in the run configuration (default:"
                    + " access.default_role).")
    String role;

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
        Lake lake = new Lake(spark, cfg.lakeRoot());
        lake.registerAll();
        Masking masking = Masking.forConfig(lake, cfg);
        String as = masking.role(Optional.ofNullable(role));
        String user = System.getProperty("user.name");
        MaskedSql.Planned planned;
        try {
            planned = MaskedSql.plan(lake, masking, as, query);
        } catch (MaskedSql.Refused e) {
            log(lake, user, as, List.of(), Optional.empty(), AccessLog.Outcome.refused);
            throw e;
        } catch (RuntimeException e) {
            log(lake, user, as, List.of(), Optional.empty(), AccessLog.Outcome.failed);
            throw e;
        }
        Dataset<Row> result = planned.result();
        PrintWriter out = spec.commandLine().getOut();
        long returned;
        try {
            if (format.equals("csv")) {
                returned = ResultPrinter.csv(result.schema(), result.toLocalIterator(), out);
            } else {
                List<Row> rows = result.limit(maxRows + 1).collectAsList();
                boolean truncated = rows.size() > maxRows;
                List<Row> shown = truncated ? rows.subList(0, maxRows) : rows;
                ResultPrinter.table(result.schema(), shown, out);
                out.println(shown.size()
                        + (shown.size() == 1 ? " row" : " rows")
                        + (truncated ? " (more not shown; see --max-rows)" : ""));
                returned = shown.size();
            }
        } catch (RuntimeException e) {
            log(lake, user, as, planned.tables(), Optional.empty(), AccessLog.Outcome.failed);
            throw e;
        }
        log(lake, user, as, planned.tables(), Optional.of(returned), AccessLog.Outcome.answered);
        out.flush();
        if (out.checkError()) {
            throw new C360Exception("sql: writing the result failed (output closed?); the result is incomplete");
        }
    }

    private void log(
            Lake lake, String user, String as, List<String> tables, Optional<Long> rows, AccessLog.Outcome outcome) {
        AccessLog.append(
                lake,
                List.of(new AccessLog.Entry(
                        Instant.now(),
                        user,
                        as,
                        AccessLog.Channel.sql,
                        AccessLog.maskLiterals(query),
                        tables,
                        rows,
                        outcome)));
    }
}
