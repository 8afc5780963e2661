package io.c360.cli;

import io.c360.governance.ErasureRequest;
import picocli.CommandLine.Option;

/** The person of an erasure or access request: exactly one of {@code --email}, {@code --phone}, {@code --customer-id}. */
final class SubjectOptions {
    @Option(
            names = "--email",
            paramLabel = "E",
            description = "An e-mail address of the person (matched in silver's standardized form).")
    String email;

    @Option(
            names = "--phone",
            paramLabel = "P",
            description =
                    "A phone number of the person (matched in E.164; national numbers use silver's phone region).")
    String phone;

    @Option(
            names = "--customer-id",
            paramLabel = "ID",
            description = "The person's customer id (gold.customer, silver.customer_id_map).")
    String customerId;

    @Option(
            names = "--all-customers-sharing",
            description =
                    "With --email or --phone: take every customer whose records carry it. Without it, an e-mail or phone on"
                            + " the records of several customers (a household landline) is refused with exit code 3, listing them, nothing changed.")
    boolean allCustomersSharing;

    /** The request; none or several identifiers is an error (exit 1) before anything is read. */
    ErasureRequest request() {
        return ErasureRequest.of(email, phone, customerId, allCustomersSharing);
    }
}
