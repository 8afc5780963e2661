package io.c360.synth;

/** US phone numbers: unique per person by construction, and written the many ways people write them. */
final class Phones {
    private Phones() {}

    enum Style {
        E164,
        PAREN,
        DASHED,
        DOTTED,
        INTL_SPACED,
        DIGITS,
        ONE_DASHED,
        SPACED
    }

    private static final long SUBSCRIBERS = (long) Places.EXCHANGES.length * 10_000;

    /**
     * Ten digits: the area code, then an exchange and line given by a keyed permutation of {@code index},
     * so two indexes never share a number within an area code (for fewer than ~7.8 million indexes).
     */
    static String number(String areaCode, long index, long salt) {
        long n = Rng.permute(index, SUBSCRIBERS, salt);
        int exchange = Places.EXCHANGES[(int) (n / 10_000)];
        int line = (int) (n % 10_000);
        return areaCode + exchange + pad4(line);
    }

    static String format(String digits, Style style) {
        String a = digits.substring(0, 3);
        String e = digits.substring(3, 6);
        String l = digits.substring(6);
        return switch (style) {
            case E164 -> "+1" + digits;
            case PAREN -> "(" + a + ") " + e + "-" + l;
            case DASHED -> a + "-" + e + "-" + l;
            case DOTTED -> a + "." + e + "." + l;
            case INTL_SPACED -> "+1 " + a + " " + e + " " + l;
            case DIGITS -> digits;
            case ONE_DASHED -> "1-" + a + "-" + e + "-" + l;
            case SPACED -> a + " " + e + " " + l;
        };
    }

    private static String pad4(int n) {
        String s = Integer.toString(n);
        return "0".repeat(4 - s.length()) + s;
    }
}
