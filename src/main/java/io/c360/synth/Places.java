package io.c360.synth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * US geography for addresses and phones: real cities with their zip code ranges and area codes,
 * weighted by population ({@code us_places.csv}), and the states with their time zones.
 */
final class Places {
    /** A city; zip codes are drawn from [zipFrom, zipTo], phone numbers from its area codes. */
    record Place(String city, String state, int zipFrom, int zipTo, String[] areaCodes) {}

    static final String[] STREETS = {
        "Main",
        "Oak",
        "Pine",
        "Maple",
        "Cedar",
        "Elm",
        "Washington",
        "Lake",
        "Hill",
        "Park",
        "Walnut",
        "Church",
        "Spring",
        "High",
        "Mill",
        "Center",
        "Ridge",
        "Lincoln",
        "Jefferson",
        "Madison",
        "Franklin",
        "Jackson",
        "Adams",
        "Cherry",
        "Willow",
        "Highland",
        "Sunset",
        "River",
        "Meadow",
        "Forest",
        "Chestnut",
        "Birch",
        "Spruce",
        "Dogwood",
        "Magnolia",
        "Sycamore",
        "Hickory",
        "Laurel",
        "Valley",
        "Lakeview",
        "Broad",
        "Market",
        "Water",
        "Front",
        "Union",
        "Prospect",
        "Liberty",
        "Pleasant",
        "Railroad",
        "School",
        "Bridge",
        "Academy",
        "College",
        "Grant",
        "Monroe",
        "Sheridan",
        "Cleveland",
        "Green",
        "Holly",
        "Locust",
        "Mulberry",
        "Poplar",
        "Rose",
        "Vine",
        "Woodland",
        "Orchard",
        "Fairview",
        "Hillcrest",
        "Greenwood",
        "Kingston",
        "Lexington",
        "Windsor",
        "Cambridge",
        "Oxford",
        "Brookside",
        "Country Club",
        "Mountain View",
        "Canyon",
        "Mesa",
        "Vista",
        "El Camino",
        "Ocean",
        "Bay",
        "Shore",
        "Harbor",
        "Martin Luther King Jr",
        "Peachtree",
        "San Pedro",
        "Colorado",
        "Cypress",
        "Juniper",
        "Aspen",
        "Summit",
        "Heritage",
        "Meadowbrook",
        "Wilson",
        "1st",
        "2nd",
        "3rd",
        "4th",
        "5th",
        "6th",
        "7th",
        "8th",
        "9th",
        "10th",
        "11th",
        "12th"
    };

    /** Ordinal street names as some clerks spell them out. */
    static final Map<String, String> ORDINAL_WORDS = Map.ofEntries(
            Map.entry("1st", "First"),
            Map.entry("2nd", "Second"),
            Map.entry("3rd", "Third"),
            Map.entry("4th", "Fourth"),
            Map.entry("5th", "Fifth"),
            Map.entry("6th", "Sixth"),
            Map.entry("7th", "Seventh"),
            Map.entry("8th", "Eighth"),
            Map.entry("9th", "Ninth"),
            Map.entry("10th", "Tenth"),
            Map.entry("11th", "Eleventh"),
            Map.entry("12th", "Twelfth"));

    /** Central-office codes a real number can start with: no N11 service codes, no 555, no 950/958/959/976. */
    static final int[] EXCHANGES = exchanges();

    static final Places US = new Places();

    private final Place[] places;
    private final double[] weights;
    private final Map<String, String> stateNames = new HashMap<>();
    private final Map<String, ZoneId> zones = new HashMap<>();

    private Places() {
        List<Place> list = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        for (String[] row : rows("us_places.csv")) {
            list.add(new Place(row[0], row[1], Integer.parseInt(row[2]), Integer.parseInt(row[3]), row[4].split(" ")));
            w.add(Double.parseDouble(row[5]));
        }
        places = list.toArray(Place[]::new);
        weights = w.stream().mapToDouble(Double::doubleValue).toArray();
        for (String[] row : rows("us_states.csv")) {
            stateNames.put(row[0], row[1]);
            zones.put(row[0], ZoneId.of(row[2]));
        }
    }

    Place pick(Rng rng) {
        return places[rng.weighted(weights)];
    }

    /** Another city in the same state when there is one (most moves are local), else anywhere. */
    Place nearby(Rng rng, Place from) {
        for (int attempt = 0; attempt < 20; attempt++) {
            Place p = pick(rng);
            if (p != from && p.state().equals(from.state())) {
                return p;
            }
        }
        return pick(rng);
    }

    String stateName(String code) {
        return stateNames.getOrDefault(code, code);
    }

    ZoneId zone(String state) {
        return zones.getOrDefault(state, ZoneId.of("America/New_York"));
    }

    static String zip(Rng rng, Place place) {
        return pad5(rng.between(place.zipFrom(), place.zipTo()));
    }

    static String pad5(int zip) {
        String s = Integer.toString(zip);
        return "0".repeat(Math.max(0, 5 - s.length())) + s;
    }

    private static int[] exchanges() {
        List<Integer> out = new ArrayList<>();
        for (int e = 200; e <= 999; e++) {
            boolean serviceCode = e % 100 == 11;
            if (!serviceCode && e != 555 && e != 950 && e != 958 && e != 959 && e != 976) {
                out.add(e);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<String[]> rows(String resource) {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = Places.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    out.add(line.split(",", -1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return out;
    }
}
