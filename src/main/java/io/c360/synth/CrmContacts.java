package io.c360.synth;

import io.c360.synth.FieldNoise.Kind;
import java.time.LocalDate;
import java.util.List;

/** CRM contacts: typed in by sales and service staff, a person sometimes entered twice. */
final class CrmContacts {
    private CrmContacts() {}

    private static final String[] COUNTRIES = {"US", "US", "US", "USA", "United States", "U.S."};

    static void add(PersonView v, List<SourceRecord> out) {
        GeneratorSettings.Crm crm = v.settings.systems().crm();
        int contacts = 1;
        if (v.rng.chance(crm.duplicateRate())) {
            contacts += v.rng.chance(0.15) ? 2 : 1;
        }
        long created = v.momentAsCustomer();
        for (int i = 0; i < contacts; i++) {
            out.add(contact(v, created));
            // A duplicate is entered later, by someone who did not find the first contact.
            created = Stamps.moment(v.rng, Stamps.day(created), v.asOf().minusDays(1));
        }
    }

    private static SourceRecord contact(PersonView v, long created) {
        Person p = v.person;
        FieldNoise n = v.noise;
        long untilAsOf = v.asOf().toEpochDay() * Stamps.DAY - created - 1;
        Long updated = untilAsOf > 3600 && v.rng.chance(0.65) ? created + v.rng.betweenLong(3600, untilAsOf) : null;
        LocalDate day = Stamps.day(updated != null ? updated : created);
        FieldNoise.Case c = n.recordCase();
        String[] names = v.names(day, c);
        SourceRecord r = v.newRecord(Source.CRM_CONTACTS)
                .put("first_name", v.rng.chance(0.02) ? null : n.optional(Kind.NAME, names[0]))
                .put("last_name", names[1])
                .put("email", v.rng.chance(0.85) ? n.optional(Kind.EMAIL, n.email(p.emailOn(day))) : null)
                .put(
                        "phone",
                        v.rng.chance(0.8)
                                ? n.optional(Kind.PHONE, n.phone(v.phoneDigits(), Phones.Style.DASHED))
                                : null)
                .put("country", v.rng.chance(0.8) ? v.rng.pick(COUNTRIES) : null)
                .put("birth_date", v.rng.chance(0.45) ? n.optional(Kind.DATE, n.crmBirthDate(p.birthDate())) : null)
                .put("gender", gender(v))
                .put("created_at", Stamps.csv(created))
                .put("updated_at", updated == null ? null : Stamps.csv(updated));
        if (v.rng.chance(0.75)) {
            Address a = p.addressOn(day);
            r.put("street", FieldNoise.cased(n.optional(Kind.STREET, AddressText.line(a, n)), c))
                    .put("city", FieldNoise.cased(n.optional(Kind.CITY, AddressText.city(a.place(), n)), c))
                    .put("state", n.optional(Kind.CITY, AddressText.state(a.place(), n)))
                    .put("postal_code", n.optional(Kind.ZIP, AddressText.zip(a, n)));
        }
        return r;
    }

    /** F, M or X when the rep recorded it; U (unknown) or blank otherwise. */
    private static String gender(PersonView v) {
        double x = v.rng.unit();
        return x < 0.75 ? v.person.gender() : x < 0.95 ? "U" : null;
    }
}
