package io.c360.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.config.AccessSettings;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
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
import org.junit.jupiter.api.io.TempDir;

/** What each role sees of a customer table's personal data. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class MaskingTest {
    private static final TableName PEOPLE = TableName.gold("people");
    private static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("email", DataTypes.StringType)
            .add("given_name", DataTypes.StringType)
            .add("birth_date", DataTypes.DateType)
            .add("notes", DataTypes.StringType)
            .add("orders", DataTypes.IntegerType);
    private static final TableCatalog CATALOG = TableCatalog.engine()
            .with(List.of(new TableCatalog.Table(
                    PEOPLE,
                    List.of("customer_id"),
                    Optional.empty(),
                    List.of(
                            TableCatalog.Column.role("customer_id", TableCatalog.Role.customer_id),
                            TableCatalog.Column.pii("email", "email"),
                            TableCatalog.Column.pii("given_name", "name"),
                            TableCatalog.Column.pii("birth_date", "birth_date"),
                            TableCatalog.Column.pii("notes", "free_text")))));

    private static Masking masking(String key) {
        return new Masking(AccessSettings.DEFAULTS, CATALOG, key.getBytes(StandardCharsets.UTF_8));
    }

    private static Dataset<Row> people(SparkSession spark) {
        return spark.createDataFrame(
                List.of(
                        RowFactory.create(
                                "C1", "jane.doe@example.com", "Jane", Date.valueOf("1980-06-15"), "called", 3),
                        RowFactory.create("C2", "jane.doe@example.com", "Jim", Date.valueOf("1991-01-02"), "x", 1),
                        RowFactory.create("C3", "bo@example.org", null, null, null, 0)),
                SCHEMA);
    }

    @Test
    void analystsSeeHashesThatStillCountAndJoin(SparkSession spark) {
        List<Row> rows = masking("k1").apply(PEOPLE, people(spark), "analyst").collectAsList();

        assertEquals(List.of(SCHEMA.fieldNames()), List.of(rows.get(0).schema().fieldNames()));
        String first = rows.get(0).getString(1);
        assertNotEquals("jane.doe@example.com", first);
        assertTrue(first.matches("[0-9a-f]{32}"), first);
        assertEquals(first, rows.get(1).getString(1), "the same e-mail masks to the same value");
        assertNotEquals(first, rows.get(2).getString(1));
        assertEquals("J***", rows.get(0).getString(2));
        assertNull(rows.get(2).get(2), "null stays null");
        assertEquals(Date.valueOf("1980-01-01"), rows.get(0).getDate(3));
        assertNull(rows.get(0).get(4), "a kind without a mask of its own is hidden");
        assertEquals("C1", rows.get(0).getString(0));
        assertEquals(3, rows.get(0).getInt(5));
    }

    @Test
    void theHashDependsOnTheKey(SparkSession spark) {
        String one =
                masking("k1").apply(PEOPLE, people(spark), "analyst").first().getString(1);
        String two =
                masking("k2").apply(PEOPLE, people(spark), "analyst").first().getString(1);
        assertNotEquals(one, two);
    }

    @Test
    void rolesSeeTheirKindsInClear(SparkSession spark) {
        Row marketing = masking("k").apply(PEOPLE, people(spark), "marketing").first();
        assertEquals("jane.doe@example.com", marketing.getString(1));
        assertEquals("Jane", marketing.getString(2));
        assertEquals(Date.valueOf("1980-01-01"), marketing.getDate(3));

        Row privacy = masking("k").apply(PEOPLE, people(spark), "privacy").first();
        assertEquals(people(spark).first(), privacy);
    }

    @Test
    void aPartialMaskKeepsAnEmailsDomain(SparkSession spark) {
        AccessSettings partialEmails = new AccessSettings(
                "analyst",
                AccessSettings.DEFAULTS.roles(),
                Map.of("email", AccessSettings.Mask.partial),
                AccessSettings.DEFAULT_KEY_ENV);
        Masking masking = new Masking(partialEmails, CATALOG, new byte[] {1});
        assertEquals(
                "j***@example.com",
                masking.apply(PEOPLE, people(spark), "analyst").first().getString(1));
    }

    @Test
    void anUndeclaredRoleIsAnErrorNamingTheDeclaredOnes() {
        C360Exception e = assertThrows(C360Exception.class, () -> masking("k").role(Optional.of("intern")));
        assertTrue(e.getMessage().contains("'intern'") && e.getMessage().contains("analyst"), e.getMessage());
        assertEquals("analyst", masking("k").role(Optional.empty()));
    }

    @Test
    void theLakeKeepsOneKeyWhenTheEnvironmentGivesNone(SparkSession spark, @TempDir Path root) {
        Lake lake = new Lake(spark, root.toString());
        String key = lake.writeSecretIfAbsent(Masking.KEY_FILE, "00ff\n");
        assertEquals("00ff\n", key);
        assertTrue(lake.readText(Masking.KEY_FILE).isPresent());
    }
}
