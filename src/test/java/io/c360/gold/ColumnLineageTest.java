package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.bronze.Lineage;
import io.c360.gold.ColumnLineage.Derivation;
import io.c360.gold.ColumnLineage.SourceColumn;
import io.c360.lake.Lake;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Column lineage of SQL over two tiny lake tables (names of their own, so the shared session's names of
 * other lakes stay as they are), read by name, by path through a {@code latest_}-style view, and through
 * CTEs, unions, aggregates, windows and views of earlier queries.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("spark")
class ColumnLineageTest {
    private static final TableName GOLDEN = TableName.silver("lineage_golden");
    private static final TableName CRM = TableName.bronze("lineage_crm");
    private final SparkSession spark;
    private Lake lake;

    ColumnLineageTest(SparkSession spark) {
        this.spark = spark;
    }

    @BeforeAll
    void tinyLake(@TempDir Path dir) {
        lake = new Lake(spark, dir.resolve("lake").toString());
        lake.overwrite(
                GOLDEN,
                spark.sql("SELECT * FROM VALUES ('c1', 'a@x.org', 'NY', DATE '1990-01-02')"
                        + " AS t(customer_id, email, state, birth_date)"));
        lake.overwrite(
                CRM,
                spark.sql("SELECT * FROM VALUES ('k1', 'a@x.org', 'NY', 'Ann', TIMESTAMP '2026-01-01 00:00:00')"
                        + " AS t(contact_id, email, state, first_name, ingested_at)"));
        lake.register(GOLDEN);
        lake.register(CRM);
        Lineage.newestVersions(
                        lake.read(CRM)
                                .withColumn(Lineage.SOURCE_FILE, org.apache.spark.sql.functions.lit("f"))
                                .withColumn(Lineage.SOURCE_ROW, org.apache.spark.sql.functions.lit(1L))
                                .withColumnRenamed("ingested_at", Lineage.INGESTED_AT),
                        org.apache.spark.sql.functions.col("contact_id"))
                .createOrReplaceTempView("latest_lineage_crm");
    }

    private Map<String, Derivation> lineage(String sql) {
        return ColumnLineage.of(spark.sql(sql).queryExecution().analyzed(), lake.root());
    }

    private static SourceColumn golden(String column) {
        return new SourceColumn(GOLDEN, column);
    }

    private static SourceColumn crm(String column) {
        return new SourceColumn(CRM, column);
    }

    @Test
    void renamesCastsAndCoalescesPassThroughWhileFunctionsCompute() {
        Map<String, Derivation> columns = lineage("""
                SELECT g.customer_id,
                       g.email AS mail,
                       CAST(g.birth_date AS STRING) AS born,
                       coalesce(g.state, c.state, 'unknown') AS state,
                       upper(g.email) AS shouted,
                       sha2(c.first_name, 256) AS name_hash,
                       CASE WHEN g.state = 'NY' THEN c.email END AS ny_email,
                       CASE WHEN g.email IS NOT NULL THEN 'yes' ELSE 'no' END AS has_email
                FROM silver.lineage_golden g
                JOIN bronze.lineage_crm c ON c.email = g.email
                """);

        assertEquals(
                List.of("customer_id", "mail", "born", "state", "shouted", "name_hash", "ny_email", "has_email"),
                List.copyOf(columns.keySet()));
        assertEquals(new Derivation(Set.of(golden("email")), Set.of(golden("email")), true), columns.get("mail"));
        assertEquals(Set.of(golden("birth_date")), columns.get("born").values());
        assertTrue(columns.get("born").passThrough());
        assertEquals(Set.of(golden("state"), crm("state")), columns.get("state").values());
        assertTrue(columns.get("state").passThrough(), "a literal default keeps a coalesce a pass-through");
        assertEquals(new Derivation(Set.of(golden("email")), Set.of(), false), columns.get("shouted"));
        assertEquals(new Derivation(Set.of(crm("first_name")), Set.of(), false), columns.get("name_hash"));
        Derivation nyEmail = columns.get("ny_email");
        assertTrue(nyEmail.passThrough());
        assertEquals(Set.of(crm("email")), nyEmail.values(), "the condition decides, its value is not held");
        assertEquals(Set.of(crm("email"), golden("state")), nyEmail.sources());
        Derivation hasEmail = columns.get("has_email");
        assertEquals(Set.of(), hasEmail.values(), "only literals come out");
        assertEquals(Set.of(golden("email")), hasEmail.sources());
    }

    @Test
    void tracesCtesUnionsAggregatesAndWindowsByPosition() {
        Map<String, Derivation> columns = lineage("""
                WITH from_silver AS (
                  SELECT customer_id AS who, email AS address FROM silver.lineage_golden
                ),
                from_bronze AS (
                  SELECT contact_id, email FROM latest_lineage_crm
                ),
                both AS (
                  SELECT who, address FROM from_silver
                  UNION ALL
                  SELECT contact_id, email FROM from_bronze
                )
                SELECT who,
                       max(address) AS some_address,
                       count(*) AS n,
                       first(address, true) AS first_address,
                       max(row_number) AS rank_seen
                FROM (SELECT *, row_number() OVER (PARTITION BY who ORDER BY address) AS row_number FROM both)
                GROUP BY who
                """);

        assertEquals(
                new Derivation(
                        Set.of(golden("customer_id"), crm("contact_id")),
                        Set.of(golden("customer_id"), crm("contact_id")),
                        true),
                columns.get("who"));
        assertEquals(
                Set.of(golden("email"), crm("email")),
                columns.get("some_address").values());
        assertTrue(columns.get("some_address").passThrough());
        assertTrue(columns.get("first_address").passThrough());
        assertEquals(new Derivation(Set.of(), Set.of(), false), columns.get("n"));
        Derivation rank = columns.get("rank_seen");
        assertFalse(rank.passThrough(), "a row number is computed");
        assertTrue(rank.sources().contains(golden("customer_id")), "from its window's partition and order");
    }

    @Test
    void tracesViewsOfEarlierQueriesAndLeavesOtherInputsWithoutSources() {
        spark.sql("SELECT customer_id, lower(email) AS email, state FROM silver.lineage_golden")
                .createOrReplaceTempView("lineage_earlier");
        spark.sql("SELECT TIMESTAMP '2026-01-01 00:00:00' AS as_of").createOrReplaceTempView("lineage_context");

        Map<String, Derivation> columns = lineage("""
                SELECT e.customer_id, e.email, e.state, ctx.as_of, v.rate
                FROM lineage_earlier e
                CROSS JOIN lineage_context ctx
                CROSS JOIN (SELECT * FROM VALUES (1.5) AS v(rate)) v
                WHERE e.customer_id IN (SELECT contact_id FROM bronze.lineage_crm)
                """);

        assertEquals(Set.of(golden("customer_id")), columns.get("customer_id").values());
        assertEquals(new Derivation(Set.of(golden("email")), Set.of(), false), columns.get("email"));
        assertEquals(Set.of(golden("state")), columns.get("state").values());
        assertEquals(Set.of(), columns.get("as_of").sources());
        assertEquals(Set.of(), columns.get("rate").sources());
        assertEquals(
                Set.of(GOLDEN, CRM),
                ColumnLineage.tablesRead(
                        spark.sql("SELECT customer_id FROM lineage_earlier"
                                        + " WHERE customer_id IN (SELECT contact_id FROM bronze.lineage_crm)")
                                .queryExecution()
                                .analyzed(),
                        lake.root()),
                "a table read only to filter rows is read all the same");
    }
}
