package io.c360.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.lake.CsvLine;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The pure parts of erasure: token search, request validation, activation-file parsing. */
@Tag("unit")
class NeedlesTest {
    @Test
    void findsIdentifiersAsWholeTokensOnly() {
        Needles n = new Needles(List.of("ann@x.com", "CRM-1234", "+15728773866", "abc"));
        assertTrue(n.foundIn("{\"email\":\"Ann@X.com\"}"), "case-insensitive");
        assertTrue(n.foundIn("crm_contacts:CRM-1234"), "inside a record key");
        assertTrue(n.foundIn("CRM-1234,Pat,Bernier"), "at the start of a CSV line");
        assertTrue(n.foundIn("phone +15728773866"));
        assertFalse(n.foundIn("joann@x.com"), "a longer address is someone else");
        assertFalse(n.foundIn("jo.ann@x.com"));
        assertFalse(n.foundIn("CRM-12345"), "a longer id is another record");
        assertFalse(n.foundIn("+157287738660"));
        assertFalse(n.foundIn("abc def"), "too short to be searched as text");
        assertEquals(3, n.size());
        assertFalse(new Needles(List.of()).foundIn("anything"));
    }

    @Test
    void aRequestNamesExactlyOnePerson() {
        assertEquals(
                new ErasureRequest(ErasureRequest.Kind.email, "a@b.com", false),
                ErasureRequest.of(" a@b.com ", null, null, false));
        assertEquals(
                ErasureRequest.Kind.customer_id,
                ErasureRequest.of(null, null, "C1", false).kind());
        assertTrue(ErasureRequest.of(null, "+1 650 253 0000", null, true).allCustomersSharing());
        assertTrue(assertThrows(C360Exception.class, () -> ErasureRequest.of(null, null, null, false))
                .getMessage()
                .startsWith("no subject given"));
        assertTrue(assertThrows(C360Exception.class, () -> ErasureRequest.of("a@b.com", "+1", null, false))
                .getMessage()
                .startsWith("several identifiers given"));
        assertThrows(C360Exception.class, () -> ErasureRequest.of(" ", null, null, false));
        assertTrue(assertThrows(C360Exception.class, () -> ErasureRequest.of(null, null, "C1", true))
                .getMessage()
                .contains("a customer id names one customer"));
    }

    @Test
    void readsActivationLinesAsSparkWroteThem() {
        assertEquals(
                List.of("C1", "a@b.com", "O'Neil, \"Pat\"", ""), CsvLine.fields("C1,a@b.com,\"O'Neil, \"\"Pat\"\"\","));
        Subject s = new Subject(
                new ErasureRequest(ErasureRequest.Kind.customer_id, "C1", false),
                Optional.empty(),
                Set.of("C1"),
                Set.of("crm_contacts:CRM-1", "web_events:EVT-1:2"),
                Set.of(),
                Set.of(),
                Set.of(),
                Set.of());
        assertEquals(Set.of("CRM-1", "EVT-1:2"), s.recordIds());
        assertEquals(Set.of("crm_contacts", "web_events"), s.recordIdsBySource().keySet());
    }
}
