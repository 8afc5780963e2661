package io.c360.cli;

import static io.c360.test.Cli.c360;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.Cli.Outcome;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class CliTest {
    @TempDir
    Path home;

    @Test
    void helpAndUsageErrors() {
        Outcome help = c360("--help");
        assertEquals(0, help.code());
        for (String sub : new String[] {
            "generate",
            "run",
            "demo",
            "sql",
            "evaluate",
            "explain",
            "steward-import",
            "export",
            "erase",
            "access",
            "bench",
            "serve"
        }) {
            assertTrue(help.out().contains(sub), "help lists " + sub);
            assertEquals(0, c360(sub, "--help").code(), sub + " --help");
        }
        assertEquals(2, c360("no-such-command").code());
        Outcome unknown = c360("no-such-command", "--help");
        assertEquals(2, unknown.code(), unknown.out());
        assertTrue(unknown.err().contains("'no-such-command'"), unknown.err());
        assertEquals(2, c360("run", "--help", "extra").code());
        assertEquals(2, c360("run", "--stage", "nowhere").code());
    }

    /**
     * {@code c360 --help} lists each command with the first line of its description, and picocli wraps
     * each line to the terminal itself: a description broken by hand shows half a sentence there.
     */
    @Test
    void everyCommandIsListedWithAWholeSentence() {
        CommandLine c360 = new CommandLine(new C360());
        c360.getSubcommands().forEach((name, sub) -> {
            String summary = sub.getCommandSpec().usageMessage().description()[0];
            assertTrue(summary.endsWith("."), name + "'s first description line is not a whole sentence: " + summary);
        });
    }

    @Test
    void aBadConfigurationFailsWithOneLineNamingTheFile() throws IOException {
        Outcome missing = c360(
                "run",
                "--stage",
                "bronze",
                "--config",
                home.resolve("nope.yaml").toString());
        assertEquals(1, missing.code());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        assertTrue(
                missing.err().startsWith("c360: error: ") && missing.err().contains("nope.yaml: file not found"),
                missing.err());

        Path typo = Files.writeString(home.resolve("typo.yaml"), "lake: {root: x}\nlandng: y\nsources: []\n");
        Outcome bad = c360("sql", "SELECT 1", "--config", typo.toString());
        assertEquals(1, bad.code());
        assertTrue(
                bad.err().contains("typo.yaml: landing: missing required key (found unknown key 'landng': a typo?)"),
                bad.err());
    }

    @Test
    void runBronzeThenQueryItInSqlAsTableAndCsv() throws IOException {
        Files.createDirectories(home.resolve("landing/people"));
        Files.writeString(home.resolve("landing/people/a.csv"), "id,name\nP1,Ann\nP2,\"Lee, Bo\"\nbad\n");
        Files.writeString(home.resolve("people.yaml"), """
        source: people
        owner: test
        columns:
          - {name: id, type: string, required: true, pattern: '^P[0-9]+$'}
          - {name: name, type: string}
        """);
        Path conf = Files.writeString(home.resolve("c360.yaml"), """
        lake: {root: lake}
        landing: landing
        sources:
          - {name: people, system: hr, format: csv, path: 'people/*.csv', contract: people.yaml}
        spark: {master: 'local[2]'}
        """);

        Outcome run = c360("run", "--stage", "bronze", "--config", conf.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("bronze.people"), run.out());

        Outcome table = c360("sql", "SELECT id, name FROM bronze.people ORDER BY id", "--config", conf.toString());
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("| P2 | Lee, Bo |") && table.out().contains("2 rows"), table.out());

        Outcome csv = c360(
                "sql",
                "SELECT id, name FROM bronze.people ORDER BY id",
                "--format",
                "csv",
                "--config",
                conf.toString());
        assertEquals("id,name\nP1,Ann\nP2,\"Lee, Bo\"\n", csv.out());

        Outcome quarantine = c360(
                "sql", "SELECT count(*) AS n FROM bronze._quarantine", "--format", "csv", "--config", conf.toString());
        assertEquals("n\n1\n", quarantine.out());

        Outcome many = c360("sql", "SELECT id FROM range(2500)", "--format", "csv", "--config", conf.toString());
        assertEquals(0, many.code(), many.err());
        assertEquals(2501, many.out().lines().count(), "csv writes every row, past the table's --max-rows");
        assertTrue(many.out().endsWith("\n2499\n"), "csv keeps the query's order to the last row");
        Outcome capped = c360("sql", "SELECT 1", "--format", "csv", "--max-rows", "5", "--config", conf.toString());
        assertEquals(2, capped.code(), "a row cap on csv is refused, not applied silently");

        Outcome badSql = c360("sql", "SELECT nope FROM bronze.people", "--config", conf.toString());
        assertEquals(1, badSql.code());
        assertTrue(badSql.err().contains("nope"), badSql.err());
    }

    @Test
    void stewardDecisionsAreImportedOnlyWhenEveryRowIsValid() throws IOException {
        // c360 sql reads the contracts for their pii: tags, to mask what the role may not see
        Files.writeString(home.resolve("people.yaml"), """
        source: people
        owner: test
        columns:
          - {name: id, type: string, required: true}
        """);
        Path conf = Files.writeString(home.resolve("c360.yaml"), """
        lake: {root: lake}
        landing: landing
        sources:
          - {name: people, system: hr, format: csv, path: 'people/*.csv', contract: people.yaml}
        """);
        Path bad = Files.writeString(home.resolve("bad.csv"), "record_key_l,record_key_r,decision\na:1,b:2,maybe\n");
        Outcome rejected = c360("steward-import", bad.toString(), "--config", conf.toString());
        assertEquals(1, rejected.code());
        assertTrue(
                rejected.err().contains("expected match, non_match or revoked")
                        && rejected.err().contains("nothing imported"),
                rejected.err());

        Path good = Files.writeString(
                home.resolve("good.csv"),
                "record_key_l,record_key_r,decision,steward\na:1,b:2,non_match,ana\na:1,c:3,MATCH,ana\n");
        Outcome imported = c360("steward-import", good.toString(), "--config", conf.toString());
        assertEquals(0, imported.code(), imported.err());
        Outcome rows = c360(
                "sql",
                "SELECT decision FROM silver.steward_decisions ORDER BY decision",
                "--format",
                "csv",
                "--config",
                conf.toString());
        assertEquals("decision\nmatch\nnon_match\n", rows.out(), rows.err());
    }
}
