package io.c360.governance;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * A subject's identifying strings (record ids, customer ids, signatures, e-mail addresses and phone
 * numbers as silver and as the sources wrote them) and a search for them in any text, e.g. a whole
 * row rendered as JSON. A needle only counts as a whole token, case-insensitively: the characters
 * around it must not be letters, digits or one of {@code . _ % + @ -}, so {@code ann@x.com} is not
 * found inside {@code joann@x.com} and {@code CRM-12} not inside {@code CRM-123}.
 */
public final class Needles implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Shorter strings are not searched for as text: they would be found by chance. */
    static final int MIN_LENGTH = 6;

    private final List<String> needles;

    public Needles(Collection<String> values) {
        Set<String> kept = new TreeSet<>();
        for (String v : values) {
            if (v != null && v.trim().length() >= MIN_LENGTH) {
                kept.add(v.trim().toLowerCase(Locale.ROOT));
            }
        }
        this.needles = List.copyOf(kept);
    }

    public boolean isEmpty() {
        return needles.isEmpty();
    }

    public int size() {
        return needles.size();
    }

    /** Whether the text holds any needle as a whole token. */
    public boolean foundIn(String text) {
        if (text == null || needles.isEmpty()) {
            return false;
        }
        String t = text.toLowerCase(Locale.ROOT);
        for (String n : needles) {
            for (int at = t.indexOf(n); at >= 0; at = t.indexOf(n, at + 1)) {
                if ((at == 0 || !tokenChar(t.charAt(at - 1)))
                        && (at + n.length() == t.length() || !tokenChar(t.charAt(at + n.length())))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean tokenChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '@' || c == '-';
    }

    /**
     * {@link #foundIn} as a column function. The needles travel inside the function, not as literals
     * in the expression: a Delta DELETE records its condition in the table history, which must not
     * name the person erased.
     */
    public Column foundIn(Column text) {
        Needles self = this;
        return functions
                .udf((UDF1<String, Boolean>) s -> self.foundIn(s), DataTypes.BooleanType)
                .asNonNullable()
                .withName("erasure_subject_text")
                .apply(text);
    }

    /** Whether a value is exactly one of {@code values}, as a column function that keeps the values out of the expression text. */
    static Column isOneOf(Column value, Set<String> values, String name) {
        Set<String> set = Set.copyOf(values);
        return functions
                .udf((UDF1<String, Boolean>) v -> v != null && set.contains(v), DataTypes.BooleanType)
                .asNonNullable()
                .withName(name)
                .apply(value);
    }
}
