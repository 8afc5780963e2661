package io.c360.synth;

import io.c360.synth.FieldNoise.Kind;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** Billing accounts: the holder's name in one field, the tax id for some, a CRM link entered by sales. */
final class BillingAccounts {
    private BillingAccounts() {}

    static void add(PersonView v, List<String> crmIds, List<SourceRecord> out) {
        GeneratorSettings.Billing billing = v.settings.systems().billing();
        int accounts = v.rng.chance(billing.extraAccountRate()) ? 2 : 1;
        for (int i = 0; i < accounts; i++) {
            out.add(account(v, billing, crmIds));
        }
    }

    private static SourceRecord account(PersonView v, GeneratorSettings.Billing billing, List<String> crmIds) {
        Person p = v.person;
        FieldNoise n = v.noise;
        long opened = v.momentAsCustomer();
        LocalDate day = Stamps.day(opened);
        FieldNoise.Case c = n.recordCase();
        Address a = p.addressOn(day);
        SourceRecord r = v.newRecord(Source.BILLING_ACCOUNTS)
                .put("account_name", accountName(v, day, c))
                .put("email", v.rng.chance(0.92) ? n.optional(Kind.EMAIL, n.email(p.emailOn(day))) : null)
                .put(
                        "phone",
                        v.rng.chance(0.85)
                                ? n.optional(Kind.PHONE, n.phone(v.phoneDigits(), Phones.Style.PAREN))
                                : null)
                .put("address_line1", FieldNoise.cased(n.optional(Kind.STREET, AddressText.street(a, n)), c))
                .put("address_line2", FieldNoise.cased(AddressText.unit(a, n), c))
                .put("city", FieldNoise.cased(n.optional(Kind.CITY, AddressText.city(a.place(), n)), c))
                .put("state", AddressText.state(a.place(), n))
                .put("zip", n.optional(Kind.ZIP, AddressText.zip(a, n)))
                .put("country", v.rng.chance(0.7) ? "US" : "USA")
                .put("tax_id", v.rng.chance(billing.taxIdRate()) ? taxId(v) : null)
                .put(
                        "date_of_birth",
                        v.rng.chance(0.6)
                                ? n.optional(
                                        Kind.DATE,
                                        n.maybeTransposed(p.birthDate()).toString())
                                : null)
                .put(
                        "crm_contact_id",
                        !crmIds.isEmpty() && v.rng.chance(billing.crmLinkRate())
                                ? v.rng.pick(crmIds.toArray(String[]::new))
                                : null)
                .put("opened_on", day.toString())
                .put("status", status(v));
        return r;
    }

    /** "First Last" (sometimes with the middle initial) or "LAST, First". */
    private static String accountName(PersonView v, LocalDate day, FieldNoise.Case c) {
        String[] names = v.names(day, c);
        if (v.rng.chance(0.3)) {
            return names[1].toUpperCase(Locale.ROOT) + ", " + names[0];
        }
        String middle =
                v.person.middleInitial() != null && v.rng.chance(0.2) ? " " + v.person.middleInitial() + "." : "";
        return names[0] + middle + " " + names[1];
    }

    /** The SSN with or without dashes; a typo swaps two digits, which keeps it well-formed. */
    private static String taxId(PersonView v) {
        String digits = v.person.ssn().replace("-", "");
        if (v.noise.happens(NoiseKind.TYPO)) {
            int i = v.rng.between(0, digits.length() - 2);
            digits = digits.substring(0, i) + digits.charAt(i + 1) + digits.charAt(i) + digits.substring(i + 2);
        }
        return v.rng.chance(0.7)
                ? digits.substring(0, 3) + "-" + digits.substring(3, 5) + "-" + digits.substring(5)
                : digits;
    }

    private static String status(PersonView v) {
        double x = v.rng.unit();
        return x < 0.8 ? "active" : x < 0.85 ? "suspended" : "closed";
    }
}
