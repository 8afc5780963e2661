package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Personal data of gold columns: derived from the SQL's pass-throughs, declared where the SQL computes. */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class GoldPiiTest {

    @Test
    void aGoldColumnPassingPersonalDataThroughHasItsKindInTheCatalog() {
        SampleLake.Site site = SampleLake.shared();
        GoldDefinitions undeclaredState = new GoldDefinitions(
                site.gold().folder(),
                site.gold().tables().stream()
                        .map(t -> t.name().equals("customer") ? without(t, "state") : t)
                        .toList(),
                site.gold().segments());
        TableCatalog catalog =
                TableCatalog.engine().with(GoldLineage.catalogTables(site.lake(), site.config(), undeclaredState));
        TableCatalog.Table customer = catalog.table(TableName.gold("customer")).orElseThrow();

        assertEquals(Optional.of("address"), pii(customer, "state"), "passed through from silver's state");
        assertEquals(Optional.of("email"), pii(customer, "email"));
        assertEquals(Optional.of("name"), pii(customer, "given_name"));
        assertEquals(Optional.empty(), pii(customer, "record_count"), "a count of records is not personal data");
        assertEquals(Optional.empty(), pii(customer, "customer_id"));
    }

    @Test
    void theShippedDefinitionsAnalyzeAndDeclareWhatOnlyTheirAuthorsKnow() {
        SampleLake.Site site = SampleLake.shared();
        GoldLineage.Analysis analysis = GoldLineage.analyze(site.lake(), site.config(), site.gold());

        assertEquals(Map.of(), analysis.unanalyzed());
        assertEquals(
                List.of(),
                GoldLineage.pii(site.gold(), analysis, GoldLineage.sources(site.config()))
                        .undeclared());
        ColumnLineage.Derivation email =
                analysis.tables().get(TableName.gold("customer")).get("email");
        assertTrue(email.passThrough());
        assertTrue(
                email.values().contains(new ColumnLineage.SourceColumn(TableName.silver("golden_records"), "email")));
    }

    @Test
    void aColumnComputedFromPersonalDataMustBeDeclared() {
        SampleLake.Site site = SampleLake.shared();
        String sql = "SELECT customer_id, sha2(email, 256) AS email_hash, coalesce(phone, '') AS contact"
                + " FROM silver.golden_records";
        GoldDefinitions undeclared = withProbe(site.gold(), sql, Map.of());

        C360Exception refused = assertThrows(
                C360Exception.class,
                () -> GoldLineage.requireDeclared(
                        undeclared,
                        GoldLineage.analyze(site.lake(), site.config(), undeclared),
                        GoldLineage.sources(site.config())));

        assertTrue(refused.getMessage().contains("tables.yaml"), refused.getMessage());
        assertTrue(refused.getMessage().contains("gold.pii_probe.email_hash"), refused.getMessage());
        assertTrue(refused.getMessage().contains("silver.golden_records.email"), refused.getMessage());
        assertFalse(refused.getMessage().contains("contact"), "a pass-through is derived: " + refused.getMessage());

        GoldDefinitions declared = withProbe(site.gold(), sql, Map.of("email_hash", GoldLineage.NONE));
        GoldLineage.Analysis analysis = GoldLineage.analyze(site.lake(), site.config(), declared);
        GoldLineage.requireDeclared(declared, analysis, GoldLineage.sources(site.config()));
        Map<String, String> kinds = GoldLineage.pii(declared, analysis, GoldLineage.sources(site.config()))
                .kinds()
                .get(TableName.gold("pii_probe"));
        assertEquals(Map.of("contact", "phone"), kinds, "none is no personal data; the coalesce passes phone through");
    }

    private static GoldDefinitions withProbe(GoldDefinitions shipped, String sql, Map<String, String> pii) {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("customer_id", "id");
        columns.put("email_hash", "hash");
        columns.put("contact", "phone or nothing");
        List<GoldDefinitions.Table> tables = new ArrayList<>(shipped.tables());
        tables.add(new GoldDefinitions.Table(
                "pii_probe",
                shipped.folder().resolve("pii_probe.sql"),
                sql,
                "probe",
                List.of("customer_id"),
                columns,
                Map.of("customer_id", TableCatalog.Role.customer_id),
                pii,
                GoldDefinitions.Scope.table));
        return new GoldDefinitions(shipped.folder(), tables, shipped.segments());
    }

    /** The table without a pii: declaration of the column. */
    private static GoldDefinitions.Table without(GoldDefinitions.Table t, String column) {
        Map<String, String> pii = new LinkedHashMap<>(t.pii());
        pii.remove(column);
        return new GoldDefinitions.Table(
                t.name(), t.sqlFile(), t.sql(), t.description(), t.key(), t.columns(), t.roles(), pii, t.scope());
    }

    private static Optional<String> pii(TableCatalog.Table table, String column) {
        return table.columns().stream()
                .filter(c -> c.name().equals(column))
                .findFirst()
                .orElseThrow()
                .pii();
    }
}
