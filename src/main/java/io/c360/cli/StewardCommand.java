package io.c360.cli;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.trim;

import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.LocalCsv;
import io.c360.lake.TableCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "steward-import",
        mixinStandardHelpOptions = true,
        description = {
            "Appends steward decisions from a CSV to silver.steward_decisions; the next silver run obeys them.",
            "Columns: record_key_l, record_key_r, decision (match | non_match | revoked);",
            "optional: steward, decided_at, comment. One import is one change.",
            "Record keys are source:record_id, as in silver.identity_records and silver.match_review."
        })
final class StewardCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV file with a header.")
    Path file;

    @Override
    public void run() {
        if (!Files.isRegularFile(file)) {
            throw new C360Exception(file + ": file not found");
        }
        C360Config cfg = config.load();
        Lake lake = Lake.forConfig(cfg);
        // Read here on the driver: under spark-submit the executors cannot see a file given on the command line.
        Dataset<Row> csv = LocalCsv.read(lake.spark(), file);
        List<String> columns = Arrays.asList(csv.columns());
        for (String required : List.of("record_key_l", "record_key_r", "decision")) {
            if (!columns.contains(required)) {
                throw new C360Exception(file + ": missing column '" + required
                        + "'; expected record_key_l, record_key_r, decision[, steward, decided_at, comment]");
            }
        }
        Dataset<Row> decisions = csv.select(
                trim(col("record_key_l")).as("record_key_l"),
                trim(col("record_key_r")).as("record_key_r"),
                lower(trim(col("decision"))).as("decision"),
                (columns.contains("steward") ? col("steward") : lit(null))
                        .cast(DataTypes.StringType)
                        .as("steward"),
                coalesce(
                                columns.contains("decided_at")
                                        ? col("decided_at").cast(DataTypes.TimestampType)
                                        : lit(null).cast(DataTypes.TimestampType),
                                current_timestamp())
                        .as("decided_at"),
                (columns.contains("comment") ? col("comment") : lit(null))
                        .cast(DataTypes.StringType)
                        .as("comment"),
                lit("import").as("action"),
                lit(UUID.randomUUID().toString()).as("change_id"));
        List<Row> bad = decisions
                .filter(col("decision")
                        .isin("match", "non_match", "revoked")
                        .unary_$bang()
                        .or(col("record_key_l").isNull())
                        .or(col("record_key_r").isNull()))
                .limit(1)
                .collectAsList();
        if (!bad.isEmpty()) {
            throw new C360Exception(
                    file + ": decision: expected match, non_match or revoked with both record keys, but found "
                            + bad.get(0) + "; nothing imported");
        }
        long n = decisions.count();
        // A lake made before decisions carried a comment, an action and a change id gains those columns.
        lake.append(TableCatalog.STEWARD_DECISIONS, decisions, true);
        spec.commandLine()
                .getOut()
                .printf(
                        "%d steward decision(s) appended to %s; run: c360 run --stage silver%n",
                        n, TableCatalog.STEWARD_DECISIONS);
    }
}
