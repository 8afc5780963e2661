package io.c360.governance;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure takes a person out of their household: on a copy of the sample lake, erasing a member of a
 * household of several leaves the household with the others (its count, member list and revenue without
 * them) and the member left with customer_360 figures without them, and erasing a customer alone in a
 * household removes that household.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class HouseholdErasureTest {
    private static final TableName MEMBERS = TableName.gold("household_member");
    private static final TableName HOUSEHOLDS = TableName.gold("household");
    private static final TableName CUSTOMER_360 = TableName.gold("customer_360");
    private final SparkSession spark;

    HouseholdErasureTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void erasingAMemberLeavesTheHouseholdToTheOthersAndALoneCustomersHouseholdGoes(@TempDir Path dir) {
        SampleLake.Site site = SampleLake.copy(dir);
        Lake lake = site.lake();
        Row shared = lake.read(HOUSEHOLDS)
                .where(col("member_count").equalTo(2))
                .orderBy("household_id")
                .first();
        String household = shared.getAs("household_id");
        List<String> members = shared.getList(shared.fieldIndex("members"));
        String erased = members.get(0);
        String stays = members.get(1);
        Row alone = lake.read(HOUSEHOLDS)
                .where(col("member_count").equalTo(1))
                .orderBy("household_id")
                .first();
        String aloneHousehold = alone.getAs("household_id");
        String aloneCustomer =
                alone.<String>getList(alone.fieldIndex("members")).get(0);
        Row staysBefore =
                lake.read(CUSTOMER_360).where(col("customer_id").equalTo(stays)).first();
        double staysRevenue = staysBefore.<java.math.BigDecimal>getAs("revenue").doubleValue();
        assertEquals(2L, ((Number) staysBefore.getAs("household_size")).longValue());

        Erasure erasure = new Erasure(lake, site.config(), Progress.silent());
        erasure.erase(ErasureRequest.of(null, null, erased, false), 0);
        erasure.erase(ErasureRequest.of(null, null, aloneCustomer, false), 0);

        List<String> left = new ArrayList<>();
        for (Row r :
                lake.read(MEMBERS).where(col("household_id").equalTo(household)).collectAsList()) {
            left.add(r.getAs("customer_id"));
        }
        assertEquals(List.of(stays), left, "the other member keeps the household id");
        Row after = lake.read(HOUSEHOLDS)
                .where(col("household_id").equalTo(household))
                .first();
        assertEquals(1L, ((Number) after.getAs("member_count")).longValue());
        assertEquals(List.of(stays), after.getList(after.fieldIndex("members")));
        assertEquals(staysRevenue, after.<java.math.BigDecimal>getAs("revenue").doubleValue(), 0.001);

        Row staysAfter =
                lake.read(CUSTOMER_360).where(col("customer_id").equalTo(stays)).first();
        assertEquals(1L, ((Number) staysAfter.getAs("household_size")).longValue(), "the member left is alone now");
        assertEquals(
                staysRevenue,
                staysAfter.<java.math.BigDecimal>getAs("household_revenue").doubleValue(),
                0.001,
                "household revenue without the erased member's");
        for (String column : staysBefore.schema().fieldNames()) {
            if (!column.startsWith("household_")) {
                assertEquals(
                        staysBefore.<Object>getAs(column),
                        staysAfter.<Object>getAs(column),
                        column + " recomputed as of the last publication: unchanged");
            }
        }

        assertTrue(lake.read(MEMBERS)
                .where(col("customer_id").isin(erased, aloneCustomer))
                .isEmpty());
        assertTrue(
                lake.read(HOUSEHOLDS)
                        .where(col("household_id").equalTo(aloneHousehold))
                        .isEmpty(),
                "a household whose only member was erased is gone");
        assertFalse(lake.read(HOUSEHOLDS).isEmpty(), "the other households stay");
    }
}
