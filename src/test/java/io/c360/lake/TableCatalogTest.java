package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.bronze.SourceContract;
import io.c360.gold.GoldDefinitions;
import io.c360.lake.TableCatalog.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class TableCatalogTest {
    private static final Path GOLD = Path.of("gold");

    @Test
    void everyShippedGoldTableSaysWhoseRowsItHolds() {
        for (TableCatalog.Table t : GoldDefinitions.load(GOLD).catalogTables()) {
            assertFalse(
                    t.columnsWith(Role.customer_id).isEmpty()
                            && t.columnsWith(Role.record_key).isEmpty(),
                    t.name() + " declares no customer_id or record_key role: erasure could not find a person's rows");
        }
        TableCatalog catalog =
                TableCatalog.engine().with(GoldDefinitions.load(GOLD).catalogTables());
        TableCatalog.Table xref = catalog.table(TableName.gold("customer_xref")).orElseThrow();
        assertEquals(List.of("record_key"), xref.columnsWith(Role.record_key));
        assertEquals(List.of("customer_id"), xref.columnsWith(Role.customer_id));
        TableCatalog.Table customer = catalog.table(TableName.gold("customer")).orElseThrow();
        assertEquals(List.of("email"), customer.columnsHolding("email"));
        assertEquals(List.of("phone"), customer.columnsHolding("phone"));
    }

    @Test
    void aStagingCopyIsKnownAsTheTableItCopies() {
        TableCatalog catalog =
                TableCatalog.engine().with(GoldDefinitions.load(GOLD).catalogTables());
        assertEquals(
                TableName.gold("customer"),
                catalog.ofStored("_staging.gold.customer").orElseThrow().name());
        assertEquals(
                TableCatalog.CUSTOMER_ID_MAP,
                catalog.ofStored("silver.customer_id_map").orElseThrow().name());
        assertTrue(catalog.ofStored("ops.pipeline_runs").isEmpty());
    }

    @Test
    void aSourceTableHasItsContractKeyAsRecordIdAndItsPiiTags() {
        SourceContract contract = SourceContract.load(Path.of("bronze/crm_contacts.yaml"));
        TableCatalog.Table t = contract.catalogTable("crm_contacts");
        assertEquals(TableName.bronze("crm_contacts"), t.name());
        assertEquals(contract.key(), t.columnsWith(Role.record_id));
        assertFalse(t.columnsHolding("email").isEmpty(), "the CRM contract tags its e-mail column");
        assertEquals(contract.columnNames().size(), t.columns().size());
    }

    @Test
    void anUnknownRoleNamesTheFileTheColumnAndTheRoles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("t.sql"), "SELECT 1 AS customer_id");
        Files.writeString(
                dir.resolve("tables.yaml"),
                "tables:\n  - name: t\n    sql: t.sql\n    key: [customer_id]\n    description: d\n"
                        + "    columns: {customer_id: c}\n    roles: {customer_id: customer}\n");
        Files.writeString(dir.resolve("segments.yaml"), "segments: []\n");
        C360Exception e = assertThrows(C360Exception.class, () -> GoldDefinitions.load(dir));
        assertTrue(e.getMessage().contains("tables.yaml"), e.getMessage());
        assertTrue(e.getMessage().contains("'customer'") && e.getMessage().contains("customer_id"), e.getMessage());
    }

    @Test
    void aConfiguredTableCannotTakeAnEngineTablesName() {
        TableCatalog.Table clash = new TableCatalog.Table(
                TableCatalog.SEGMENT_MEMBERSHIP, List.of(), java.util.Optional.empty(), List.of());
        assertThrows(C360Exception.class, () -> TableCatalog.engine().with(List.of(clash)));
    }
}
