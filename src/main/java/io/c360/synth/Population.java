package io.c360.synth;

import io.c360.synth.GeneratorSettings.Households;
import io.c360.synth.Places.Place;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The true persons, planned one fixed block of {@link #BLOCK_SIZE} persons at a time from
 * (seed, block): households with a shared address and surname and sometimes a landline or family
 * e-mail, couples with a maiden name, twins, roommates, and households that moved.
 */
final class Population {
    static final int BLOCK_SIZE = 1000;

    private static final long MOBILE_SALT = 0x6d6f62696c65L;
    private static final long LANDLINE_SALT = 0x6c616e646cL;
    private static final long SSN_SALT = 0x73736eL;
    private static final String[] INITIALS = "ABCDEFGHIJKLMNOPRSTW".split("");

    private final GeneratorSettings settings;
    private final Households households;
    private final LocalDate historyStart;

    Population(GeneratorSettings settings) {
        this.settings = settings;
        this.households = settings.households();
        this.historyStart = settings.asOf().minusYears(settings.historyYears());
    }

    static int blockOf(long personIndex) {
        return (int) (personIndex / BLOCK_SIZE);
    }

    /** The persons of block {@code block}, in index order. */
    List<Person> block(int block) {
        long first = (long) block * BLOCK_SIZE;
        long end = Math.min(first + BLOCK_SIZE, settings.persons());
        Rng rng = Rng.of(settings.seed(), Rng.BLOCK, block);
        double[] sizeWeights = households.sizeWeights().stream()
                .mapToDouble(Double::doubleValue)
                .toArray();
        List<Person> out = new ArrayList<>();
        for (long i = first; i < end; ) {
            int size = (int) Math.min(1 + rng.weighted(sizeWeights), end - i);
            out.addAll(household(rng, i, size));
            i += size;
        }
        return out;
    }

    /** A person as planned before contact details: what household members share or derive from each other. */
    private static final class Member {
        String gender;
        String given;
        String surname;
        String maidenName;
        LocalDate marriedOn;
        LocalDate birthDate;
        boolean partner;
        int twin = -1;
    }

    /** Who lives together: one adult, roommates, or a family of a parent or couple and adult children. */
    private List<Member> members(Rng rng, int size) {
        List<Member> members = new ArrayList<>();
        if (size == 1) {
            members.add(adult(rng, adultAge(rng), randomGender(rng), Names.US.surnames.pick(rng)));
            return members;
        }
        if (rng.chance(households.roommateRate())) {
            for (int m = 0; m < size; m++) {
                members.add(adult(rng, rng.between(19, 45), randomGender(rng), Names.US.surnames.pick(rng)));
            }
            return members;
        }
        boolean couple = rng.chance(0.85);
        int children = size - (couple ? 2 : 1);
        String familyName = Names.US.surnames.pick(rng);
        int parentAge = children > 0 ? rng.between(38, 80) : adultAge(rng);
        Member parent = adult(rng, parentAge, randomGender(rng), familyName);
        members.add(parent);
        if (couple) {
            String gender = rng.chance(0.92) ? opposite(parent.gender) : parent.gender;
            Member partner = adult(rng, Math.max(18, parentAge + rng.between(-6, 6)), gender, familyName);
            partner.partner = true;
            members.add(partner);
            marry(rng, "F".equals(parent.gender) && !"F".equals(gender) ? parent : partner, familyName);
        }
        for (int c = 0; c < children; c++) {
            members.add(adult(rng, rng.between(18, Math.min(parentAge - 20, 50)), randomGender(rng), familyName));
        }
        int eldest = couple ? 2 : 1;
        if (children >= 2 && rng.chance(households.twinRate())) {
            twins(rng, members.get(eldest), members.get(eldest + 1));
            members.get(eldest).twin = eldest + 1;
            members.get(eldest + 1).twin = eldest;
        }
        return members;
    }

    private List<Person> household(Rng rng, long first, int size) {
        List<Member> members = members(rng, size);
        Place place = Places.US.pick(rng);
        Address address = Address.random(rng, place);
        Address previousAddress = null;
        LocalDate movedOn = null;
        if (rng.chance(settings.noise().of(NoiseKind.MOVE))) {
            previousAddress = Address.random(rng, Places.US.nearby(rng, place));
            movedOn = day(rng, historyStart.plusDays(180), settings.asOf().minusDays(30));
        }
        String landline = rng.chance(households.sharedLandlineRate())
                ? Phones.number(rng.pick(place.areaCodes()), first, settings.seed() ^ LANDLINE_SALT)
                : null;
        boolean couple = members.size() > 1 && members.get(1).partner;
        String familyEmail = couple && rng.chance(households.sharedEmailRate())
                ? Emails.family(rng, members.get(0).surname, members.get(0).given, members.get(1).given, first)
                : null;

        String householdId = "H" + pad(first);
        List<Person> out = new ArrayList<>(size);
        for (int m = 0; m < size; m++) {
            Member member = members.get(m);
            long index = first + m;
            String email = m < 2 && familyEmail != null
                    ? familyEmail
                    : Emails.personal(rng, member.given, member.surname, member.birthDate, false);
            String previousEmail = null;
            LocalDate emailChangedOn = null;
            if (rng.chance(settings.noise().of(NoiseKind.EMAIL_CHANGE))) {
                boolean marriedLately = member.marriedOn != null && member.marriedOn.isAfter(historyStart.plusDays(60));
                emailChangedOn = marriedLately
                        ? min(
                                member.marriedOn.plusDays(rng.between(10, 300)),
                                settings.asOf().minusDays(10))
                        : day(rng, historyStart.plusDays(60), settings.asOf().minusDays(30));
                String oldSurname = marriedLately ? member.maidenName : member.surname;
                previousEmail = Emails.personal(rng, member.given, oldSurname, member.birthDate, true);
            }
            // People keep their mobile number when they move, so a quarter has another region's area code.
            Place mobileRegion = rng.chance(0.75) ? place : Places.US.pick(rng);
            String mobile = Phones.number(rng.pick(mobileRegion.areaCodes()), index, settings.seed() ^ MOBILE_SALT);
            String middle = rng.chance(0.7) ? rng.pick(INITIALS) : null;
            LocalDate since = day(rng, historyStart, settings.asOf().minusDays(14));
            out.add(new Person(
                    index,
                    personId(index),
                    householdId,
                    member.twin >= 0 ? personId(first + member.twin) : null,
                    member.gender,
                    member.given,
                    middle,
                    member.surname,
                    member.maidenName,
                    member.marriedOn,
                    member.birthDate,
                    ssn(index),
                    email,
                    previousEmail,
                    emailChangedOn,
                    mobile,
                    landline,
                    address,
                    previousAddress,
                    movedOn,
                    since));
        }
        return out;
    }

    private Member adult(Rng rng, int age, String gender, String surname) {
        Member m = new Member();
        m.gender = gender;
        m.given = givenName(rng, gender);
        m.surname = surname;
        m.birthDate = settings.asOf().minusYears(age).minusDays(rng.between(1, 364));
        return m;
    }

    /** The partner who took the family surname keeps the old one as maiden name; some hyphenate. */
    private void marry(Rng rng, Member changer, String familyName) {
        String own = Names.US.surnames.pick(rng);
        if (own.equals(familyName)) {
            return;
        }
        LocalDate earliest =
                max(changer.birthDate.plusYears(20), settings.asOf().minusYears(40));
        if (!rng.chance(households.nameChangeRate())
                || earliest.isAfter(settings.asOf().minusDays(30))) {
            changer.surname = own;
            return;
        }
        changer.maidenName = own;
        changer.surname = rng.chance(0.08) ? own + "-" + familyName : familyName;
        changer.marriedOn = day(rng, earliest, settings.asOf().minusDays(30));
    }

    /** Twins share the birth date; their names differ, and half the time sound alike. */
    private void twins(Rng rng, Member a, Member b) {
        b.birthDate = a.birthDate;
        String similar = Names.similar(a.given);
        if (similar != null && rng.chance(0.5)) {
            b.given = similar;
            b.gender = Names.US.female.share(similar) > Names.US.male.share(similar) ? "F" : "M";
            return;
        }
        for (int attempt = 0; attempt < 5 && b.given.equals(a.given); attempt++) {
            b.given = givenName(rng, b.gender);
        }
    }

    private static String givenName(Rng rng, String gender) {
        return switch (gender) {
            case "F" -> Names.US.female.pick(rng);
            case "M" -> Names.US.male.pick(rng);
            default -> rng.chance(0.5) ? Names.US.female.pick(rng) : Names.US.male.pick(rng);
        };
    }

    private static String randomGender(Rng rng) {
        return rng.chance(0.005) ? "X" : rng.chance(0.5) ? "F" : "M";
    }

    private static String opposite(String gender) {
        return "F".equals(gender) ? "M" : "F";
    }

    /** Adult customers' ages: 18 to 90, most between 25 and 60. */
    private static int adultAge(Rng rng) {
        return 18 + (int) (72 * StrictMath.pow(rng.unit(), 1.4));
    }

    /** A unique, valid-looking SSN (area 001-899 but not 666, group 01-99, serial 0001-9999) per index. */
    private String ssn(long index) {
        long space = 898L * 99 * 9999;
        long n = Rng.permute(index, space, settings.seed() ^ SSN_SALT);
        int area = (int) (n / (99L * 9999)) + 1;
        int group = (int) (n / 9999 % 99) + 1;
        int serial = (int) (n % 9999) + 1;
        if (area >= 666) {
            area++;
        }
        return pad(area, 3) + "-" + pad(group, 2) + "-" + pad(serial, 4);
    }

    static String personId(long index) {
        return "P" + pad(index);
    }

    static LocalDate day(Rng rng, LocalDate from, LocalDate to) {
        long days = ChronoUnit.DAYS.between(from, to);
        return days <= 0 ? from : from.plusDays(rng.betweenLong(0, days));
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static String pad(long n) {
        return pad(n, 9);
    }

    static String pad(long n, int width) {
        String s = Long.toString(n);
        return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
