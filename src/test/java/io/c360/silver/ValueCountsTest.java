package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.c360.test.SparkExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** u of exact levels counted over all identities: the counts must be what comparing every pair would find. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class ValueCountsTest {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType)
            .add("email", DataTypes.StringType)
            .add("phone", DataTypes.StringType)
            .add("phone_given_names", DataTypes.IntegerType);

    private final SparkSession spark;

    ValueCountsTest(SparkSession spark) {
        this.spark = spark;
    }

    private static MatchingConfig.Level level(String name, String when, String counted) {
        return new MatchingConfig.Level(
                name, Optional.ofNullable(when), Optional.empty(), Optional.empty(), Optional.ofNullable(counted));
    }

    private static final List<MatchingConfig.Comparison> COMPARISONS = List.of(
            new MatchingConfig.Comparison(
                    "email",
                    "l.email IS NULL OR r.email IS NULL",
                    List.of(
                            level("exact", "l.email = r.email", "email"),
                            level(
                                    "same_user",
                                    "substring_index(l.email, '@', 1) = substring_index(r.email, '@', 1)",
                                    null),
                            level("else", null, null))),
            new MatchingConfig.Comparison(
                    "phone",
                    "l.phone IS NULL OR r.phone IS NULL",
                    List.of(
                            level(
                                    "exact",
                                    "l.phone = r.phone AND l.phone_given_names <= 1",
                                    "CASE WHEN phone_given_names <= 1 THEN phone END"),
                            level(
                                    "exact_shared",
                                    "l.phone = r.phone",
                                    "CASE WHEN phone_given_names > 1 THEN phone END"),
                            level("else", null, null))),
            new MatchingConfig.Comparison(
                    "sampled_only", "false", List.of(level("same", "l.id = r.id", null), level("else", null, null))));

    private Dataset<Row> nodes() {
        return spark.createDataFrame(
                List.of(
                        RowFactory.create("1", "ann@x.org", "111", 1),
                        RowFactory.create("2", "ann@x.org", "111", 1),
                        RowFactory.create("3", "ann@x.org", null, null),
                        RowFactory.create("4", "ann@y.org", "222", 3), // a landline: three given names use it
                        RowFactory.create("5", "bob@x.org", "222", 3),
                        RowFactory.create("6", null, "222", 3),
                        RowFactory.create("7", "bob@x.org", "333", 1),
                        RowFactory.create("8", null, null, null)),
                SCHEMA);
    }

    @Test
    void countsAreThePairsAComparisonOfEveryPairPutsAtTheLevel() {
        Map<String, FellegiSunter.ValueCounts> counts = FellegiSunter.valueCounts(nodes(), COMPARISONS);

        assertFalse(counts.containsKey("sampled_only"), "a comparison without a counted level is not counted");
        assertEquals(6, counts.get("email").identitiesWithValues());
        assertArrayEquals(
                new long[] {4, -1, -1}, counts.get("email").sharingPairs(), "ann@x.org: 3 pairs, bob@x.org: 1");
        assertEquals(6, counts.get("phone").identitiesWithValues());
        assertArrayEquals(
                new long[] {1, 3, -1}, counts.get("phone").sharingPairs(), "111 personal: 1 pair; 222 shared: 3");

        // The same by brute force: every pair of identities through the comparison levels.
        Dataset<Row> l = nodes().select(struct(col("*")).as("l"));
        Dataset<Row> r = nodes().select(struct(col("*")).as("r"));
        Dataset<Row> vectors =
                Comparisons.vectors(l.crossJoin(r).filter(col("l.id").lt(col("r.id"))), COMPARISONS);
        for (MatchingConfig.Comparison c : COMPARISONS.subList(0, 2)) {
            FellegiSunter.ValueCounts vc = counts.get(c.name());
            assertEquals(
                    vectors.filter(col(Comparisons.gammaColumn(c)).geq(0)).count(), vc.pairsWithValues(), c.name());
            for (int i = 0; i < c.levels().size(); i++) {
                if (vc.sharingPairs()[i] >= 0) {
                    assertEquals(
                            vectors.filter(col(Comparisons.gammaColumn(c)).equalTo(i))
                                    .count(),
                            vc.sharingPairs()[i],
                            c.name() + " level " + i);
                }
            }
        }
    }
}
