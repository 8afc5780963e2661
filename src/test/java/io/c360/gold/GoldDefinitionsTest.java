package io.c360.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.c360.C360Exception;
import io.c360.lake.TableCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class GoldDefinitionsTest {
    private static final String TABLE = "tables:\n  - name: t\n    sql: t.sql\n    key: [customer_id]\n"
            + "    description: d\n    columns: {customer_id: c, email: e}\n";

    private static Path folder(Path dir, String tables, String segments) throws IOException {
        Files.writeString(dir.resolve("t.sql"), "SELECT 1 AS customer_id, 'a' AS email");
        Files.writeString(dir.resolve("tables.yaml"), tables);
        Files.writeString(dir.resolve("segments.yaml"), segments);
        return dir;
    }

    private static String error(Path dir, String tables, String segments) throws IOException {
        Path gold = folder(dir, tables, segments);
        return assertThrows(C360Exception.class, () -> GoldDefinitions.load(gold))
                .getMessage()
                .replace(dir + java.io.File.separator, "");
    }

    @Test
    void theShippedFolderReadsEveryTableWithItsSqlRolesAndPii() {
        GoldDefinitions gold = GoldDefinitions.load(Path.of("gold"));

        GoldDefinitions.Table xref = gold.tables().get(0);
        assertEquals("customer_xref", xref.name());
        assertEquals(List.of("record_key"), xref.key());
        assertEquals(TableCatalog.Role.customer_id, xref.roles().get("customer_id"));
        assertEquals(xref.sql(), read(xref.sqlFile()));
        assertEquals("lapsed_high_value", gold.segments().get(0).name());
        assertEquals(
                Map.of(
                        "customer_xref", GoldDefinitions.Scope.customer,
                        "consent", GoldDefinitions.Scope.customer,
                        "customer", GoldDefinitions.Scope.customer,
                        "household_member", GoldDefinitions.Scope.table,
                        "customer_360", GoldDefinitions.Scope.table,
                        "household", GoldDefinitions.Scope.table),
                gold.tables().stream()
                        .collect(java.util.stream.Collectors.toMap(
                                GoldDefinitions.Table::name, GoldDefinitions.Table::scope)));
    }

    @Test
    void aTableScopedByCustomerNamesItsCustomerColumn(@TempDir Path dir) throws IOException {
        GoldDefinitions.Table t = GoldDefinitions.load(folder(
                        dir, TABLE + "    scope: Customer\n    roles: {customer_id: customer_id}\n", "segments: []\n"))
                .tables()
                .get(0);

        assertEquals(GoldDefinitions.Scope.customer, t.scope());
        assertEquals(Optional.of("customer_id"), t.customerColumn());
        assertEquals(
                GoldDefinitions.Scope.table,
                GoldDefinitions.load(folder(dir, TABLE, "segments: []\n"))
                        .tables()
                        .get(0)
                        .scope(),
                "rebuilt whole unless declared");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aTablesPiiAndAnAnalyticsSegmentWithoutChannelAreRead(@TempDir Path dir) throws IOException {
        GoldDefinitions gold = GoldDefinitions.load(folder(
                dir,
                TABLE + "    pii: {email: email}\n",
                "segments:\n  - {name: all, description: d, purpose: Analytics, where: 'true'}\n"));

        assertEquals(Map.of("email", "email"), gold.tables().get(0).pii());
        assertEquals(
                new GoldDefinitions.Segment("all", "d", "analytics", Optional.empty(), "true"),
                gold.segments().get(0));
    }

    @Test
    void errorsNameTheFileTheKeyPathAndWhatWasExpected(@TempDir Path dir) throws IOException {
        assertEquals(
                "tables.yaml: tables[0].pii: column 'phone' is not declared under columns",
                error(dir, TABLE + "    pii: {phone: phone}\n", "segments: []\n"));
        assertEquals(
                "tables.yaml: tables[1].name: table 't' is declared twice",
                error(dir, TABLE + TABLE.substring("tables:\n".length()), "segments: []\n"));
        assertEquals(
                "tables.yaml: tables[0].descripton: unknown key (a typo of 'description'?); expected one of: "
                        + "name, sql, description, key, columns, roles, pii, scope",
                error(dir, TABLE.replace("description: d", "description: d\n    descripton: x"), "segments: []\n"));
        assertEquals(
                "tables.yaml: tables[0].scope: expected one of [table, customer] but was 'record'",
                error(dir, TABLE + "    scope: record\n", "segments: []\n"));
        assertEquals(
                "tables.yaml: tables[0].scope: scope customer needs the column naming each row's customer: declare"
                        + " it under roles as <column>: customer_id",
                error(dir, TABLE + "    scope: customer\n", "segments: []\n"));
        assertEquals(
                "segments.yaml: segments[0].channel: expected one of [email, sms, phone, post]: a marketing segment"
                        + " must say how members are contacted",
                error(dir, TABLE, "segments:\n  - {name: s, description: d, purpose: marketing, where: 'true'}\n"));
        assertEquals(
                "segments.yaml: segments[0].purpose: expected one of marketing, personalization, analytics, service"
                        + " but was 'sales'",
                error(dir, TABLE, "segments:\n  - {name: s, description: d, purpose: sales, where: 'true'}\n"));
    }
}
