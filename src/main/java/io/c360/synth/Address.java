package io.c360.synth;

import io.c360.synth.Places.Place;

/**
 * A true postal address. Its parts are kept apart so that each source system can spell them its
 * own way (see {@link AddressText}).
 *
 * @param direction N, S, E, W or null
 * @param street the street's name without its type, e.g. {@code Oak} or {@code 2nd}
 * @param unit the apartment or suite number, or null
 */
record Address(
        int number,
        String direction,
        String street,
        StreetType type,
        UnitType unitType,
        String unit,
        Place place,
        String zip) {

    /** Street types with their USPS abbreviation first, then the other spellings in use. */
    enum StreetType {
        STREET("St", "Street", "St.", "Str"),
        AVENUE("Ave", "Avenue", "Ave.", "Av"),
        ROAD("Rd", "Road", "Rd."),
        DRIVE("Dr", "Drive", "Dr."),
        LANE("Ln", "Lane", "Ln."),
        BOULEVARD("Blvd", "Boulevard", "Blvd.", "Boul"),
        COURT("Ct", "Court", "Ct."),
        PLACE("Pl", "Place", "Pl."),
        WAY("Way", "Way", "Wy"),
        TERRACE("Ter", "Terrace", "Terr"),
        CIRCLE("Cir", "Circle", "Cir."),
        PARKWAY("Pkwy", "Parkway", "Pkwy.");

        private static final double[] WEIGHTS = {30, 20, 12, 12, 8, 4, 5, 3, 3, 1, 1, 1};
        final String usps;
        final String[] spellings;

        StreetType(String usps, String... spellings) {
            this.usps = usps;
            this.spellings = spellings;
        }
    }

    /** Unit designators with their USPS abbreviation first. */
    enum UnitType {
        APARTMENT("Apt", "Apartment", "Apt.", "#"),
        UNIT("Unit", "Unit", "#"),
        SUITE("Ste", "Suite", "Ste.", "#");

        final String usps;
        final String[] spellings;

        UnitType(String usps, String... spellings) {
            this.usps = usps;
            this.spellings = spellings;
        }
    }

    private static final String[] DIRECTIONS = {"N", "S", "E", "W"};
    private static final String[] UNIT_LETTERS = {"A", "B", "C", "D"};

    static Address random(Rng rng, Place place) {
        // House numbers are roughly log-uniform: low numbers are common, five digits are rare.
        int number = (int) Math.round(StrictMath.exp(rng.unit() * StrictMath.log(20_000)));
        String direction = rng.chance(0.12) ? rng.pick(DIRECTIONS) : null;
        String street = rng.pick(Places.STREETS);
        StreetType type = StreetType.values()[rng.weighted(StreetType.WEIGHTS)];
        UnitType unitType = null;
        String unit = null;
        if (rng.chance(0.25)) {
            unitType = rng.chance(0.8) ? UnitType.APARTMENT : rng.chance(0.7) ? UnitType.UNIT : UnitType.SUITE;
            unit = rng.chance(0.3)
                    ? rng.between(1, 12) + rng.pick(UNIT_LETTERS)
                    : Integer.toString(rng.between(1, 450));
        }
        return new Address(Math.max(1, number), direction, street, type, unitType, unit, place, Places.zip(rng, place));
    }

    /** The USPS-style single line, e.g. {@code 123 N Oak St Apt 4B}. */
    String canonicalLine() {
        StringBuilder b = new StringBuilder().append(number).append(' ');
        if (direction != null) {
            b.append(direction).append(' ');
        }
        b.append(street).append(' ').append(type.usps);
        if (unit != null) {
            b.append(' ').append(unitType.usps).append(' ').append(unit);
        }
        return b.toString();
    }
}
