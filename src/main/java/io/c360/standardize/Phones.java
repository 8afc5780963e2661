package io.c360.standardize;

import static org.apache.spark.sql.functions.udf;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/** Phone numbers to E.164 with libphonenumber; a number it does not consider valid becomes null. */
public final class Phones {
    private Phones() {}

    /** E.164 form ({@code +14155550134}) of a phone typed in any common format; {@code region} for national numbers. */
    public static String e164(String raw, String region) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        try {
            PhoneNumber number = util.parse(raw, region);
            return util.isValidNumber(number) ? util.format(number, PhoneNumberUtil.PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** {@link #e164} as a column function (a UDF: libphonenumber has no Spark built-in equivalent). */
    public static Column e164(Column raw, String region) {
        UserDefinedFunction f = udf((UDF1<String, String>) s -> e164(s, region), DataTypes.StringType);
        return f.apply(raw);
    }
}
