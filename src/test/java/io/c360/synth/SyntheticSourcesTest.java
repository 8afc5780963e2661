package io.c360.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.c360.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class SyntheticSourcesTest {
    private static final int PERSONS = 300;
    // Small parts, so that part boundaries cut through households and blocks.
    private static final GeneratorSettings SETTINGS =
            GeneratorSettings.defaults(PERSONS, 7).withPartSize(110);

    @TempDir
    static Path tmp;

    private static GenerationSummary summary;
    private static GeneratedFiles files;
    private static Map<String, Map<String, String>> personById;
    private static Map<String, String> personOfRecord;

    @BeforeAll
    static void generate() {
        summary = SyntheticSources.generate(SETTINGS, tmp.resolve("a"), Progress.silent(), 1);
        files = new GeneratedFiles(tmp.resolve("a"));
        personById = files.persons.stream().collect(Collectors.toMap(p -> p.get("person_id"), p -> p));
        personOfRecord = new HashMap<>();
        files.truth.forEach(t -> personOfRecord.put(t.source() + "/" + t.recordId(), t.personId()));
    }

    @Test
    void sameSettingsGiveByteIdenticalFilesWhateverTheThreadCount() throws IOException {
        Path b = tmp.resolve("b");
        SyntheticSources.generate(SETTINGS, b, Progress.silent(), 3);
        List<Path> left = tree(tmp.resolve("a"));
        List<Path> right = tree(b);
        assertEquals(left, right);
        for (Path rel : left) {
            assertArrayEquals(
                    Files.readAllBytes(tmp.resolve("a").resolve(rel)),
                    Files.readAllBytes(b.resolve(rel)),
                    rel.toString());
        }
    }

    @Test
    void anotherSeedGivesOtherFiles() throws IOException {
        Path c = tmp.resolve("c");
        SyntheticSources.generate(GeneratorSettings.defaults(PERSONS, 8).withPartSize(110), c, Progress.silent(), 2);
        for (Source s : Source.values()) {
            Path rel = Path.of(s.folder, s.fileName(0));
            assertFalse(
                    Arrays.equals(
                            Files.readAllBytes(tmp.resolve("a").resolve(rel)), Files.readAllBytes(c.resolve(rel))),
                    rel.toString());
        }
    }

    @Test
    void everyRecordHasExactlyOneTruthRowAndTruthNamesNoOtherRecord() {
        Map<String, Long> truthCounts = files.truth.stream()
                .collect(Collectors.groupingBy(t -> t.source() + "/" + t.recordId(), Collectors.counting()));
        Set<String> recordKeys = new HashSet<>();
        long withoutId = 0;
        for (Source s : Source.values()) {
            for (GeneratedFiles.Line line : files.lines.get(s)) {
                if (line.id() == null) {
                    withoutId++;
                    continue;
                }
                String key = s.sourceName + "/" + line.id();
                assertTrue(recordKeys.add(key), "record id used twice: " + key);
                assertEquals(1L, truthCounts.getOrDefault(key, 0L), "truth rows for " + key);
            }
        }
        assertEquals(recordKeys, truthCounts.keySet());
        assertEquals(summary.truthRows(), files.truth.size());
        assertEquals(summary.records(), files.truth.size() + withoutId);
        for (GeneratedFiles.Truth t : files.truth) {
            assertTrue(personById.containsKey(t.personId()), "truth names an unknown person " + t.personId());
        }
    }

    @Test
    void recordCountsMatchTheSummaryAndTheManifest() {
        for (Source s : Source.values()) {
            assertEquals(
                    summary.recordsPerSource().get(s.sourceName),
                    (long) files.lines.get(s).size(),
                    s.sourceName);
        }
        GenerationSummary read = SyntheticSources.existing(tmp.resolve("a")).orElseThrow();
        assertEquals(summary.recordsPerSource(), read.recordsPerSource());
        assertEquals(summary.truthRows(), read.truthRows());
        assertEquals(SETTINGS, read.settings());
        assertEquals(PERSONS, read.persons());
        assertEquals(7, read.seed());
        double perPerson = (double) summary.records() / PERSONS;
        assertTrue(perPerson > 5 && perPerson < 11, "records per person " + perPerson);
    }

    @Test
    void regeneratingReplacesOnlyTheGeneratorsOwnOutput() throws IOException {
        Path e = tmp.resolve("e");
        Files.createDirectories(e.resolve("crm"));
        Files.writeString(e.resolve("crm/contacts_00099.csv"), "stale");
        Files.writeString(e.resolve("notes.txt"), "keep me");
        SyntheticSources.generate(GeneratorSettings.defaults(20, 1), e, Progress.silent(), 1);
        assertFalse(Files.exists(e.resolve("crm/contacts_00099.csv")));
        assertTrue(Files.exists(e.resolve("notes.txt")));
        assertTrue(SyntheticSources.existing(e).isPresent());
        assertTrue(SyntheticSources.existing(tmp.resolve("nothing-here")).isEmpty());
    }

    @Test
    void personsAppearInSeveralSystemsAndSeveralTimesInOne() {
        Map<String, Set<String>> systems = new HashMap<>();
        Map<String, Long> crmContacts = new HashMap<>();
        for (GeneratedFiles.Truth t : files.truth) {
            systems.computeIfAbsent(t.personId(), p -> new HashSet<>()).add(t.source());
            if (t.source().equals("crm_contacts")) {
                crmContacts.merge(t.personId(), 1L, Long::sum);
            }
        }
        assertTrue(systems.values().stream().anyMatch(s -> s.size() >= 4));
        assertTrue(crmContacts.values().stream().anyMatch(n -> n >= 2), "a duplicate CRM contact");
    }

    @Test
    void householdsHaveTwinsAndSharedAddresses() {
        List<Map<String, String>> twins =
                files.persons.stream().filter(p -> p.get("twin_of") != null).toList();
        assertFalse(twins.isEmpty());
        for (Map<String, String> t : twins) {
            Map<String, String> other = personById.get(t.get("twin_of"));
            assertEquals(t.get("person_id"), other.get("twin_of"));
            assertEquals(t.get("birth_date"), other.get("birth_date"));
            assertEquals(t.get("street"), other.get("street"));
            assertEquals(t.get("household_id"), other.get("household_id"));
            assertTrue(!t.get("given_name").equals(other.get("given_name")), "twins have different given names");
        }
        Map<String, Long> sizes = files.persons.stream()
                .collect(Collectors.groupingBy(p -> p.get("household_id"), Collectors.counting()));
        assertTrue(sizes.values().stream().anyMatch(n -> n >= 3));
        assertTrue(files.persons.stream().anyMatch(p -> p.get("maiden_name") != null));
        assertTrue(files.persons.stream().anyMatch(p -> p.get("previous_street") != null));
    }

    @Test
    void truePhonesAreValidUsNumbers() throws NumberParseException {
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        for (Map<String, String> p : files.persons) {
            for (String key : List.of("mobile", "landline")) {
                String number = p.get(key);
                if (number != null) {
                    assertTrue(phones.isValidNumber(phones.parse(number, "US")), key + " " + number);
                }
            }
        }
    }

    @Test
    void recordsCarryTheNoiseRealDataHas() {
        List<Map<String, String>> crm = files.rows(Source.CRM_CONTACTS);
        boolean nickname = false;
        boolean maidenName = false;
        boolean misspelledSurname = false;
        for (Map<String, String> r : crm) {
            Map<String, String> p = person(Source.CRM_CONTACTS, r);
            String first = r.get("first_name");
            String last = r.get("last_name");
            String[] nicknames = Names.US.nicknames(p.get("given_name"));
            nickname |= first != null
                    && nicknames != null
                    && Arrays.asList(nicknames).contains(first);
            maidenName |= last.equals(p.get("maiden_name"));
            misspelledSurname |= !fold(last).equals(fold(p.get("surname")))
                    && !fold(last).equals(fold(p.get("maiden_name")))
                    && !fold(last).equals(fold(p.get("given_name")));
        }
        assertTrue(nickname, "a nickname");
        assertTrue(maidenName, "a maiden name after marriage");
        assertTrue(misspelledSurname, "a typo in a surname");

        Set<String> junk = Set.of(
                "test@test.com",
                "noemail@example.com",
                "none",
                "N/A",
                "na@na.com",
                "no@email.com",
                "unknown",
                "x@x.com");
        List<String> emails = Stream.of(Source.values())
                .flatMap(s -> files.rows(s).stream())
                .flatMap(r -> Stream.of(r.get("email"), r.get("customer_email"), r.get("requester_email")))
                .filter(e -> e != null)
                .toList();
        assertTrue(emails.stream().anyMatch(junk::contains), "a placeholder e-mail");
        assertTrue(emails.stream().anyMatch(e -> e.contains("+")), "a +tag alias");

        Set<String> phoneShapes = crm.stream()
                .map(r -> r.get("phone"))
                .filter(x -> x != null)
                .map(x -> x.replaceAll("[0-9]", "9"))
                .collect(Collectors.toSet());
        assertTrue(phoneShapes.size() >= 4, "phone formats " + phoneShapes);
        Set<String> birthShapes = crm.stream()
                .map(r -> r.get("birth_date"))
                .filter(x -> x != null)
                .map(x -> x.replaceAll("[0-9]", "9"))
                .collect(Collectors.toSet());
        assertTrue(
                birthShapes.containsAll(Set.of("9999-99-99", "99/99/9999", "99.99.9999", "99999999")),
                "birth date formats " + birthShapes);

        List<Map<String, String>> billing = files.rows(Source.BILLING_ACCOUNTS);
        assertTrue(billing.stream().anyMatch(r -> r.get("account_name").contains(", ")), "LAST, First");
        assertTrue(billing.stream().anyMatch(r -> r.get("crm_contact_id") != null), "a CRM link");
        assertTrue(billing.stream().anyMatch(r -> r.get("tax_id") != null), "a tax id");
    }

    @Test
    void webEventsKeepDeviceIdsAndOnlyIdentifiedEventsCarryEmail() {
        Map<String, Set<String>> personsOfDevice = new HashMap<>();
        boolean anonymousOnly = false;
        Map<String, Boolean> deviceSeenWithEmail = new HashMap<>();
        for (Map<String, String> r : files.rows(Source.WEB_EVENTS)) {
            String person = personOfRecord.get("web_events/" + r.get("event_id"));
            personsOfDevice
                    .computeIfAbsent(r.get("anonymous_id"), d -> new HashSet<>())
                    .add(person);
            deviceSeenWithEmail.merge(r.get("anonymous_id"), r.get("user_email") != null, Boolean::logicalOr);
            if ("login".equals(r.get("event_type"))) {
                assertTrue(r.get("user_email") != null, "a login carries the e-mail");
            }
        }
        anonymousOnly = deviceSeenWithEmail.containsValue(false);
        assertTrue(anonymousOnly, "a device that never logs in");
        personsOfDevice.forEach((device, persons) -> assertTrue(persons.size() == 1, device + " " + persons));
    }

    private static Map<String, String> person(Source s, Map<String, String> row) {
        return personById.get(personOfRecord.get(s.sourceName + "/" + row.get(s.key())));
    }

    private static String fold(String s) {
        return s == null ? "" : Names.stripAccents(s).toLowerCase(Locale.ROOT);
    }

    private static List<Path> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}
