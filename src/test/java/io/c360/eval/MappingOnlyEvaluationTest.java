package io.c360.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.silver.MatchingConfig;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An evaluation file with only an input, a mapping (with a typed attribute of its own) and the truth. */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class MappingOnlyEvaluationTest {
    private final SparkSession spark;

    @TempDir
    Path dir;

    MappingOnlyEvaluationTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void aMappingAloneMatchesWithItsTypedAttributeCompared() throws IOException {
        StringBuilder csv = new StringBuilder("id,first,last,born,job,person\n");
        String[][] people = {
            {"anna", "keller", "1980-01-02", "nurse"},
            {"bruno", "meyer", "1975-05-06", "carpenter"},
            {"clara", "schmid", "1990-09-10", "teacher"},
            {"daniel", "weber", "1968-03-04", "pilot"},
            {"eva", "fischer", "1985-07-08", "chemist"},
            {"felix", "wagner", "1972-11-12", "baker"}
        };
        int id = 0;
        for (int p = 0; p < people.length; p++) {
            String[] v = people[p];
            csv.append(++id)
                    .append(',')
                    .append(v[0])
                    .append(',')
                    .append(v[1])
                    .append(',')
                    .append(v[2])
                    .append(',')
                    .append(v[3])
                    .append(",p")
                    .append(p)
                    .append('\n');
            // the same person again with a typo in the surname and the occupation in other words
            csv.append(++id)
                    .append(',')
                    .append(v[0])
                    .append(',')
                    .append(v[1])
                    .append("e,")
                    .append(v[2])
                    .append(",senior ")
                    .append(v[3])
                    .append(",p")
                    .append(p)
                    .append('\n');
        }
        Files.writeString(dir.resolve("people.csv"), csv);
        Path file = dir.resolve("people.yaml");
        Files.writeString(
                file,
                "name: people\ninput: {path: people.csv, options: {header: 'true'}}\n"
                        + "mapping:\n  record_id: id\n  given_name: first\n  surname: last\n  birth_date: born\n"
                        + "  occupation: {column: job, type: text}\n"
                        + "truth: person\n");

        Evaluation.Spec spec = Evaluation.Spec.load(file);
        MatchingConfig matching = spec.silver().matching();
        assertTrue(matching.blockingFromData(), "no matching file: blocking is chosen from the data");
        assertEquals(
                java.util.List.of("given_name", "surname", "birth_date", "occupation"),
                matching.comparisons().stream()
                        .map(MatchingConfig.Comparison::name)
                        .toList());
        Evaluation.Report report = Evaluation.run(spark, spec, false);

        assertEquals(6, report.truePairs());
        assertEquals(1.0, report.pairwise().recall(), report.pairwise().toString());
        assertEquals(1.0, report.pairwise().precision(), report.pairwise().toString());
    }
}
