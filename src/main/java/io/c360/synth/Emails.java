package io.c360.synth;

import java.time.LocalDate;

/** E-mail addresses as people pick them, and the aliases of one mailbox that show up in forms. */
final class Emails {
    private Emails() {}

    private static final String[] DOMAINS = {
        "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "comcast.net",
        "att.net", "verizon.net", "msn.com", "live.com", "me.com", "protonmail.com", "sbcglobal.net",
        "ymail.com", "mail.com", "cox.net", "earthlink.net"
    };
    private static final double[] DOMAIN_WEIGHTS = {34, 12, 8, 7, 6, 4, 3, 2, 1.5, 1.5, 1.5, 1, 1, 1, 0.5, 0.5, 0.5, 0.5
    };
    private static final double[] OLD_DOMAIN_WEIGHTS = {15, 25, 20, 3, 2, 12, 5, 4, 3, 3, 2, 1, 0, 3, 2, 1, 1, 1};
    private static final double[] PATTERN_WEIGHTS = {24, 12, 12, 5, 9, 8, 5, 5, 10, 5, 5};
    private static final String[] TAGS = {"shop", "orders", "news", "promo", "acme", "deals", "store", "2024"};

    /**
     * A local part is kept as is only when fewer than {@link #MAX_HOLDERS} of a million persons are
     * expected to pick the same one; otherwise it gets digits, as real mailboxes are unique.
     */
    private static final double POPULATION = 1_000_000;

    private static final double MAX_HOLDERS = 0.0005;

    static String personal(Rng rng, String given, String surname, LocalDate birthDate, boolean older) {
        int domain = rng.weighted(older ? OLD_DOMAIN_WEIGHTS : DOMAIN_WEIGHTS);
        String g = Names.asciiLetters(given);
        String s = Names.asciiLetters(surname);
        if (g.isEmpty()) {
            g = "user";
        }
        if (s.isEmpty()) {
            s = "mail";
        }
        int pattern = rng.weighted(PATTERN_WEIGHTS);
        int year = birthDate.getYear() % 100;
        String yy = (year < 10 ? "0" : "") + year;
        String local = switch (pattern) {
            case 0 -> g + "." + s;
            case 1 -> g + s;
            case 2 -> g.charAt(0) + s;
            case 3 -> g + "_" + s;
            case 4 -> g + "." + s + rng.between(1, 99);
            case 5 -> g + s + yy;
            case 6 -> g + birthDate.getYear();
            case 7 -> s + "." + g;
            case 8 -> g + rng.between(100, 9999);
            case 9 -> g.charAt(0) + "" + s.charAt(0) + rng.between(1000, 99999);
            default -> s + g.charAt(0) + rng.between(1, 999);
        };
        double[] domainWeights = older ? OLD_DOMAIN_WEIGHTS : DOMAIN_WEIGHTS;
        double holders = POPULATION
                * localPartShare(pattern, given, surname)
                * domainWeights[domain]
                / 100
                * PATTERN_WEIGHTS[pattern]
                / 100;
        if (holders > MAX_HOLDERS) {
            local = local + rng.between(2, 9999);
        }
        return local + "@" + DOMAINS[domain];
    }

    /** The share of persons whose name and digits could yield the same local part under {@code pattern}. */
    private static double localPartShare(int pattern, String given, String surname) {
        double g = givenShare(given);
        double s = Names.US.surnames.share(surname);
        double initial = 0.07;
        return switch (pattern) {
            case 0, 1, 3, 7 -> g * s;
            case 2 -> initial * s;
            case 4 -> g * s / 99;
            case 5 -> g * s / 100;
            case 6 -> g / 80;
            case 8 -> g / 9900;
            case 9 -> initial * initial / 99_000;
            default -> s * initial / 999;
        };
    }

    /** One address a couple shares, e.g. {@code smithfamily@comcast.net}. */
    static String family(Rng rng, String surname, String givenA, String givenB, long uniqueness) {
        String s = Names.asciiLetters(surname);
        String a = Names.asciiLetters(givenA);
        String b = Names.asciiLetters(givenB);
        String local = switch (rng.below(3)) {
            case 0 -> s + "family";
            case 1 -> a + "and" + b;
            default -> "the" + s + "s";
        };
        return local + (uniqueness % 1000) + "@" + DOMAINS[rng.weighted(DOMAIN_WEIGHTS)];
    }

    /** The same mailbox written differently: gmail dots, a +tag, googlemail.com, or capitals. */
    static String alias(Rng rng, String email) {
        int at = email.indexOf('@');
        if (at <= 0) {
            return email;
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1);
        boolean gmail = domain.equals("gmail.com");
        int choice = rng.below(gmail ? 4 : 2);
        return switch (choice) {
            case 0 -> local + "+" + rng.pick(TAGS) + "@" + domain;
            case 1 -> capitalized(local) + "@" + capitalized(domain);
            case 2 -> toggleDot(rng, local) + "@" + domain;
            default -> local + "@googlemail.com";
        };
    }

    private static String toggleDot(Rng rng, String local) {
        if (local.contains(".")) {
            return local.replace(".", "");
        }
        if (local.length() < 3) {
            return local;
        }
        int i = rng.between(1, local.length() - 1);
        return local.substring(0, i) + "." + local.substring(i);
    }

    private static String capitalized(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(start ? Character.toUpperCase(c) : c);
            start = c == '.' || c == '_';
        }
        return b.toString();
    }

    private static double givenShare(String given) {
        return (Names.US.male.share(given) + Names.US.female.share(given)) / 2;
    }
}
