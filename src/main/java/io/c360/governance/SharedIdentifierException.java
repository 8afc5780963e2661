package io.c360.governance;

import io.c360.C360Exception;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An e-mail address or phone number on the records of several customers (a household landline, a family
 * address): erasure cannot be undone, so such a request is refused, nothing changed, unless it says all of
 * them ({@link ErasureRequest#allCustomersSharing}). The message lists the customers by id, record count and
 * source, and holds no other personal data (not the identifier either).
 */
public final class SharedIdentifierException extends C360Exception {
    /** The command line's exit code for this refusal, so a script can tell it from a failure. */
    public static final int EXIT_CODE = 3;

    private final transient List<Subject.Customer> customers;

    SharedIdentifierException(ErasureRequest.Kind kind, List<Subject.Customer> customers) {
        super("the given " + kind.noun() + " is on the records of " + customers.size()
                + " customers; nothing was changed."
                + " Check who they are (c360 access --customer-id ID), then name the person by --customer-id, or repeat"
                + " the request with --all-customers-sharing to take all of them:\n"
                + customers.stream().map(c -> "  " + c).collect(Collectors.joining("\n")));
        this.customers = List.copyOf(customers);
    }

    public List<Subject.Customer> customers() {
        return customers;
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }
}
