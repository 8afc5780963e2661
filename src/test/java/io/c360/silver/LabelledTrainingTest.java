package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.test.SparkExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
@Tag("spark")
class LabelledTrainingTest {
    private final SparkSession spark;

    LabelledTrainingTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void mComesFromTheLabelledMatchesAndPinsEveryLevel() {
        MatchingConfig.Comparison name = new MatchingConfig.Comparison(
                "name",
                "false",
                List.of(
                        new MatchingConfig.Level("exact", Optional.of("true"), Optional.empty(), Optional.empty()),
                        new MatchingConfig.Level("else", Optional.empty(), Optional.empty(), Optional.empty())));
        StructType schema =
                new StructType().add("gamma_name", DataTypes.IntegerType).add("is_match", DataTypes.BooleanType);
        // 3 labelled matches agree, 1 disagrees, 1 has no value; the non-matches do not count towards m.
        List<Row> rows = List.of(
                RowFactory.create(0, true),
                RowFactory.create(0, true),
                RowFactory.create(0, true),
                RowFactory.create(1, true),
                RowFactory.create(-1, true),
                RowFactory.create(0, false),
                RowFactory.create(1, false));

        Map<String, double[]> m = FellegiSunter.mFromLabels(spark.createDataFrame(rows, schema), List.of(name));

        assertArrayEquals(
                new double[] {4.0 / 6, 2.0 / 6}, m.get("name"), 1e-12, "(count + 1) / (matches with a value + levels)");
        MatchingConfig.Comparison pinned =
                FellegiSunter.pinned(List.of(name), m).get(0);
        assertEquals(Optional.of(4.0 / 6), pinned.levels().get(0).m());
        assertEquals(Optional.of(2.0 / 6), pinned.levels().get(1).m());
    }
}
