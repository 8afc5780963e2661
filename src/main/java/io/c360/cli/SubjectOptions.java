package io.c360.cli;

import io.c360.governance.ErasureRequest;
import picocli.CommandLine.Option;

/** The person of an erasure or access request: exactly one of {@code --email}, {@code --phone}, {@code --customer-id}. */
final class SubjectOptions {
  @Option(names = "--email", paramLabel = "E", description = "An e-mail address of the person (matched in silver's standardized form).")
  String email;

  @Option(names = "--phone", paramLabel = "P", description = "A phone number of the person (matched in E.164; national numbers use silver's phone region).")
  String phone;

  @Option(names = "--customer-id", paramLabel = "ID", description = "The person's customer id (gold.customer, silver.customer_id_map).")
  String customerId;

  /** The request; none or several identifiers is an error (exit 1) before anything is read. */
  ErasureRequest request() {
    return ErasureRequest.of(email, phone, customerId);
  }
}
