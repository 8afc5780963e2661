package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Households from declared evidence: shared values link customers, a value over its cap links nobody and is
 * only counted, links chain into one household, and household ids survive a re-run.
 */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class HouseholdsTest {
    private final SparkSession spark;

    HouseholdsTest(SparkSession spark) {
        this.spark = spark;
    }

    private Households.Rules rules(String customers) {
        spark.sql("SELECT * FROM VALUES " + customers + " AS c(customer_id)").createOrReplaceTempView("hh_customers");
        // C1 and C2 share a home address; C2 and C3 a landline; C4..C7 an apartment block's street address
        // without a unit (over the cap of 3); C99 is no customer (erased, say) and links nobody.
        spark.sql("""
                SELECT * FROM VALUES
                  ('C1', '1|oak st||62701'), ('C2', '1|oak st||62701'), ('C9', '1|oak st||62701'),
                  ('C4', '7|main st||10001'), ('C5', '7|main st||10001'), ('C6', '7|main st||10001'),
                  ('C7', '7|main st||10001'), ('C8', '3|fir ct||44301'), ('C99', '3|fir ct||44301'),
                  ('C3', NULL)
                AS a(customer_id, value)
                """).createOrReplaceTempView("hh_address");
        spark.sql("SELECT * FROM VALUES ('C2', '+15550001'), ('C3', '+15550001'), ('C8', '+15550002') AS p(id, phone)")
                .createOrReplaceTempView("hh_phone");
        return new Households.Rules(
                Path.of("households.yaml"),
                "SELECT customer_id FROM hh_customers",
                List.of(
                        new Households.Evidence("address", "SELECT customer_id, value FROM hh_address", 3),
                        new Households.Evidence("phone", "SELECT id AS customer_id, phone AS value FROM hh_phone", 3)),
                "household_member");
    }

    private static final String FIRST = "('C1'), ('C2'), ('C3'), ('C4'), ('C5'), ('C6'), ('C7'), ('C8')";

    /** customer → household id. */
    private static Map<String, String> households(Households.Formed formed) {
        return formed.members().collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1), (a, b) -> a, TreeMap::new));
    }

    @Test
    void sharedValuesLinkCustomersAndChainButAValueOverItsCapLinksNobody() {
        Households.Formed formed = Households.form(spark, rules(FIRST), Optional.empty(), "run-1");
        Map<String, String> h = households(formed);
        assertEquals(List.of("C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"), List.copyOf(h.keySet()));
        assertEquals(h.get("C1"), h.get("C2"), "same address");
        assertEquals(h.get("C2"), h.get("C3"), "same landline: C3 joins C1 through C2");
        assertEquals(6, h.values().stream().distinct().count(), "{C1,C2,C3}, C4, C5, C6, C7 and C8 alone");
        assertNotEquals(h.get("C4"), h.get("C5"), "the block's street address is over the cap");
        assertTrue(h.values().stream().allMatch(id -> id.matches("H[0-9a-f]{16}")), h.toString());

        Map<String, String> evidence = new TreeMap<>();
        for (Row r : formed.members().collectAsList()) {
            evidence.put(r.getString(0), String.join("+", r.<String>getList(2)));
        }
        assertEquals(
                Map.of(
                        "C1",
                        "address",
                        "C2",
                        "address+phone",
                        "C3",
                        "phone",
                        "C4",
                        "",
                        "C5",
                        "",
                        "C6",
                        "",
                        "C7",
                        "",
                        "C8",
                        ""),
                evidence);

        Map<String, String> report = new TreeMap<>();
        for (Row r : formed.report().collectAsList()) {
            report.put(
                    r.getString(0),
                    r.getAs("max_customers") + " " + r.getAs("linking_values") + " "
                            + r.getAs("linked_customers") + " " + r.getAs("capped_values") + " "
                            + r.getAs("capped_customers")
                            + " " + r.getAs("largest_capped"));
        }
        assertEquals(Map.of("address", "3 1 2 1 4 4", "phone", "3 1 2 0 0 null"), report);
    }

    @Test
    void aHouseholdKeepsItsIdWhenItsSmallestMemberLeavesOrAnotherJoins() {
        Households.Formed first = Households.form(spark, rules(FIRST), Optional.empty(), "run-1");
        Map<String, String> before = households(first);
        // C1 is gone (erased), C9 now lives at their address.
        Households.Formed second = Households.form(
                spark,
                rules("('C2'), ('C3'), ('C4'), ('C5'), ('C6'), ('C7'), ('C8'), ('C9')"),
                Optional.of(first.members().select("customer_id", "household_id")),
                "run-2");
        Map<String, String> after = households(second);
        assertEquals(before.get("C2"), after.get("C2"), "kept by overlap, not derived from the smallest member");
        assertEquals(after.get("C2"), after.get("C9"));
        assertEquals(before.get("C8"), after.get("C8"));
        Households.Formed fresh = Households.form(
                spark,
                rules("('C2'), ('C3'), ('C4'), ('C5'), ('C6'), ('C7'), ('C8'), ('C9')"),
                Optional.empty(),
                "run-2");
        assertNotEquals(before.get("C2"), households(fresh).get("C2"), "without the previous ids it would change");
    }

    @Test
    void aQueryReturningOtherColumnsNamesTheFileAndTheEvidence() {
        rules(FIRST);
        Households.Rules bad = new Households.Rules(
                Path.of("gold/households.yaml"),
                "SELECT customer_id FROM hh_customers",
                List.of(new Households.Evidence("phone", "SELECT id, phone FROM hh_phone", 3)),
                "household_member");
        C360Exception e =
                assertThrows(C360Exception.class, () -> Households.form(spark, bad, Optional.empty(), "run-1"));
        assertEquals(
                "gold/households.yaml: evidence phone: returns columns [id, phone] but expected [customer_id, value]",
                e.getMessage());
    }

    @Test
    void theShippedFileReads() {
        Households.Rules shipped = Households.Rules.of(Path.of("gold")).orElseThrow();
        assertEquals("household_member", shipped.keptIn());
        assertEquals(
                List.of("address", "phone", "email"),
                shipped.evidence().stream().map(Households.Evidence::name).toList());
        assertTrue(shipped.evidence().stream().allMatch(e -> e.maxCustomers() >= 2));
    }

    @Test
    void theShippedAddressEvidenceCountsOrdersShippedToTheBuyersOwnNameOnly(@TempDir Path dir) {
        // Ann (C1) ships an order to herself at 5 elm st, where Bob (C2) lives; she ships a gift to
        // Carl at 9 ash ave, where Dee (C3) lives. Ann's own CRM record has no address.
        Lake lake = new Lake(spark, dir.toString());
        lake.overwrite(TableName.silver("identity_records"), spark.sql("""
                        SELECT * FROM VALUES
                          ('crm:1', CAST(NULL AS STRING), 'ann', 'lee', CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), CAST(NULL AS STRING), 'ann@example.com'),
                          ('orders:1', 'email', 'ann', 'lee', '5', 'elm st', NULL, '62701', NULL, 'ann@example.com'),
                          ('orders:2', 'email', 'carl', 'moe', '9', 'ash ave', NULL, '62702', NULL, 'ann@example.com'),
                          ('crm:2', NULL, 'bob', 'lee', '5', 'elm st', NULL, '62701', NULL, 'bob@example.com'),
                          ('crm:3', NULL, 'dee', 'moe', '9', 'ash ave', NULL, '62702', NULL, 'dee@example.com')
                        AS r(record_key, owned_by, given_name, surname, house_number, street, unit, postcode, phone, email)
                        """));
        lake.overwrite(TableName.silver("customer_id_map"), spark.sql("""
                        SELECT * FROM VALUES ('crm:1', 'C1'), ('orders:1', 'C1'), ('orders:2', 'C1'),
                          ('crm:2', 'C2'), ('crm:3', 'C3')
                        AS m(record_key, customer_id)
                        """));
        lake.registerAll();
        spark.sql("SELECT * FROM VALUES ('C1', 'Ann', 'Lee'), ('C2', 'Bob', 'Lee'), ('C3', 'Dee', 'Moe')"
                        + " AS c(customer_id, given_name, surname)")
                .createOrReplaceTempView("customer");

        Households.Formed formed =
                Households.form(spark, Households.Rules.of(Path.of("gold")).orElseThrow(), Optional.empty(), "run-1");
        Map<String, String> h = households(formed);
        assertEquals(h.get("C1"), h.get("C2"), "Ann shipped home, to her own name: the address is hers");
        assertNotEquals(h.get("C1"), h.get("C3"), "the gift went to someone else's home");
        assertNotEquals(h.get("C2"), h.get("C3"));
    }

    @Test
    void aCapBelowTwoIsRefused(@TempDir Path dir) throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(
                dir.resolve("households.yaml"),
                "customers: SELECT 1\nkept_in: m\nmax_customers: 1\nevidence: [{name: a, sql: SELECT 1}]");
        C360Exception e = assertThrows(C360Exception.class, () -> Households.Rules.load(file));
        assertTrue(
                e.getMessage().contains("max_customers") && e.getMessage().contains("expected 2 or more"),
                e.getMessage());
    }
}
