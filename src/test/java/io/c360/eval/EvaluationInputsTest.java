package io.c360.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Evaluation inputs: several files, globs, inputs linked without deduplicating each, and inputs that name nothing. */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class EvaluationInputsTest {
    private static final String HEADER = "id,given_name,surname,dob,city,person\n";

    private final SparkSession spark;

    @TempDir
    Path dir;

    EvaluationInputsTest(SparkSession spark) {
        this.spark = spark;
    }

    private Path spec(String name, String input, String extra) throws IOException {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(
                file,
                "name: " + name + "\n" + input + extra
                        + "mapping: {record_id: id, given_name: given_name, surname: surname, birth_date: dob, city:"
                        + " city}\n"
                        + "truth: person\n"
                        + "silver: " + Path.of("silver").toAbsolutePath() + "\n"
                        + "matching: "
                        + Path.of("conf/examples/febrl-matching.yaml").toAbsolutePath() + "\n");
        return file;
    }

    @Test
    void linkOnlyNeverPairsTwoRecordsOfOneInput() throws IOException {
        // a1 and a2 are alike in every attribute but two people of input a; b1 is a1's person in input b.
        Files.writeString(
                dir.resolve("a.csv"),
                HEADER + "a1,ann,smith,1980-01-02,springfield,p1\n"
                        + "a2,ann,smith,1980-01-02,springfield,p3\n"
                        + "a3,bob,jones,1975-05-06,shelbyville,p2\n");
        Files.writeString(
                dir.resolve("b.csv"),
                HEADER + "b1,ann,smith,1980-01-02,springfield,p1\n" + "b2,bob,jones,1975-05-06,shelbyville,p2\n");
        Path file = spec(
                "linked",
                "input:\n"
                        + "  - {name: a, path: a.csv, format: csv, options: {header: 'true'}}\n"
                        + "  - {name: b, paths: [b.csv], format: csv, options: {header: 'true'}}\n",
                "link_type: link_only\n");

        Evaluation.Report r = Evaluation.run(spark, Evaluation.Spec.load(file), false);

        assertEquals(Evaluation.LinkType.link_only, r.linkType());
        assertEquals(5, r.records());
        assertEquals(2, r.truePairs(), "a1-b1 and a3-b2: a pair within an input is no link to find");
        assertEquals(3, r.candidatePairs(), "a1-b1, a2-b1, a3-b2; never a1-a2");
        assertTrue(r.pairwise().predictedPairs() <= 3, r.pairwise().toString());
        assertEquals(
                r.truePairs(), r.reachable().reachablePairs(), r.reachable().toString());
    }

    @Test
    void aGlobReadsEveryFileItMatches() throws IOException {
        Files.writeString(
                dir.resolve("part-1.csv"),
                HEADER + "1,ann,smith,1980-01-02,springfield,p1\n" + "2,bob,jones,1975-05-06,shelbyville,p2\n");
        Files.writeString(
                dir.resolve("part-2.csv"),
                HEADER + "3,ann,smith,1980-01-02,springfield,p1\n" + "4,bob,jones,1975-05-07,shelbyville,p2\n");
        Files.writeString(dir.resolve("other.csv"), HEADER + "5,carl,marx,1918-05-05,trier,p5\n");
        Path file = spec("parts", "input: {path: 'part-*.csv', format: csv, options: {header: 'true'}}\n", "");

        Evaluation.Report r = Evaluation.run(spark, Evaluation.Spec.load(file), false);

        assertEquals(Evaluation.LinkType.dedupe, r.linkType());
        assertEquals(4, r.records(), "both parts, not other.csv");
        assertEquals(2, r.truePairs());
    }

    @Test
    void anInputThatMatchesNoFileIsNamedWithItsKey() throws IOException {
        Path file = spec("missing", "input: {path: 'nothing-*.csv', format: csv}\n", "");

        C360Exception e =
                assertThrows(C360Exception.class, () -> Evaluation.run(spark, Evaluation.Spec.load(file), false));

        assertTrue(
                e.getMessage()
                        .startsWith(file + ": input.path: '" + dir.resolve("nothing-*.csv") + "' matches no file"),
                e.getMessage());
    }

    @Test
    void severalInputsNeedNames() throws IOException {
        Path file = spec(
                "unnamed",
                "input:\n  - {path: a.csv, format: csv}\n  - {path: b.csv, format: csv}\n",
                "link_type: link_only\n");

        C360Exception e = assertThrows(C360Exception.class, () -> Evaluation.Spec.load(file));

        assertTrue(e.getMessage().contains("input[0].name"), e.getMessage());
    }
}
