package io.c360.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Name vocabulary: given names and surnames from datafaker's name lists (read once from its jar),
 * ranked so the most frequent US names come first and sampled with Zipf weights; nicknames; name
 * pairs twins get; and accent variants.
 */
final class Names {
    // Most frequent US given names and surnames, most frequent first; the datafaker lists form the tail.
    private static final List<String> MALE_HEAD = List.of(
            "James",
            "Robert",
            "John",
            "Michael",
            "David",
            "William",
            "Richard",
            "Joseph",
            "Thomas",
            "Christopher",
            "Charles",
            "Daniel",
            "Matthew",
            "Anthony",
            "Mark",
            "Donald",
            "Steven",
            "Andrew",
            "Paul",
            "Joshua",
            "Kenneth",
            "Kevin",
            "Brian",
            "George",
            "Timothy",
            "Ronald",
            "Jason",
            "Edward",
            "Jeffrey",
            "Ryan",
            "Jacob",
            "Gary",
            "Nicholas",
            "Eric",
            "Jonathan",
            "Stephen",
            "Larry",
            "Justin",
            "Scott",
            "Brandon",
            "Benjamin",
            "Samuel",
            "Gregory",
            "Alexander",
            "Patrick",
            "Frank",
            "Raymond",
            "Jack",
            "Dennis",
            "Jerry",
            "Tyler",
            "Aaron",
            "José",
            "Adam",
            "Nathan",
            "Henry",
            "Zachary",
            "Douglas",
            "Peter",
            "Kyle",
            "Noah",
            "Ethan",
            "Jeremy",
            "Walter",
            "Christian",
            "Keith",
            "Roger",
            "Terry",
            "Austin",
            "Sean",
            "Gerald",
            "Carl",
            "Harold",
            "Dylan",
            "Arthur",
            "Lawrence",
            "Jordan",
            "Jesse",
            "Bryan",
            "Billy",
            "Bruce",
            "Gabriel",
            "Joe",
            "Logan",
            "Alan",
            "Juan",
            "Albert",
            "Willie",
            "Elijah",
            "Wayne",
            "Randy",
            "Vincent",
            "Mason",
            "Roy",
            "Ralph",
            "Bobby",
            "Russell",
            "Bradley",
            "Philip",
            "Eugene",
            "Luis",
            "Carlos",
            "Jesús",
            "Andrés",
            "Raúl",
            "René",
            "André",
            "Ramón",
            "François",
            "Jürgen");
    private static final List<String> FEMALE_HEAD = List.of(
            "Mary",
            "Patricia",
            "Jennifer",
            "Linda",
            "Elizabeth",
            "Barbara",
            "Susan",
            "Jessica",
            "Karen",
            "Sarah",
            "Lisa",
            "Nancy",
            "Sandra",
            "Betty",
            "Ashley",
            "Emily",
            "Kimberly",
            "Margaret",
            "Donna",
            "Michelle",
            "Carol",
            "Amanda",
            "Melissa",
            "Deborah",
            "Stephanie",
            "Rebecca",
            "Sharon",
            "Laura",
            "Cynthia",
            "Dorothy",
            "Amy",
            "Kathleen",
            "Angela",
            "Shirley",
            "Emma",
            "Brenda",
            "Pamela",
            "Nicole",
            "Anna",
            "Samantha",
            "Katherine",
            "Christine",
            "Debra",
            "Rachel",
            "Carolyn",
            "Janet",
            "María",
            "Olivia",
            "Heather",
            "Helen",
            "Catherine",
            "Diane",
            "Julie",
            "Victoria",
            "Joyce",
            "Lauren",
            "Kelly",
            "Christina",
            "Ruth",
            "Joan",
            "Virginia",
            "Judith",
            "Evelyn",
            "Hannah",
            "Andrea",
            "Megan",
            "Cheryl",
            "Jacqueline",
            "Madison",
            "Teresa",
            "Abigail",
            "Sophia",
            "Martha",
            "Sara",
            "Gloria",
            "Janice",
            "Kathryn",
            "Ann",
            "Isabella",
            "Judy",
            "Charlotte",
            "Julia",
            "Grace",
            "Amber",
            "Alice",
            "Jean",
            "Denise",
            "Frances",
            "Danielle",
            "Marilyn",
            "Natalie",
            "Beverly",
            "Diana",
            "Brittany",
            "Theresa",
            "Kayla",
            "Alexis",
            "Doris",
            "Lori",
            "Tiffany",
            "Zoë",
            "Renée",
            "Chloé",
            "Sofía",
            "Lucía",
            "Inés",
            "Mónica",
            "Béatrice",
            "Noémie",
            "Anaïs");
    private static final List<String> SURNAME_HEAD = List.of(
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Garcia",
            "Miller",
            "Davis",
            "Rodriguez",
            "Martinez",
            "Hernandez",
            "Lopez",
            "Gonzalez",
            "Wilson",
            "Anderson",
            "Thomas",
            "Taylor",
            "Moore",
            "Jackson",
            "Martin",
            "Lee",
            "Perez",
            "Thompson",
            "White",
            "Harris",
            "Sanchez",
            "Clark",
            "Ramirez",
            "Lewis",
            "Robinson",
            "Walker",
            "Young",
            "Allen",
            "King",
            "Wright",
            "Scott",
            "Torres",
            "Nguyen",
            "Hill",
            "Flores",
            "Green",
            "Adams",
            "Nelson",
            "Baker",
            "Hall",
            "Rivera",
            "Campbell",
            "Mitchell",
            "Carter",
            "Roberts",
            "Gomez",
            "Phillips",
            "Evans",
            "Turner",
            "Diaz",
            "Parker",
            "Cruz",
            "Edwards",
            "Collins",
            "Reyes",
            "Stewart",
            "Morris",
            "Morales",
            "Murphy",
            "Cook",
            "Rogers",
            "Gutierrez",
            "Ortiz",
            "Morgan",
            "Cooper",
            "Peterson",
            "Bailey",
            "Reed",
            "Kelly",
            "Howard",
            "Ramos",
            "Kim",
            "Cox",
            "Ward",
            "Richardson",
            "Watson",
            "Brooks",
            "Chavez",
            "Wood",
            "James",
            "Bennett",
            "Gray",
            "Mendoza",
            "Ruiz",
            "Hughes",
            "Price",
            "Alvarez",
            "Castillo",
            "Sanders",
            "Patel",
            "Myers",
            "Long",
            "Ross",
            "Foster",
            "Jimenez",
            "Núñez",
            "Müller",
            "Peña",
            "Muñoz",
            "Ibáñez",
            "O'Brien",
            "McDonald",
            "Schröder",
            "Fernández",
            "Lefèvre");

    private static final Map<String, String[]> NICKNAMES = nicknames();

    /** Twins often get names that sound alike. */
    private static final String[][] SIMILAR_PAIRS = {
        {"Daniel", "Danielle"}, {"Michael", "Michelle"}, {"Eric", "Erica"}, {"Paul", "Paula"},
        {"Christian", "Christina"}, {"Gabriel", "Gabriella"}, {"Ethan", "Evan"}, {"Aiden", "Jaden"},
        {"Emma", "Emily"}, {"Mary", "Marie"}, {"Jessica", "Jennifer"}, {"Austin", "Justin"},
        {"Dylan", "Devin"}, {"Olivia", "Oliver"}, {"Anna", "Hannah"}, {"Brian", "Bryan"},
        {"Kaitlyn", "Katelyn"}, {"Mark", "Marc"}, {"Jon", "John"}, {"Mason", "Madison"}
    };

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    static final Names US = new Names();

    final ZipfPool male;
    final ZipfPool female;
    final ZipfPool surnames;
    private final Map<String, String> accentedForms = new HashMap<>();

    private Names() {
        JsonNode en = read("en/name.yml", "en");
        JsonNode es = read("es.yml", "es");
        List<String> maleTail = new ArrayList<>(texts(en.get("male_first_name")));
        maleTail.addAll(texts(es.get("male_first_name")));
        List<String> femaleTail = new ArrayList<>(texts(en.get("female_first_name")));
        femaleTail.addAll(texts(es.get("female_first_name")));
        List<String> surnameTail = new ArrayList<>(texts(en.get("last_name")));
        surnameTail.addAll(texts(es.get("last_name")));
        surnameTail.addAll(texts(read("es-MX.yml", "es-MX").get("last_name")));
        surnameTail.addAll(texts(read("it.yml", "it").get("last_name")));
        surnameTail.addAll(texts(read("en-IN.yml", "en-IN").get("last_name")));
        // German and Polish lists are long; a sample keeps them from dominating US surnames.
        surnameTail.addAll(everyNth(texts(read("de.yml", "de").get("last_name")), 4));
        surnameTail.addAll(everyNth(texts(read("pl.yml", "pl").get("last_name")), 3));

        male = new ZipfPool(ranked(MALE_HEAD, maleTail), 0.9, 3);
        female = new ZipfPool(ranked(FEMALE_HEAD, femaleTail), 0.9, 3);
        surnames = new ZipfPool(ranked(SURNAME_HEAD, surnameTail), 0.75, 5);
        for (List<String> list : List.of(MALE_HEAD, FEMALE_HEAD, SURNAME_HEAD, maleTail, femaleTail, surnameTail)) {
            for (String name : list) {
                String plain = stripAccents(name);
                if (!plain.equals(name)) {
                    accentedForms.putIfAbsent(plain, name);
                }
            }
        }
    }

    String[] nicknames(String given) {
        return NICKNAMES.get(given);
    }

    /** The accented spelling of a plain name, or null when none is known. */
    String accented(String plain) {
        return accentedForms.get(plain);
    }

    /** A name that sounds like {@code given}, or null. */
    static String similar(String given) {
        for (String[] pair : SIMILAR_PAIRS) {
            if (pair[0].equals(given)) {
                return pair[1];
            }
            if (pair[1].equals(given)) {
                return pair[0];
            }
        }
        return null;
    }

    static String stripAccents(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                String folded = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFD))
                        .replaceAll("");
                return folded.replace("ß", "ss").replace("ø", "o").replace("Ø", "O");
            }
        }
        return s;
    }

    /** Lower-case ASCII letters only, as names become in e-mail addresses. */
    static String asciiLetters(String s) {
        String folded = stripAccents(s).toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (c >= 'a' && c <= 'z') {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static List<String> ranked(List<String> head, List<String> tail) {
        Set<String> names = new LinkedHashSet<>(head);
        List<String> rest = new ArrayList<>();
        for (String t : tail) {
            if (!names.contains(t) && !t.isBlank()) {
                rest.add(t);
            }
        }
        // Datafaker lists are alphabetical; a fixed shuffle spreads every letter over the tail.
        Collections.shuffle(rest, new Random(360));
        names.addAll(rest);
        return new ArrayList<>(names);
    }

    private static List<String> everyNth(List<String> list, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += n) {
            out.add(list.get(i));
        }
        return out;
    }

    private static JsonNode read(String resource, String locale) {
        try (InputStream in = Names.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("datafaker resource " + resource + " not on the classpath");
            }
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            return root.path(locale).path("faker").path("name");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read datafaker resource " + resource, e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> {
                String s = n.asText().trim();
                if (!s.startsWith("#{")) {
                    out.add(s);
                }
            });
        }
        return out;
    }

    private static Map<String, String[]> nicknames() {
        String[] table = {
            "Robert:Bob,Rob,Bobby,Robbie",
            "William:Bill,Will,Billy,Liam",
            "James:Jim,Jimmy,Jamie",
            "John:Johnny,Jack",
            "Michael:Mike,Mikey",
            "Richard:Rick,Rich,Dick,Richie",
            "Joseph:Joe,Joey",
            "Thomas:Tom,Tommy",
            "Charles:Charlie,Chuck",
            "Christopher:Chris,Topher",
            "Daniel:Dan,Danny",
            "Matthew:Matt",
            "Anthony:Tony",
            "Donald:Don,Donnie",
            "Steven:Steve",
            "Stephen:Steve",
            "Andrew:Andy,Drew",
            "Joshua:Josh",
            "Kenneth:Ken,Kenny",
            "Timothy:Tim,Timmy",
            "Ronald:Ron,Ronnie",
            "Edward:Ed,Eddie,Ted",
            "Jeffrey:Jeff",
            "Nicholas:Nick,Nicky",
            "Jonathan:Jon",
            "Gregory:Greg",
            "Alexander:Alex,Xander",
            "Samuel:Sam,Sammy",
            "Benjamin:Ben,Benny",
            "Patrick:Pat",
            "Raymond:Ray",
            "Gerald:Jerry,Gerry",
            "Zachary:Zach,Zack",
            "Peter:Pete",
            "Frederick:Fred,Freddie",
            "Lawrence:Larry",
            "Leonard:Len,Leo",
            "Nathan:Nate",
            "Nathaniel:Nate",
            "Philip:Phil",
            "Phillip:Phil",
            "Douglas:Doug",
            "Jacob:Jake",
            "Francis:Frank",
            "Henry:Hank",
            "Theodore:Ted,Teddy,Theo",
            "Vincent:Vince",
            "Walter:Walt",
            "Albert:Al,Bert",
            "Harold:Hal,Harry",
            "Eugene:Gene",
            "Bradley:Brad",
            "Russell:Russ",
            "Christian:Chris",
            "Jeremy:Jerry",
            "Terrence:Terry",
            "Mitchell:Mitch",
            "Kyle:Ky",
            "José:Pepe",
            "Francisco:Paco,Pancho",
            "Jesús:Chuy",
            "Guillermo:Memo",
            "Alejandro:Alex",
            "Elizabeth:Liz,Beth,Betty,Eliza,Lizzie",
            "Margaret:Maggie,Peggy,Meg",
            "Katherine:Kate,Kathy,Katie",
            "Catherine:Cathy,Kate,Cat",
            "Kathleen:Kathy,Kate",
            "Kathryn:Kathy,Katie",
            "Jennifer:Jen,Jenny",
            "Jessica:Jess,Jessie",
            "Patricia:Pat,Patty,Trish",
            "Susan:Sue,Susie",
            "Deborah:Deb,Debbie",
            "Debra:Deb,Debbie",
            "Rebecca:Becky,Becca",
            "Samantha:Sam,Sammy",
            "Kimberly:Kim",
            "Christine:Chris,Chrissy",
            "Christina:Tina,Chris",
            "Victoria:Vicky,Tori",
            "Abigail:Abby",
            "Alexandra:Alex,Lexi",
            "Amanda:Mandy",
            "Barbara:Barb,Barbie",
            "Cynthia:Cindy",
            "Dorothy:Dot,Dottie",
            "Pamela:Pam",
            "Sandra:Sandy",
            "Stephanie:Steph",
            "Theresa:Terri,Tess",
            "Teresa:Terri,Tess",
            "Judith:Judy",
            "Virginia:Ginny",
            "Jacqueline:Jackie",
            "Josephine:Jo,Josie",
            "Frances:Fran,Frankie",
            "Melissa:Missy,Mel",
            "Nancy:Nan",
            "Angela:Angie",
            "Valerie:Val",
            "Gabrielle:Gabby",
            "Gabriella:Gabby",
            "Madison:Maddie",
            "Eleanor:Ellie,Nell",
            "Helen:Nell",
            "Mary:Molly",
            "Danielle:Dani",
            "Michelle:Shelly",
            "Natalie:Nat",
            "Jacquelyn:Jackie",
            "Suzanne:Sue",
            "Caroline:Carrie",
            "Carolyn:Carrie,Lyn",
            "Beverly:Bev",
            "Kristen:Kris",
            "Allison:Ally",
            "Isabella:Bella,Izzy",
            "Olivia:Liv",
            "Sophia:Sophie",
            "Lucía:Lucy",
            "María:Mari",
            "Béatrice:Bea"
        };
        Map<String, String[]> map = new HashMap<>();
        for (String row : table) {
            int colon = row.indexOf(':');
            map.put(row.substring(0, colon), row.substring(colon + 1).split(","));
        }
        return map;
    }
}
