package io.c360.synth;

import io.c360.synth.Places.Place;
import java.util.Locale;

/** An address written down: USPS abbreviations as a rule, other spellings as address noise. */
final class AddressText {
    private AddressText() {}

    private static final String[][] DIRECTION_SPELLINGS = {
        {"N", "N.", "North"}, {"S", "S.", "South"}, {"E", "E.", "East"}, {"W", "W.", "West"}
    };

    /** Number, direction, street name and type, e.g. {@code 123 N Oak St}. */
    static String street(Address a, FieldNoise noise) {
        StringBuilder b = new StringBuilder().append(a.number()).append(' ');
        if (a.direction() != null) {
            b.append(abbreviated(noise) ? noise.rng().pick(spellings(a.direction())) : a.direction())
                    .append(' ');
        }
        String name = a.street();
        String ordinalWord = Places.ORDINAL_WORDS.get(name);
        if (ordinalWord != null && abbreviated(noise)) {
            name = ordinalWord;
        }
        if (noise.happens(NoiseKind.TYPO)) {
            name = noise.typo(name);
        }
        b.append(name).append(' ');
        b.append(abbreviated(noise) ? noise.rng().pick(a.type().spellings) : a.type().usps);
        return b.toString();
    }

    /** The unit, e.g. {@code Apt 4B}, or null. */
    static String unit(Address a, FieldNoise noise) {
        if (a.unit() == null) {
            return null;
        }
        String designator = abbreviated(noise) ? noise.rng().pick(a.unitType().spellings) : a.unitType().usps;
        return designator.equals("#") ? "#" + a.unit() : designator + " " + a.unit();
    }

    /** Street and unit on one line, as single-line address fields hold them. */
    static String line(Address a, FieldNoise noise) {
        String street = street(a, noise);
        String unit = unit(a, noise);
        if (unit == null) {
            return street;
        }
        return street + (noise.rng().chance(0.3) ? ", " : " ") + unit;
    }

    static String city(Place place, FieldNoise noise) {
        String city = place.city();
        if (abbreviated(noise)) {
            city = alternateCity(city, noise.rng());
        }
        return noise.happens(NoiseKind.TYPO) ? noise.typo(city) : city;
    }

    static String state(Place place, FieldNoise noise) {
        if (!abbreviated(noise)) {
            return place.state();
        }
        return noise.rng().chance(0.7)
                ? Places.US.stateName(place.state())
                : place.state().toLowerCase(Locale.ROOT);
    }

    /** Five digits as a rule; zip+4 or a lost leading zero as noise. */
    static String zip(Address a, FieldNoise noise) {
        String zip = a.zip();
        if (abbreviated(noise)) {
            zip = zip + "-" + Population.pad(noise.rng().between(1, 9999), 4);
        }
        if (zip.startsWith("0") && noise.happens(NoiseKind.ZIP_LEADING_ZERO_LOSS)) {
            zip = zip.substring(1);
        }
        return zip;
    }

    private static boolean abbreviated(FieldNoise noise) {
        return noise.happens(NoiseKind.ADDRESS_ABBREVIATION);
    }

    private static String[] spellings(String direction) {
        for (String[] s : DIRECTION_SPELLINGS) {
            if (s[0].equals(direction)) {
                return s;
            }
        }
        return new String[] {direction};
    }

    private static String alternateCity(String city, Rng rng) {
        if (city.startsWith("St. ")) {
            return (rng.chance(0.5) ? "Saint " : "St ") + city.substring(4);
        }
        if (city.startsWith("Saint ")) {
            return (rng.chance(0.5) ? "St. " : "St ") + city.substring(6);
        }
        if (city.startsWith("Fort ")) {
            return (rng.chance(0.5) ? "Ft. " : "Ft ") + city.substring(5);
        }
        if (city.equals("New York")) {
            return rng.chance(0.5) ? "New York City" : "NYC";
        }
        return city;
    }
}
