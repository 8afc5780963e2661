package io.c360.synth;

import io.c360.synth.GeneratorSettings.Systems;
import java.util.ArrayList;
import java.util.List;

/** All source records of one person: which systems know the person, then each system's records. */
final class PersonRecords {
    private PersonRecords() {}

    static List<SourceRecord> of(Person person, List<Person> household, GeneratorSettings settings) {
        PersonView v = new PersonView(person, household, settings);
        boolean[] present = presence(v.rng, settings.systems());
        List<SourceRecord> out = new ArrayList<>();
        if (present[0]) {
            CrmContacts.add(v, out);
        }
        List<String> crmIds = out.stream().map(SourceRecord::id).toList();
        if (present[1]) {
            BillingAccounts.add(v, crmIds, out);
        }
        if (present[2]) {
            SupportTickets.add(v, out);
        }
        if (present[3]) {
            EcommerceOrders.add(v, out);
        }
        if (present[4]) {
            WebEvents.add(v, out);
        }
        if (present[5]) {
            ConsentEvents.add(v, crmIds, out);
        }
        double violationRate = settings.violations().rate();
        for (SourceRecord r : out) {
            if (v.rng.chance(violationRate)) {
                ContractViolations.apply(r, v.rng);
            }
        }
        return out;
    }

    /**
     * Presence in crm, billing, support, ecommerce, web, consent. With probability {@code overlap} a
     * system reuses the person's shared draw, so the systems tend to know the same persons; everyone
     * is known to at least one system.
     */
    static boolean[] presence(Rng rng, Systems s) {
        double[] p = {
            s.crm().presence(),
            s.billing().presence(),
            s.support().presence(),
            s.ecommerce().presence(),
            s.web().presence(),
            s.consent().presence()
        };
        double shared = rng.unit();
        boolean[] present = new boolean[p.length];
        boolean any = false;
        for (int i = 0; i < p.length; i++) {
            double draw = rng.chance(s.overlap()) ? shared : rng.unit();
            present[i] = draw < p[i];
            any |= present[i];
        }
        if (!any) {
            present[rng.weighted(p)] = true;
        }
        return present;
    }
}
