package io.c360.standardize;

import static org.apache.spark.sql.functions.lit;

import io.c360.config.C360Config;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * E-mail addresses and phone numbers in the form silver matches them: the same column functions
 * ({@link Standardize#email}, {@link Phones#e164}) with the same settings ({@code standardize:} of
 * {@code silver/identity.yaml}: canonical e-mail, phone region, junk placeholders). Erasure, access
 * and the bronze suppression check all compare these forms, so "John.Doe+news@GMail.com" and
 * "johndoe@gmail.com" are one subject, as they are one identity in silver.
 */
public final class Identifiers {
    /** Spots something that looks like an e-mail address inside free text (a raw quarantined line). */
    public static final String EMAIL_IN_TEXT = "[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}";
    /** Spots something that looks like a phone number inside free text; libphonenumber decides whether it is one. */
    public static final String PHONE_IN_TEXT = "\\+?\\(?[0-9][0-9 ().\\-]{5,}[0-9]";

    private final Standardization std;

    public Identifiers(Standardization std) {
        this.std = std;
    }

    /** The standardization of the configured silver folder ({@code identity.yaml}), or silver's defaults without one. */
    public static Identifiers forConfig(C360Config config) {
        return new Identifiers(config.definitions()
                .silver()
                .map(f -> Standardization.ofIdentityFile(f.resolve("identity.yaml")))
                .orElse(Standardization.defaults()));
    }

    public Standardization standardization() {
        return std;
    }

    /** A raw e-mail column in silver's form; null when it is not an address or a junk placeholder. */
    public Column email(Column raw) {
        return Standardize.unlessJunk(
                Standardize.email(raw, std.canonicalEmail(), std.emailDomains()),
                Standardize.text(raw),
                std.junk("email"));
    }

    /** A raw phone column in E.164 as silver has it; null when libphonenumber finds no valid number. */
    public Column phone(Column raw) {
        return Standardize.unlessJunk(Phones.e164(raw, std.phoneRegion()), Standardize.text(raw), std.junk("phone"));
    }

    /** One e-mail address typed on the command line, in silver's form. */
    public Optional<String> email(SparkSession spark, String raw) {
        return evaluate(spark, email(lit(raw)));
    }

    /** One phone number typed on the command line, in E.164. */
    public Optional<String> phone(SparkSession spark, String raw) {
        return evaluate(spark, phone(lit(raw)));
    }

    private static Optional<String> evaluate(SparkSession spark, Column value) {
        Row r = spark.range(1).select(value.as("v")).head();
        return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getString(0));
    }
}
