package io.c360.synth;

import io.c360.synth.GeneratorSettings.NoiseRates;
import java.time.LocalDate;
import java.util.Locale;

/**
 * How a true value gets written down in one record: nicknames, typos, lost accents, odd case, other
 * formats, blanks and placeholders, each at its {@link NoiseKind} rate. One instance serves one
 * person and draws from that person's random stream.
 */
final class FieldNoise {
    /** Field kinds, for the placeholders people type when they do not want to give a value. */
    enum Kind {
        NAME,
        EMAIL,
        PHONE,
        STREET,
        CITY,
        ZIP,
        DATE
    }

    /** How a record's names and address are cased. */
    enum Case {
        AS_IS,
        UPPER,
        LOWER
    }

    private static final String[][] JUNK = {
        {"Unknown", "N/A", "Test", "none", "xxx", "Customer"},
        {"test@test.com", "noemail@example.com", "none", "N/A", "na@na.com", "no@email.com", "unknown", "x@x.com"},
        {"000-000-0000", "1234567890", "555-555-5555", "N/A", "none", "9999999999", "0000000000"},
        {"N/A", "unknown", "123 Main St", "none", "TBD"},
        {"N/A", "unknown", "none", "Anytown"},
        {"00000", "99999", "N/A", "12345"},
        {"1900-01-01", "01/01/1900", "0000-00-00", "unknown"}
    };

    private static final String[] KEYBOARD_ROWS = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};

    private final Rng rng;
    private final NoiseRates rates;

    FieldNoise(Rng rng, NoiseRates rates) {
        this.rng = rng;
        this.rates = rates;
    }

    Rng rng() {
        return rng;
    }

    boolean happens(NoiseKind kind) {
        return rng.chance(rates.of(kind));
    }

    /** A given name as someone typed it: maybe a nickname, without accents, with a typo. */
    String given(String given) {
        String s = given;
        if (happens(NoiseKind.NICKNAME)) {
            String[] nicknames = Names.US.nicknames(given);
            if (nicknames != null) {
                s = rng.pick(nicknames);
            }
        }
        return spelled(s);
    }

    /** Any other name part: accents and typos. */
    String spelled(String name) {
        String s = name;
        if (happens(NoiseKind.ACCENT)) {
            s = toggleAccent(s);
        }
        if (happens(NoiseKind.TYPO)) {
            s = typo(s);
        }
        return s;
    }

    Case recordCase() {
        if (!happens(NoiseKind.MIXED_CASE)) {
            return Case.AS_IS;
        }
        return rng.chance(0.6) ? Case.UPPER : Case.LOWER;
    }

    static String cased(String s, Case c) {
        if (s == null) {
            return null;
        }
        return switch (c) {
            case AS_IS -> s;
            case UPPER -> s.toUpperCase(Locale.ROOT);
            case LOWER -> s.toLowerCase(Locale.ROOT);
        };
    }

    String email(String email) {
        String s = email;
        if (happens(NoiseKind.EMAIL_ALIAS)) {
            s = Emails.alias(rng, s);
        }
        if (happens(NoiseKind.TYPO)) {
            s = typo(s);
        }
        return s;
    }

    /** A phone in the system's usual style, or another one; typos swap two digits. */
    String phone(String digits, Phones.Style usual) {
        String d = digits;
        if (happens(NoiseKind.TYPO)) {
            int i = rng.between(3, d.length() - 2);
            d = d.substring(0, i) + d.charAt(i + 1) + d.charAt(i) + d.substring(i + 2);
        }
        Phones.Style style = happens(NoiseKind.PHONE_FORMAT) ? rng.pick(Phones.Style.values()) : usual;
        return Phones.format(d, style);
    }

    /** An optional field: sometimes blank, sometimes a placeholder instead of the value. */
    String optional(Kind kind, String value) {
        if (value == null || happens(NoiseKind.MISSING)) {
            return null;
        }
        if (happens(NoiseKind.JUNK)) {
            return rng.pick(JUNK[kind.ordinal()]);
        }
        return value;
    }

    /** A CRM birth date: typed in one of several formats, sometimes with day and month swapped. */
    String crmBirthDate(LocalDate date) {
        LocalDate d = maybeTransposed(date);
        if (!happens(NoiseKind.BIRTH_DATE_FORMAT)) {
            return d.toString();
        }
        String yyyy = Population.pad(d.getYear(), 4);
        String mm = Population.pad(d.getMonthValue(), 2);
        String dd = Population.pad(d.getDayOfMonth(), 2);
        return switch (rng.below(3)) {
            case 0 -> mm + "/" + dd + "/" + yyyy;
            case 1 -> dd + "." + mm + "." + yyyy;
            default -> yyyy + mm + dd;
        };
    }

    LocalDate maybeTransposed(LocalDate d) {
        if (d.getDayOfMonth() <= 12
                && d.getDayOfMonth() != d.getMonthValue()
                && happens(NoiseKind.DATE_TRANSPOSITION)) {
            return LocalDate.of(d.getYear(), d.getDayOfMonth(), d.getMonthValue());
        }
        return d;
    }

    /**
     * One typing error: a character inserted, deleted, replaced by a keyboard neighbour, or two swapped.
     * The first character stays: people rarely mistype the initial they start from.
     */
    String typo(String s) {
        if (s.length() < 3) {
            return s;
        }
        int i = rng.between(1, s.length() - 2);
        char c = s.charAt(i);
        return switch (rng.below(4)) {
            case 0 -> s.substring(0, i) + (rng.chance(0.5) ? c : neighbour(c)) + s.substring(i);
            case 1 -> s.substring(0, i) + s.substring(i + 1);
            case 2 -> s.substring(0, i) + neighbour(c) + s.substring(i + 1);
            default -> s.substring(0, i) + s.charAt(i + 1) + c + s.substring(i + 2);
        };
    }

    private char neighbour(char c) {
        char lower = Character.toLowerCase(c);
        for (String row : KEYBOARD_ROWS) {
            int at = row.indexOf(lower);
            if (at >= 0) {
                int j = at == 0 ? 1 : at == row.length() - 1 ? at - 1 : at + (rng.chance(0.5) ? 1 : -1);
                char n = row.charAt(j);
                return Character.isUpperCase(c) ? Character.toUpperCase(n) : n;
            }
        }
        return c;
    }

    private static String toggleAccent(String s) {
        String plain = Names.stripAccents(s);
        if (!plain.equals(s)) {
            return plain;
        }
        String accented = Names.US.accented(s);
        return accented == null ? s : accented;
    }
}
