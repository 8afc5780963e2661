package io.c360.governance;

import io.c360.C360Exception;

/**
 * Who an erasure or access request is about: exactly one e-mail address, phone number or customer id, as given.
 *
 * @param allCustomersSharing whether an e-mail or phone on the records of several customers means all of them
 *     (otherwise such a request is refused: {@link SharedIdentifierException})
 */
public record ErasureRequest(Kind kind, String value, boolean allCustomersSharing) {
    /** The kind of identifier the request names (this, not the value, goes into the audit and into messages). */
    public enum Kind {
        email("e-mail"),
        phone("phone number"),
        customer_id("customer id");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }

        /** How messages name the identifier: "the given e-mail", never its value. */
        public String noun() {
            return noun;
        }
    }

    public ErasureRequest {
        if (value == null || value.isBlank()) {
            throw new C360Exception("the " + kind.noun() + " to look for is empty");
        }
        if (allCustomersSharing && kind == Kind.customer_id) {
            throw new C360Exception(
                    "--all-customers-sharing goes with --email or --phone: a customer id names one customer");
        }
        value = value.trim();
    }

    /** The one identifier among the options given; none or several is an error naming the options. */
    public static ErasureRequest of(String email, String phone, String customerId, boolean allCustomersSharing) {
        int given = (email != null ? 1 : 0) + (phone != null ? 1 : 0) + (customerId != null ? 1 : 0);
        if (given != 1) {
            throw new C360Exception((given == 0 ? "no subject given" : "several identifiers given")
                    + ": name the person with exactly one of --email, --phone or --customer-id");
        }
        return email != null
                ? new ErasureRequest(Kind.email, email, allCustomersSharing)
                : phone != null
                        ? new ErasureRequest(Kind.phone, phone, allCustomersSharing)
                        : new ErasureRequest(Kind.customer_id, customerId, allCustomersSharing);
    }
}
