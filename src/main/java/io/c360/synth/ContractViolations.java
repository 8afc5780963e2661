package io.c360.synth;

/**
 * Breaks a record's data contract in one of the ways real extracts do: a missing required value, a
 * bad timestamp or date, a non-numeric amount, a value outside the allowed set. Bronze must
 * quarantine such rows; a row without its id gets no truth row, since no id can name it.
 */
final class ContractViolations {
    private ContractViolations() {}

    static void apply(SourceRecord r, Rng rng) {
        if (rng.chance(0.2)) {
            r.put(r.source.key(), r.source.format == Source.Format.CSV ? "" : null);
            return;
        }
        switch (r.source) {
            case CRM_CONTACTS ->
                oneOf(
                        rng,
                        r,
                        () -> r.put(
                                "created_at",
                                rng.pick(new String[] {"2024-02-30 25:61:00", "31/12/2023 10:00", "yesterday"})),
                        () -> r.put("created_at", null),
                        () -> r.put("gender", rng.pick(new String[] {"Male", "female", "?"})));
            case BILLING_ACCOUNTS ->
                oneOf(
                        rng,
                        r,
                        () -> r.put("opened_on", rng.pick(new String[] {"03/15/2023", "2023-02-30", "n/a"})),
                        () -> r.put("status", rng.pick(new String[] {"pending", "ACTIVE", "deleted"})),
                        () -> r.put("tax_id", rng.pick(new String[] {"12-345-678", "SSN on file", "1234567890"})),
                        () -> r.put("account_name", null));
            case SUPPORT_TICKETS ->
                oneOf(
                        rng,
                        r,
                        () -> r.put(
                                "created_at",
                                rng.pick(new String[] {"not a date", "2024-13-01T10:00:00Z", "12/01/2024 10:00"})),
                        () -> r.put("status", rng.pick(new String[] {"new", "escalated", "Resolved"})),
                        () -> r.put("satisfaction", rng.chance(0.5) ? (Object) 7 : "five"),
                        () -> r.put("priority", "critical"));
            case WEB_EVENTS ->
                oneOf(
                        rng,
                        r,
                        () -> r.put("anonymous_id", null),
                        () -> r.put("event_type", rng.pick(new String[] {"click", "scroll", "PageView"})),
                        () -> r.put(
                                "event_time", rng.pick(new String[] {"1700000000000", "2024-06-31T12:00:00Z", "now"})));
            case ECOMMERCE_ORDERS ->
                oneOf(
                        rng,
                        r,
                        () -> r.put("total_amount", rng.pick(new String[] {"12,50", "N/A", "$45.00", "-5.00"})),
                        () -> r.put("status", rng.pick(new String[] {"refunded", "processing", "SHIPPED"})),
                        () -> r.put("currency", rng.pick(new String[] {"usd", "US$", ""})),
                        () -> r.put("item_count", rng.pick(new String[] {"0", "two"})),
                        () -> r.put("order_time", "2024-06-31 12:00:00"));
            case CONSENT_EVENTS ->
                oneOf(
                        rng,
                        r,
                        () -> r.put("purpose", "newsletter"),
                        () -> r.put("channel", "whatsapp"),
                        () -> r.put("status", rng.pick(new String[] {"revoked", "opt-out"})),
                        () -> r.put("event_time", rng.pick(new String[] {null, "last tuesday"})));
        }
    }

    private static void oneOf(Rng rng, SourceRecord r, Runnable... violations) {
        violations[rng.below(violations.length)].run();
    }
}
