package io.c360.cli;

import static io.c360.test.Cli.c360;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.test.Cli.Outcome;
import io.c360.test.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code c360 sql} as a role sees the lake: on a bronze table of three people whose contract tags
 * name and e-mail, the default role (analyst) gets them masked but the same counts and subquery
 * answers, privacy gets them in clear, a read around the masks is refused, and every statement is in
 * {@code ops.access_log} with its literals masked.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class SqlAccessTest {
    @Test
    void theResultIsMaskedForTheRoleAndEveryStatementIsLogged(SparkSession spark, @TempDir Path home) throws Exception {
        Files.writeString(home.resolve("people.yaml"), """
        source: people
        owner: test
        columns:
          - {name: id, type: string, required: true}
          - {name: name, type: string, pii: name}
          - {name: email, type: string, pii: email}
        """);
        String conf = Files.writeString(home.resolve("c360.yaml"), """
                lake: {root: lake}
                landing: landing
                sources:
                  - {name: people, system: hr, format: csv, path: 'people/*.csv', contract: people.yaml}
                spark: {master: 'local[2]'}
                """).toString();
        Lake lake = new Lake(spark, home.resolve("lake").toString());
        lake.overwrite(
                TableName.bronze("people"),
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("P1", "Ann", "ann@example.org"),
                                RowFactory.create("P2", "Bo", "bo@example.org"),
                                RowFactory.create("P3", "Ann", "ann@example.org")),
                        new StructType()
                                .add("id", DataTypes.StringType)
                                .add("name", DataTypes.StringType)
                                .add("email", DataTypes.StringType)));

        String lookup = "SELECT id, name, email FROM bronze.people WHERE id = 'P1'";
        Outcome analyst = c360("sql", lookup, "--format", "csv", "--config", conf);
        assertEquals(0, analyst.code(), analyst.err());
        String[] row = analyst.out().lines().toList().get(1).split(",");
        assertEquals("P1", row[0]);
        assertEquals("A***", row[1], "a name partly masked");
        assertTrue(row[2].matches("[0-9a-f]{32}"), "an e-mail as its keyed hash: " + row[2]);

        Outcome privacy = c360("sql", lookup, "--format", "csv", "--role", "privacy", "--config", conf);
        assertEquals("id,name,email\nP1,Ann,ann@example.org\n", privacy.out(), privacy.err());

        String counts = "WITH p AS (SELECT email FROM bronze.people) SELECT count(DISTINCT email) AS people,"
                + " (SELECT count(*) FROM bronze.people WHERE email IN (SELECT email FROM bronze.people WHERE id = 'P1'))"
                + " AS sharing FROM p";
        Outcome masked = c360("sql", counts, "--format", "csv", "--config", conf);
        assertEquals("people,sharing\n2,2\n", masked.out(), "masked values still count and match: " + masked.err());
        assertEquals(
                masked.out(),
                c360("sql", counts, "--format", "csv", "--role", "privacy", "--config", conf)
                        .out());

        String byPath = "SELECT * FROM delta.`" + lake.location(TableName.bronze("people")) + "`";
        Outcome around = c360("sql", byPath, "--config", conf);
        assertEquals(1, around.code(), around.out());
        assertTrue(
                around.err().contains("role analyst reads the lake's tables by their names (layer.name) only"),
                around.err());
        assertEquals(
                0, c360("sql", byPath, "--role", "privacy", "--config", conf).code(), "privacy sees everything");
        Path copy = home.resolve("copy");
        Outcome written =
                c360("sql", "INSERT OVERWRITE DIRECTORY '" + copy + "' USING csv " + byPath, "--config", conf);
        assertEquals(1, written.code(), written.out());
        assertFalse(Files.exists(copy), "refused before the command ran");

        Outcome undeclared = c360("sql", lookup, "--role", "intern", "--config", conf);
        assertEquals(1, undeclared.code());
        assertTrue(undeclared.err().contains("role 'intern' is not declared"), undeclared.err());

        Outcome log = c360(
                "sql",
                "SELECT user, role, channel, statement, array_join(tables, ' ') AS tables, rows, outcome"
                        + " FROM ops.access_log ORDER BY at",
                "--format",
                "csv",
                "--role",
                "privacy",
                "--config",
                conf);
        List<String> entries = log.out().lines().toList();
        String user = System.getProperty("user.name");
        assertEquals(
                List.of(
                        "user,role,channel,statement,tables,rows,outcome",
                        user
                                + ",analyst,sql,\"SELECT id, name, email FROM bronze.people WHERE id = ?\",bronze.people,1,answered",
                        user
                                + ",privacy,sql,\"SELECT id, name, email FROM bronze.people WHERE id = ?\",bronze.people,1,answered"),
                entries.subList(0, 3),
                log.err());
        assertEquals(7, entries.size() - 1, "every statement of a declared role, refused ones too: " + entries);
        assertTrue(
                entries.get(5).startsWith(user + ",analyst,sql,SELECT * FROM delta.`")
                        && entries.get(5).endsWith("`,,,refused"),
                entries.get(5));
        assertFalse(log.out().contains("ann@example.org") || log.out().contains("'P1'"), "no literal in the log");
    }
}
