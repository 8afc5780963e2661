package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.c360.C360Exception;
import io.c360.standardize.Standardization;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class IdentityConfigTest {
    private static final Path SHIPPED = Path.of("silver/identity.yaml");

    @Test
    void theDefaultsAreTheShippedFilesSettings() {
        Standardization shipped = IdentityConfig.load(SHIPPED).standardization();
        Standardization defaults = Standardization.defaults();

        assertEquals(
                shipped.dateFormats(), defaults.dateFormats(), "a file without date_formats parses the same dates");
        assertEquals(shipped.phoneRegion(), defaults.phoneRegion());
        assertEquals(shipped.canonicalEmail(), defaults.canonicalEmail());
    }

    @Test
    void theShippedFileMapsEverySourceInFileOrder() {
        IdentityConfig identity = IdentityConfig.load(SHIPPED);

        assertEquals(
                Optional.of(Path.of("silver/nicknames.csv").toAbsolutePath().normalize()),
                identity.standardization().nicknames(),
                "nicknames are found beside the identity file");
        assertEquals(
                List.of(
                        "crm_contacts",
                        "billing_accounts",
                        "support_tickets",
                        "ecommerce_orders",
                        "consent_events",
                        "web_events"),
                List.copyOf(identity.sources().keySet()));
    }

    @Test
    void aMisspeltAttributeIsNamedWithItsSourceAndTheKeyItResembles() {
        C360Exception e = assertThrows(
                C360Exception.class,
                () -> IdentityConfig.parse("identity.yaml", "sources: {shop: {record_id: id, emial: mail}}"));

        assertEquals(
                "identity.yaml: sources.shop.emial: unknown key (a typo of 'email'?); expected one of: record_id, "
                        + "record_time, where, owned_by, given_name, surname, full_name, birth_date, email, phone, "
                        + "street, city, state, postcode, national_id, crm_id",
                e.getMessage());
    }

    @Test
    void aSourceThatMapsNoAttributeAndAnUnknownJunkKindAreErrors() {
        C360Exception none = assertThrows(
                C360Exception.class, () -> IdentityConfig.parse("identity.yaml", "sources: {shop: {record_id: id}}"));
        assertEquals(
                "identity.yaml: sources.shop: maps no identity attribute; expected some of "
                        + String.join(", ", IdentityConfig.ATTRIBUTES),
                none.getMessage());

        C360Exception junk = assertThrows(
                C360Exception.class,
                () -> IdentityConfig.parse(
                        "identity.yaml",
                        "standardize: {junk: {colour: [none]}}\nsources: {shop: {record_id: id, email: mail}}"));
        assertEquals(
                "identity.yaml: standardize.junk.colour: unknown kind of value; expected one of "
                        + String.join(", ", Standardization.JUNK_KINDS),
                junk.getMessage());
    }
}
