package io.c360.steward;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An accuracy audit: who started it and when, its design ({@code size}, {@code seed}, the strata with
 * their populations and sample sizes), the answers so far and, once estimable, precision and recall
 * with 95 % intervals. Recall is among the pairs blocking compared: an upper bound on true recall.
 *
 * @param status {@code open} while answers are awaited, {@code complete} once every item is answered or
 *     the audit was finished early
 */
public record AuditSummary(
        String auditId,
        String status,
        String startedBy,
        Instant startedAt,
        Optional<Instant> completedAt,
        int size,
        long seed,
        int answered,
        List<Stratum> strata,
        Optional<Estimate> precision,
        Optional<Estimate> recall) {
    public static final String OPEN = "open";
    public static final String COMPLETE = "complete";

    public AuditSummary {
        strata = List.copyOf(strata);
    }
}
