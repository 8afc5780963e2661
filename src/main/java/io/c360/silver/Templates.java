package io.c360.silver;

import io.c360.config.ConfigReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Comparison templates: the levels a comparison of one attribute gets from its type, so a matching file
 * says {@code {attribute: occupation, template: text}} instead of writing SQL. Each template lists its
 * levels strictest first; docs/matching.md documents them. Levels read the standardized attribute as
 * {@code l.<attribute>} and {@code r.<attribute>}.
 */
public final class Templates {
    private Templates() {}

    /** The templates there are, each named as written in YAML. */
    public enum Template {
        GIVEN_NAME,
        SURNAME,
        NAME,
        FULL_NAME,
        DATE,
        EMAIL,
        PHONE,
        POSTCODE,
        PLACE,
        STREET,
        ADDRESS,
        IDENTIFIER,
        CATEGORY,
        TEXT,
        NUMBER;

        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Template parse(String written) {
            String wanted = written.trim().toUpperCase(Locale.ROOT);
            return Arrays.stream(values())
                    .filter(t -> t.name().equals(wanted))
                    .findFirst()
                    .orElseThrow(() -> new ConfigReader.InvalidSetting(
                            "template",
                            "expected one of "
                                    + Arrays.stream(values())
                                            .map(Template::yamlName)
                                            .collect(Collectors.joining(", "))
                                    + " but was '" + written + "'"));
        }

        /** The template that compares attributes of a type. */
        public static Template of(AttributeType type) {
            return switch (type) {
                case NAME -> NAME;
                case GIVEN_NAME -> GIVEN_NAME;
                case SURNAME -> SURNAME;
                case FULL_NAME -> FULL_NAME;
                case DATE -> DATE;
                case EMAIL -> EMAIL;
                case PHONE -> PHONE;
                case POSTCODE -> POSTCODE;
                case PLACE -> PLACE;
                case STREET -> STREET;
                case IDENTIFIER -> IDENTIFIER;
                case CATEGORY -> CATEGORY;
                case TEXT -> TEXT;
                case NUMBER -> NUMBER;
            };
        }
    }

    /**
     * A templated comparison as written: the attribute, the template (absent: the attribute type's) and
     * the optional parameters. {@code thresholds} are the similarity bands (Jaro-Winkler for names,
     * places, streets and text; the relative difference for numbers); {@code tf} switches the term
     * frequency adjustment of the exact level; {@code m} pins levels' m by level name;
     * {@code uFromValueCounts} counts u of the exact level over all identities (see
     * {@link MatchingConfig.Level}); {@code with} names the attributes a template reads besides its own
     * (the surname a given name may be swapped with; the postcode and place of an address).
     */
    public record Spec(
            String name,
            String attribute,
            Optional<Template> template,
            Optional<List<Double>> thresholds,
            Optional<Boolean> tf,
            Map<String, Double> m,
            boolean uFromValueCounts,
            Map<String, String> with,
            Optional<String> nullWhen) {
        public Spec {
            m = Map.copyOf(m);
            with = Map.copyOf(with);
        }
    }

    /** The comparison a template spec expands to for an attribute of {@code type}. */
    public static MatchingConfig.Comparison expand(Spec spec, AttributeType type) {
        Template template = spec.template().orElse(Template.of(type));
        String a = spec.attribute();
        Levels levels = new Levels(spec);
        String nullWhen = "l." + a + " IS NULL OR r." + a + " IS NULL";
        switch (template) {
            case GIVEN_NAME -> {
                levels.exact();
                if (a.equals("given_name")) {
                    // the variants (the name and the names it is a nickname of) are built for given_name alone
                    levels.add("nickname", "arrays_overlap(l.given_name_variants, r.given_name_variants)");
                }
                levels.jaroWinkler(0.92, 0.80);
                levels.add(
                        "swapped_with_surname", "l." + a + " = r." + spec.with().getOrDefault("surname", "surname"));
            }
            case SURNAME -> {
                // 'Bob S.': a surname given as its initial only agrees with any surname of that initial
                levels.add(
                        "initial",
                        "(length(l." + a + ") = 1 OR length(r." + a + ") = 1) AND substr(l." + a + ", 1, 1) = substr(r."
                                + a + ", 1, 1)");
                levels.exact();
                levels.jaroWinkler(0.92, 0.80);
                levels.add(
                        "swapped_with_given_name",
                        "l." + a + " = r." + spec.with().getOrDefault("given_name", "given_name"));
            }
            case NAME, PLACE -> {
                levels.exact();
                levels.jaroWinkler(template == Template.NAME ? new double[] {0.92, 0.80} : new double[] {0.90});
            }
            case FULL_NAME -> {
                levels.exact();
                levels.add(
                        "same_words_any_order",
                        "array_sort(split(l." + a + ", ' ')) = array_sort(split(r." + a + ", ' '))");
                levels.jaroWinkler(0.92);
                levels.add("shared_word", "arrays_overlap(split(l." + a + ", ' '), split(r." + a + ", ' '))");
            }
            case DATE -> {
                levels.add("exact", "l." + a + " = r." + a);
                levels.add(
                        "day_month_swapped",
                        "year(l." + a + ") = year(r." + a + ") AND month(l." + a + ") = day(r." + a + ") AND day(l." + a
                                + ") = month(r." + a + ")");
                levels.add(
                        "one_char_off",
                        "levenshtein(date_format(l." + a + ", 'yyyyMMdd'), date_format(r." + a
                                + ", 'yyyyMMdd'), 1) >= 0");
                levels.add("same_year", "year(l." + a + ") = year(r." + a + ")");
            }
            case EMAIL -> {
                levels.add("exact", "l." + a + " = r." + a, spec.uFromValueCounts() ? a : null);
                levels.add("same_user", "substring_index(l." + a + ", '@', 1) = substring_index(r." + a + ", '@', 1)");
                levels.add(
                        "user_levenshtein_2",
                        "levenshtein(substring_index(l." + a + ", '@', 1), substring_index(r." + a
                                + ", '@', 1), 2) >= 0");
            }
            case PHONE -> {
                levels.add("exact", "l." + a + " = r." + a, spec.uFromValueCounts() ? a : null);
                levels.add(
                        "digits_swapped",
                        "levenshtein(l." + a + ", r." + a + ", 2) >= 0 AND array_sort(split(l." + a
                                + ", '')) = array_sort(split(r." + a + ", ''))");
                levels.add("one_digit_off", "levenshtein(l." + a + ", r." + a + ", 1) >= 0");
            }
            case POSTCODE -> {
                levels.exact();
                levels.add("one_char_off", "levenshtein(l." + a + ", r." + a + ", 1) >= 0");
            }
            case STREET -> {
                levels.exact();
                levels.add(
                        "similar_street_same_number",
                        "substring_index(l." + a + ", ' ', 1) = substring_index(r." + a
                                + ", ' ', 1) AND substring_index(l." + a
                                + ", ' ', 1) RLIKE '^[0-9]' AND jaro_winkler(l." + a + ", r." + a + ") >= 0.85");
                levels.jaroWinkler(0.92);
            }
            case ADDRESS -> {
                String postcode = spec.with().getOrDefault("postcode", "postcode");
                String place = spec.with().getOrDefault("place", "city");
                nullWhen = "(l." + a + " IS NULL AND l." + postcode + " IS NULL AND l." + place + " IS NULL) OR (r." + a
                        + " IS NULL AND r." + postcode + " IS NULL AND r." + place + " IS NULL)";
                levels.add(
                        "same_street_and_postcode", "l." + a + " = r." + a + " AND l." + postcode + " = r." + postcode);
                levels.add("same_street_and_place", "l." + a + " = r." + a + " AND l." + place + " = r." + place);
                levels.add(
                        "similar_street_same_place",
                        "substring_index(l." + a + ", ' ', 1) = substring_index(r." + a
                                + ", ' ', 1) AND substring_index(l."
                                + a + ", ' ', 1) RLIKE '^[0-9]' AND jaro_winkler(l." + a + ", r." + a
                                + ") >= 0.85 AND (l." + postcode + " = r." + postcode + " OR l." + place + " = r."
                                + place
                                + ")");
                levels.add("same_postcode", "l." + postcode + " = r." + postcode, null, postcode);
                levels.add("same_place", "l." + place + " = r." + place);
            }
            case IDENTIFIER -> {
                levels.add("exact", "l." + a + " = r." + a, spec.uFromValueCounts() ? a : null);
                levels.add("one_char_off", "levenshtein(l." + a + ", r." + a + ", 1) >= 0");
            }
            case CATEGORY -> levels.add("same", "l." + a + " = r." + a);
            case TEXT -> {
                levels.exact();
                levels.jaroWinkler(0.90);
                levels.add("shared_word", "arrays_overlap(split(l." + a + ", ' '), split(r." + a + ", ' '))");
            }
            case NUMBER -> {
                levels.add("exact", "l." + a + " = r." + a);
                double tolerance = spec.thresholds().map(t -> t.get(0)).orElse(0.01);
                levels.add(
                        "within_" + percent(tolerance),
                        "abs(l." + a + " - r." + a + ") <= " + tolerance + " * greatest(abs(l." + a + "), abs(r." + a
                                + "))");
            }
        }
        return new MatchingConfig.Comparison(
                spec.name(), spec.nullWhen().orElse(nullWhen), levels.done(), Optional.of(spec));
    }

    /**
     * The two street lines start with the same house number: identity records carry it for the built-in
     * street; for another street attribute it is the first word when that starts with a digit.
     */
    private static String sameHouseNumber(String a) {
        if (a.equals("street")) {
            return "l.house_number = r.house_number";
        }
        return "substring_index(l." + a + ", ' ', 1) = substring_index(r." + a + ", ' ', 1) AND substring_index(l." + a
                + ", ' ', 1) RLIKE '^[0-9]'";
    }

    private static String percent(double share) {
        return String.valueOf(Math.round(share * 100)).replace('.', '_') + "_percent";
    }

    /**
     * Levels that catch one particular slip (names swapped or given as an initial, day and month or two
     * digits swapped): one person's records show them rarely, whatever the data. EM starts their m
     * there instead of where a level's rank would put it (a first level is taken to be the commonest).
     */
    private static final java.util.Set<String> RARE_LEVELS = java.util.Set.of(
            "initial", "swapped_with_surname", "swapped_with_given_name", "day_month_swapped", "digits_swapped");

    private static final double RARE = 0.01;

    /** The levels of one templated comparison as they are added, then the catch-all. */
    private static final class Levels {
        private final Spec spec;
        private final List<MatchingConfig.Level> levels = new ArrayList<>();

        Levels(Spec spec) {
            this.spec = spec;
        }

        /** An exact level, adjusted by the value's term frequency unless {@code tf: false}. */
        void exact() {
            String a = spec.attribute();
            add(
                    "exact",
                    "l." + a + " = r." + a,
                    spec.uFromValueCounts() ? a : null,
                    spec.tf().orElse(true) ? a : null);
        }

        /** Jaro-Winkler bands: the spec's {@code thresholds}, or the template's. */
        void jaroWinkler(double... defaults) {
            String a = spec.attribute();
            List<Double> bands =
                    spec.thresholds().orElse(Arrays.stream(defaults).boxed().toList());
            for (double t : bands) {
                add(
                        "jaro_winkler_" + Math.round(t * 100),
                        "jaro_winkler(l." + a + ", r." + a + ") >= " + String.format(Locale.ROOT, "%.2f", t));
            }
        }

        void add(String name, String when) {
            add(name, when, null, null);
        }

        void add(String name, String when, String uFromValueCounts) {
            add(name, when, uFromValueCounts, null);
        }

        void add(String name, String when, String uFromValueCounts, String tf) {
            levels.add(new MatchingConfig.Level(
                    name,
                    Optional.of(when),
                    Optional.ofNullable(tf),
                    Optional.ofNullable(spec.m().get(name)),
                    Optional.ofNullable(uFromValueCounts),
                    Optional.ofNullable(RARE_LEVELS.contains(name) ? RARE : null)));
        }

        List<MatchingConfig.Level> done() {
            levels.add(new MatchingConfig.Level(
                    "else",
                    Optional.empty(),
                    Optional.empty(),
                    Optional.ofNullable(spec.m().get("else"))));
            for (String pinned : spec.m().keySet()) {
                if (levels.stream().noneMatch(l -> l.name().equals(pinned))) {
                    throw new ConfigReader.InvalidSetting(
                            "m." + pinned,
                            "no level of that name; expected one of "
                                    + levels.stream()
                                            .map(MatchingConfig.Level::name)
                                            .collect(Collectors.joining(", ")));
                }
            }
            return levels;
        }
    }
}
