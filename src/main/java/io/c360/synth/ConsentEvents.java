package io.c360.synth;

import io.c360.synth.FieldNoise.Kind;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Consent grants and withdrawals in time order: a choice per purpose and channel that flips over the
 * years, sometimes a do-not-contact request. Events carry e-mail and/or phone, sometimes the CRM id.
 */
final class ConsentEvents {
    private ConsentEvents() {}

    private static final String[] PURPOSES = {"marketing", "analytics", "personalization"};
    private static final String[] CHANNELS = {"email", "sms", "phone", "post"};
    private static final String[] SOURCES = {"web_form", "preference_center", "call_center", "app", "import"};
    private static final double[] SOURCE_WEIGHTS = {40, 25, 10, 15, 10};

    static void add(PersonView v, List<String> crmIds, List<SourceRecord> out) {
        GeneratorSettings.Consent consent = v.settings.systems().consent();
        int events = 1 + v.rng.poisson(consent.meanEvents() - 1);
        long[] times = new long[events];
        for (int i = 0; i < events; i++) {
            times[i] = v.momentAsCustomer();
        }
        Arrays.sort(times);
        Set<String> granted = new HashSet<>();
        for (int i = 0; i < events; i++) {
            String purpose;
            String channel;
            if (v.rng.chance(0.03)) {
                purpose = "do_not_contact";
                channel = "all";
            } else if (i == 0) {
                purpose = v.rng.chance(0.7) ? "marketing" : "analytics";
                channel = purpose.equals("marketing") ? "email" : "all";
            } else {
                purpose = v.rng.pick(PURPOSES);
                channel = purpose.equals("marketing") ? v.rng.pick(CHANNELS) : "all";
            }
            String choice = purpose + "/" + channel;
            // A do-not-contact request is granted; any other choice flips what was last recorded for it.
            String status = purpose.equals("do_not_contact") || !granted.contains(choice) ? "granted" : "withdrawn";
            if (status.equals("granted")) {
                granted.add(choice);
            } else {
                granted.remove(choice);
            }
            out.add(event(v, consent, crmIds, times[i], purpose, channel, status));
        }
    }

    private static SourceRecord event(
            PersonView v,
            GeneratorSettings.Consent consent,
            List<String> crmIds,
            long t,
            String purpose,
            String channel,
            String status) {
        FieldNoise n = v.noise;
        LocalDate day = Stamps.day(t);
        String source = SOURCES[v.rng.weighted(SOURCE_WEIGHTS)];
        boolean byPhone = source.equals("call_center") || channel.equals("sms") || channel.equals("phone");
        String email =
                v.rng.chance(byPhone ? 0.4 : 0.9) ? n.optional(Kind.EMAIL, n.email(v.person.emailOn(day))) : null;
        String phone = v.rng.chance(byPhone ? 0.95 : 0.25)
                ? n.optional(Kind.PHONE, n.phone(v.phoneDigits(), Phones.Style.E164))
                : null;
        if (email == null && phone == null) {
            email = v.person.emailOn(day);
        }
        return v.newRecord(Source.CONSENT_EVENTS)
                .put("email", email)
                .put("phone", phone)
                .put("crm_contact_id", !crmIds.isEmpty() && v.rng.chance(consent.crmIdRate()) ? crmIds.get(0) : null)
                .put("purpose", purpose)
                .put("channel", channel)
                .put("status", status)
                .put(
                        "event_time",
                        Stamps.isoLocal(
                                t,
                                Places.US.zone(v.person.addressOn(day).place().state())))
                .put("capture_source", v.rng.chance(0.95) ? source : null);
    }
}
