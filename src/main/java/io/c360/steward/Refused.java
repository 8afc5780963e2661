package io.c360.steward;

import io.c360.C360Exception;

/**
 * A steward's request that changes nothing, and why: the workbench answers with the status that says
 * so (400, 404, 409) and shows the message, which names keys and ids but never a person's data.
 */
public final class Refused extends C360Exception {
    /** What kind of refusal. */
    public enum Why {
        /** The request itself is wrong (a missing field, an unknown decision). */
        invalid,
        /** A customer, record, change or audit it names does not exist (any more). */
        not_found,
        /** It contradicts the lake as it is now (a split of every record, a change already revoked). */
        conflict
    }

    private final Why why;

    public Refused(Why why, String message) {
        super(message);
        this.why = why;
    }

    public Why why() {
        return why;
    }
}
