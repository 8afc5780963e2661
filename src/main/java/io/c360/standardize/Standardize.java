package io.c360.standardize;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_remove;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.levenshtein;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.replace;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_element_at;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * Canonical forms of identity attributes, as Spark column expressions (no UDF where a built-in
 * does the job, so they stay inside the engine's generated code). Each function maps blank and
 * junk to null: a null never links two records, a shared junk value would.
 */
public final class Standardize {
    private static final String ACCENTED =
            "áàâäãåāăąçćčďéèêëēėęěíìîïīįłñńňóòôöõøōőŕřśšşťúùûüūůűųýÿžźżĺľÁÀÂÄÃÅĀĂĄÇĆČĎÉÈÊËĒĖĘĚÍÌÎÏĪĮŁÑŃŇÓÒÔÖÕØŌŐŔŘŚŠŞŤÚÙÛÜŪŮŰŲÝŸŽŹŻĹĽ";
    private static final String PLAIN =
            "aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooorrssstuuuuuuuuyyzzzllAAAAAAAAACCCDEEEEEEEEIIIIIILNNNOOOOOOOORRSSSTUUUUUUUUYYZZZLL";

    private Standardize() {}

    /** Text with accents folded to ASCII, lower-cased, punctuation to spaces, spaces collapsed; blank → null. */
    public static Column text(Column c) {
        // Literal replacements, not regular expressions, where no pattern is needed: a regular expression
        // turns the value into a Java string and back, and text() runs on every name, street and city.
        Column folded = translate(c, ACCENTED, PLAIN);
        for (String[] ligature : new String[][] {{"ß", "ss"}, {"æ", "ae"}, {"Æ", "ae"}}) {
            folded = replace(folded, lit(ligature[0]), lit(ligature[1]));
        }
        // one run of anything else, whitespace included, becomes one space
        Column cleaned = trim(regexp_replace(lower(folded), "[^a-z0-9]+", " "));
        return blankToNull(cleaned);
    }

    /** A name: {@link #text} without spaces and hyphens inside ("Mary-Ann" = "mary ann" = "maryann"). */
    public static Column name(Column c) {
        return blankToNull(replace(text(c), lit(" "), lit("")));
    }

    /** A value unless it is one of the blocklisted placeholders (compared after {@link #text}). */
    public static Column unlessJunk(Column value, Column asText, List<String> junk) {
        if (junk.isEmpty()) {
            return value;
        }
        return when(asText.isNull().or(asText.isin(junk.toArray())), lit(null)).otherwise(value);
    }

    /**
     * An email lower-cased and trimmed, with a mistyped domain corrected to the one of {@code knownDomains}
     * it is nearest to ({@code gmial.com} → {@code gmail.com}, {@code outlook.xom} → {@code outlook.com}):
     * one typing error away (two for domains of nine characters or more, so a swap of two letters
     * counts) and nearer to it than to any other listed domain; without a unique nearest domain, or with
     * none listed, it stays as written. With {@code canonical} also without a {@code +tag} and, for
     * Gmail, without dots in the local part (the mailbox Gmail delivers to). Not an email → null.
     */
    public static Column email(Column c, boolean canonical, List<String> knownDomains) {
        Column e = lower(trim(c));
        Column valid = when(e.rlike("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$"), e);
        // Null parts (not an email) make the whole address null. A valid address has exactly one '@'.
        Column user = substring_index(valid, "@", 1);
        Column written = substring_index(valid, "@", -1);
        Column domain = knownDomains.isEmpty() ? written : correctedDomain(written, knownDomains);
        if (!canonical) {
            return concat(user, lit("@"), domain);
        }
        Column local = substring_index(user, "+", 1);
        // a regular expression reads the (possibly searched) domain once, where a CASE would compute it twice
        Column mailbox = regexp_replace(domain, "^googlemail\\.com$", "gmail.com");
        Column gmailLocal = when(mailbox.equalTo("gmail.com"), replace(local, lit("."), lit("")))
                .otherwise(local);
        return concat(gmailLocal, lit("@"), mailbox);
    }

    /**
     * The listed domain nearest to {@code domain} within the allowed typing errors, if one is nearest;
     * else {@code domain}. Only a domain that is not listed is searched: the search's higher-order
     * functions run interpreted, row by row, and searching every address would make silver's
     * standardization several times slower. Each value the search reads twice is bound once by a
     * one-element {@code transform}, Spark's only way to name a value inside an expression.
     */
    private static Column correctedDomain(Column domain, List<String> knownDomains) {
        Column known = array(knownDomains.stream().map(functions::lit).toArray(Column[]::new));
        Column searched = element_at(
                transform(array(domain), written -> {
                    Column allowed = when(length(written).geq(9), lit(2)).otherwise(lit(1));
                    Column near = array_sort(filter(
                            transform(
                                    known,
                                    k -> struct(levenshtein(k, written, 2).as("distance"), k.as("domain"))),
                            candidate -> candidate.getField("distance").between(lit(0), allowed)));
                    // Elements are read only where they exist (element_at fails outside the array under ANSI mode).
                    Column nearestIfUnique = element_at(
                            transform(
                                    array(near),
                                    n -> when(
                                            size(n).equalTo(1)
                                                    .or(size(n).gt(1)
                                                            .and(element_at(n, 1)
                                                                    .getField("distance")
                                                                    .lt(element_at(n, 2)
                                                                            .getField("distance")))),
                                            element_at(n, 1).getField("domain"))),
                            1);
                    return coalesce(nearestIfUnique, written);
                }),
                1);
        return when(array_contains(known, domain), domain).otherwise(searched);
    }

    /**
     * {@code value}, or null when it is empty: the greatest element of {@code [value]} without empty
     * strings. Not {@code when(value <> '', value)} nor {@code nullif}: Spark evaluates their two
     * mentions of {@code value} twice, and these chains of regular expressions nest (a name is a text is
     * a chain), so every level doubled the work of the one inside it.
     */
    static Column blankToNull(Column value) {
        return array_max(array_remove(array(value), lit("")));
    }

    /** The first date that parses with one of the formats, tried in order. */
    public static Column date(Column c, List<String> formats) {
        Column t = trim(c);
        Column[] tries = formats.stream().map(f -> to_date(t, f)).toArray(Column[]::new);
        return coalesce(tries);
    }

    /**
     * A street line in canonical words: lower-case ASCII, common suffixes and directions abbreviated
     * ("Street" → "st", "North" → "n"), the unit ("Apt 4B", "#4B", "Suite 4B") removed (see {@link #unit}).
     */
    public static Column street(Column c, Map<String, String> abbreviations) {
        Column s = text(
                regexp_replace(c, "(?i)\\s*(,|\\b(apt|apartment|unit|suite|ste)\\b\\.?|#)\\s*[a-z0-9-]+\\s*$", ""));
        // text() leaves words of [a-z0-9] between single spaces, so a one-word abbreviation is one lookup per
        // word (one pass, instead of a regular expression per abbreviation); longer ones are still searched.
        Map<Boolean, List<Map.Entry<String, String>>> byWords = abbreviations.entrySet().stream()
                .collect(Collectors.partitioningBy(e -> e.getKey().matches("[a-z0-9]+")));
        if (!byWords.get(true).isEmpty()) {
            Column lookup = map(byWords.get(true).stream()
                    .flatMap(e -> Stream.of(lit(e.getKey()), lit(e.getValue())))
                    .toArray(Column[]::new));
            s = array_join(transform(split(s, " "), word -> coalesce(try_element_at(lookup, word), word)), " ");
        }
        for (Map.Entry<String, String> e : byWords.get(false)) {
            s = regexp_replace(s, "\\b" + e.getKey() + "\\b", e.getValue());
        }
        return blankToNull(s);
    }

    /** The house number at the start of a street line, if any. */
    public static Column houseNumber(Column street) {
        Column n = regexp_extract(trim(street), "^(\\d+[a-zA-Z]?)\\b", 1);
        return blankToNull(lower(n));
    }

    /** The unit of a street line ("Apt 4B", "#4B", "Suite 4B" → "4b"), if any. */
    public static Column unit(Column street) {
        Column u =
                regexp_extract(street, "(?i)(?:\\b(?:apt|apartment|unit|suite|ste)\\b\\.?|#)\\s*([a-z0-9-]+)\\s*$", 1);
        return blankToNull(lower(u));
    }

    /** A postcode: upper-case letters and digits only; US ZIP+4 cut to five digits. */
    public static Column postcode(Column c) {
        Column p = upper(regexp_replace(c, "[^A-Za-z0-9]", ""));
        Column zip5 = when(p.rlike("^\\d{9}$"), p.substr(1, 5)).otherwise(p);
        return blankToNull(zip5);
    }

    /** A national id as digits only; all-same or too-short digit strings are placeholders → null. */
    public static Column nationalId(Column c) {
        Column d = regexp_replace(c, "[^0-9]", "");
        return when(d.rlike("^\\d{6,}$").and(d.rlike("^(\\d)\\1+$").unary_$bang()), d);
    }

    /**
     * An identifier of any system (a customer number, a passport number): letters upper-cased and digits,
     * everything else dropped ("ab-123 45" = "AB12345"); one character repeated is a placeholder → null.
     */
    public static Column identifier(Column c) {
        Column d = upper(regexp_replace(c, "[^A-Za-z0-9]", ""));
        return blankToNull(when(d.rlike("^(.)\\1*$").unary_$bang(), d));
    }
}
