package io.c360.governance;

import io.c360.C360Exception;

/** Who an erasure or access request is about: exactly one e-mail address, phone number or customer id, as given. */
public record ErasureRequest(Kind kind, String value) {
  /** The kind of identifier the request names (this, not the value, goes into the audit). */
  public enum Kind { email, phone, customer_id }

  public ErasureRequest {
    if (value == null || value.isBlank()) {
      throw new C360Exception("the " + kind.name().replace('_', ' ') + " to look for is empty");
    }
    value = value.trim();
  }

  /** The one identifier among the options given; none or several is an error naming the options. */
  public static ErasureRequest of(String email, String phone, String customerId) {
    int given = (email != null ? 1 : 0) + (phone != null ? 1 : 0) + (customerId != null ? 1 : 0);
    if (given != 1) {
      throw new C360Exception((given == 0 ? "no subject given" : "several identifiers given")
          + ": name the person with exactly one of --email, --phone or --customer-id");
    }
    return email != null ? new ErasureRequest(Kind.email, email)
        : phone != null ? new ErasureRequest(Kind.phone, phone)
        : new ErasureRequest(Kind.customer_id, customerId);
  }
}
