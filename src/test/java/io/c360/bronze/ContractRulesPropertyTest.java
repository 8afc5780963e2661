package io.c360.bronze;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.Column;
import com.holdenkarau.spark.testing.ColumnGenerator;
import com.holdenkarau.spark.testing.DataframeGenerator;
import io.c360.test.SparkExtension;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.scalacheck.Gen;
import org.scalacheck.Gen$;
import org.scalacheck.rng.Seed;
import scala.collection.JavaConverters;

/**
 * Property: for arbitrary raw rows (spark-testing-base's DataFrame generator, mixing valid values,
 * near misses, blanks and random text), contract checking loses no row, and a row it calls valid
 * really obeys every rule.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ContractRulesPropertyTest {
    private final SparkSession spark;

    ContractRulesPropertyTest(SparkSession spark) {
        this.spark = spark;
    }

    @SafeVarargs
    private static <T> Gen<Object> oneOf(T... values) {
        @SuppressWarnings("unchecked")
        Gen<Object> gen = (Gen<Object>) (Gen<?>) Gen$.MODULE$.oneOf(
                JavaConverters.asScalaBuffer(Arrays.asList(values)).toSeq());
        return gen;
    }

    private static Column column(String name, Gen<Object> gen) {
        return new Column(name, (scala.Function0<Gen<Object>> & java.io.Serializable) () -> gen);
    }

    /** ScalaCheck's {@code Gen.Parameters.default}: a Java keyword, so reached reflectively. */
    private static Gen.Parameters defaultParameters() {
        try {
            return (Gen.Parameters) Gen.Parameters$.class.getMethod("default").invoke(Gen.Parameters$.MODULE$);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void noRowIsLostAndValidRowsObeyTheContract() {
        SourceContract contract = SourceContract.parse("people.yaml", BronzeFixture.PEOPLE_CONTRACT);
        StructType raw = new StructType()
                .add("id", DataTypes.StringType)
                .add("name", DataTypes.StringType)
                .add("status", DataTypes.StringType)
                .add("amount", DataTypes.StringType)
                .add("seen_at", DataTypes.StringType);
        List<ColumnGenerator> generators = List.of(
                column("id", oneOf("P1", "P22", "p3", "X", "P", "P 4", null)),
                column("status", oneOf("active", "closed", "Active", "", null)),
                column("amount", oneOf("0", "12.50", "-1", "1e3", "12,5", "abc", " 7 ", null)),
                column("seen_at", oneOf("2025-01-02 03:04:05", "2025-13-02 03:04:05", "02/01/2025", "", null)));
        var arbitrary = DataframeGenerator.arbitraryDataFrameWithCustomFields(
                spark.sqlContext(),
                raw,
                2,
                JavaConverters.asScalaBuffer(generators).toSeq());

        int valid = 0;
        int invalid = 0;
        for (long seed = 1; seed <= 6; seed++) {
            Dataset<Row> generated = arbitrary.arbitrary().pureApply(defaultParameters(), Seed.apply(seed), 100);
            Dataset<Row> input = generated
                    .withColumn(Lineage.RESCUED, lit(null).cast(DataTypes.StringType))
                    .withColumn(RawRecords.MALFORMED, lit(null).cast(DataTypes.StringType))
                    .withColumn(RawRecords.RECORD, lit("r"))
                    .withColumn(Lineage.SOURCE_FILE, lit("f"))
                    .withColumn(Lineage.SOURCE_ROW, lit(1L))
                    .withColumn(RawRecords.DELIVERED_KEYS, lit(null).cast("array<string>"))
                    .withColumn(RawRecords.NESTED, lit(null).cast("array<string>"))
                    .withColumn(RawRecords.TYPED, lit(null).cast("array<string>"));
            List<Row> checked = ContractRules.apply(input, contract).collectAsList();

            assertEquals(input.count(), checked.size(), "seed " + seed + ": every input row comes out once");
            for (Row r : checked) {
                List<Row> violations = r.getList(r.fieldIndex(ContractRules.VIOLATIONS));
                if (violations.isEmpty()) {
                    valid++;
                    String id = r.getAs("id");
                    assertTrue(id != null && id.matches("^P[0-9]+$"), "seed " + seed + ": valid row with id " + id);
                    String status = r.getAs("status");
                    assertTrue(
                            status == null || status.equals("active") || status.equals("closed"), "status " + status);
                    BigDecimal amount = r.getAs("amount");
                    assertTrue(amount == null || amount.signum() >= 0, "amount " + amount);
                } else {
                    invalid++;
                    for (Row v : violations) {
                        assertNotNull(v.getAs("rule"));
                        assertNotNull(v.getAs("message"));
                    }
                }
            }
        }
        assertTrue(
                valid > 0 && invalid > 0,
                "the generators produced both kinds: " + valid + " valid, " + invalid + " invalid");
    }
}
