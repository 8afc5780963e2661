package io.c360.synth;

import io.c360.synth.FieldNoise.Kind;
import java.time.LocalDate;
import java.util.List;

/** Help-desk tickets: requester name as the customer signed, e-mail for written channels, caller id for calls. */
final class SupportTickets {
    private SupportTickets() {}

    private static final String[] SUBJECTS = {
        "Can't log in to my account",
        "Where is my order?",
        "Refund request",
        "Update my shipping address",
        "Question about my bill",
        "Cancel my subscription",
        "Package arrived damaged",
        "Change my email address",
        "Password reset not working",
        "Wrong item received",
        "Charged twice",
        "How do I return an item?",
        "Unsubscribe me from marketing emails",
        "Delete my data (privacy request)",
        "App keeps crashing",
        "Promo code doesn't work",
        "Order never arrived",
        "Need an invoice copy"
    };
    private static final String[] CHANNELS = {"email", "web", "chat", "phone"};
    private static final double[] CHANNEL_WEIGHTS = {35, 30, 20, 15};
    private static final String[] PRIORITIES = {"low", "normal", "high", "urgent"};
    private static final double[] PRIORITY_WEIGHTS = {25, 55, 15, 5};
    private static final double[] SATISFACTION_WEIGHTS = {8, 5, 10, 27, 50};

    static void add(PersonView v, List<SourceRecord> out) {
        int tickets = 1 + v.rng.poisson(v.settings.systems().support().meanTickets() - 1);
        for (int i = 0; i < tickets; i++) {
            out.add(ticket(v));
        }
    }

    private static SourceRecord ticket(PersonView v) {
        Person p = v.person;
        FieldNoise n = v.noise;
        long created = v.momentAsCustomer();
        LocalDate day = Stamps.day(created);
        String channel = CHANNELS[v.rng.weighted(CHANNEL_WEIGHTS)];
        boolean call = channel.equals("phone");
        long ageSeconds = v.asOf().toEpochDay() * Stamps.DAY - created;
        String status;
        Long solved = null;
        long resolution = v.rng.betweenLong(600, 10 * Stamps.DAY);
        if (ageSeconds > 30 * Stamps.DAY || (resolution < ageSeconds && v.rng.chance(0.6))) {
            status = v.rng.chance(0.6) ? "closed" : "solved";
            solved = created + Math.min(resolution, ageSeconds - 1);
        } else {
            status = v.rng.chance(0.6) ? "open" : "pending";
        }
        return v.newRecord(Source.SUPPORT_TICKETS)
                .put("requester_name", v.rng.chance(0.9) ? requesterName(v, day) : null)
                .put(
                        "requester_email",
                        v.rng.chance(call ? 0.5 : 0.95) ? n.optional(Kind.EMAIL, n.email(p.emailOn(day))) : null)
                .put(
                        "requester_phone",
                        v.rng.chance(call ? 0.9 : 0.2)
                                ? n.optional(Kind.PHONE, n.phone(v.phoneDigits(), Phones.Style.E164))
                                : null)
                .put("subject", v.rng.pick(SUBJECTS))
                .put("channel", channel)
                .put("status", status)
                .put("priority", v.rng.chance(0.9) ? PRIORITIES[v.rng.weighted(PRIORITY_WEIGHTS)] : null)
                .put("created_at", Stamps.isoUtc(created))
                .put("solved_at", solved == null ? null : Stamps.isoUtc(solved))
                .put(
                        "satisfaction",
                        solved != null && v.rng.chance(0.35) ? 1 + v.rng.weighted(SATISFACTION_WEIGHTS) : null);
    }

    /** "First Last", only the first name, or "First L.", as people sign messages. */
    private static String requesterName(PersonView v, LocalDate day) {
        String[] names = v.names(day, v.noise.recordCase());
        double x = v.rng.unit();
        if (x < 0.7) {
            return names[0] + " " + names[1];
        }
        if (x < 0.88) {
            return names[0];
        }
        return names[0] + " " + (names[1].isEmpty() ? "" : names[1].charAt(0) + ".");
    }
}
