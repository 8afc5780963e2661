package io.c360.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The PII value check can fail: on a few hand-made rows, an untagged gold column holding e-mails is named. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class PiiValueLeaksTest {
    private static final TableName SOURCE = TableName.bronze("crm");
    private static final TableName GOLD = TableName.gold("contacts");

    private final SparkSession spark;

    PiiValueLeaksTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void anUntaggedGoldColumnHoldingPersonalDataIsNamedWithTheColumnItHoldsValuesOf(@TempDir Path dir) {
        Lake lake = new Lake(spark, dir.resolve("lake").toString());
        lake.overwrite(
                SOURCE,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("1", "Ann@Example.org", "Paris", "Paris", "NY"),
                                RowFactory.create("2", "bob@example.org", "Lyon", "Online", "CA"),
                                RowFactory.create("3", "cat@example.org", "Nice", "Paris", "NY")),
                        new StructType()
                                .add("id", DataTypes.StringType)
                                .add("email", DataTypes.StringType)
                                .add("city", DataTypes.StringType)
                                .add("store", DataTypes.StringType)
                                .add("state", DataTypes.StringType)));
        // contact passes the e-mail through; store shares "paris" with the tagged city, but the source's
        // untagged store holds it too; region shares only two-letter codes with the tagged state
        lake.overwrite(
                GOLD,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("C1", " ann@example.org", "Paris", "NY"),
                                RowFactory.create("C2", "bob@example.org", "Online", "CA"),
                                RowFactory.create("C3", null, "Paris", "TX")),
                        new StructType()
                                .add("customer_id", DataTypes.StringType)
                                .add("contact", DataTypes.StringType)
                                .add("store", DataTypes.StringType)
                                .add("region", DataTypes.StringType)));
        TableCatalog.Table source = new TableCatalog.Table(
                SOURCE,
                List.of("id"),
                Optional.empty(),
                List.of(
                        new TableCatalog.Column("id", Optional.of(TableCatalog.Role.record_id), Optional.empty()),
                        TableCatalog.Column.pii("email", "email"),
                        TableCatalog.Column.pii("city", "address"),
                        new TableCatalog.Column("store", Optional.empty(), Optional.empty()),
                        TableCatalog.Column.pii("state", "address")));

        assertEquals(
                List.of(
                        "gold.contacts.contact holds 2 distinct values of bronze.crm.email (pii: email) but is not PII-tagged"),
                PiiValueLeaks.find(lake, TableCatalog.engine().with(List.of(source, goldTable(Optional.empty())))),
                "values compared trimmed and in lower case; a value an untagged source column holds too, and two-letter codes, are not personal data");
        assertEquals(
                List.of(),
                PiiValueLeaks.find(lake, TableCatalog.engine().with(List.of(source, goldTable(Optional.of("email"))))),
                "tagged, the column is no finding");
    }

    private static TableCatalog.Table goldTable(Optional<String> contactKind) {
        return new TableCatalog.Table(
                GOLD,
                List.of("customer_id"),
                Optional.empty(),
                List.of(
                        TableCatalog.Column.role("customer_id", TableCatalog.Role.customer_id),
                        new TableCatalog.Column("contact", Optional.empty(), contactKind),
                        new TableCatalog.Column("store", Optional.empty(), Optional.empty()),
                        new TableCatalog.Column("region", Optional.empty(), Optional.empty())));
    }
}
