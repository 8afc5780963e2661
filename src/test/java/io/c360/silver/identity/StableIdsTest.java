package io.c360.silver.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.test.SparkExtension;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One first run and one follow-up run over many small, disjoint scenarios (each with its own key
 * prefix), so the suite pays for few Spark jobs; each test checks its own scenario.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("spark")
class StableIdsTest {
    private static final StructType CLUSTERS =
            new StructType().add("record_key", DataTypes.StringType).add("cluster", DataTypes.StringType);
    private static final StructType ID_MAP =
            new StructType().add("record_key", DataTypes.StringType).add("customer_id", DataTypes.StringType);

    /** Run 1, cluster label → keys (labels need not be the smallest key). */
    private static final Map<String, List<String>> RUN1 = clusters(
            "u1",
            "u1 u2",
            "j2",
            "j2 j3",
            "m1",
            "m1 m2 m3",
            "m4",
            "m4 m5",
            "s1",
            "s1 s2 s3 s4 s5",
            "t1",
            "t1 t2 t3 t4 t5",
            "x1",
            "x1 x2",
            "x3",
            "x3 x4",
            "y1",
            "y1 y2 y3 y4",
            "ga",
            range("ga", 1, 15),
            "gb",
            range("gb", 1, 3),
            "ra",
            range("ra", 1, 5),
            "rb",
            range("rb", 1, 5),
            "rc",
            range("rc", 1, 5),
            "v1",
            "v1 v2 v3",
            "w1",
            "w1");

    /** Run 2: what happened to each scenario. */
    private static final Map<String, List<String>> RUN2 = clusters(
            "u1",
            "u1 u2", // unchanged
            "j1",
            "j1 j2 j3", // a new record that sorts first joins
            "m1",
            "m1 m2 m3 m4 m5", // merge 3 + 2
            "s1",
            "s1 s2 s3",
            "s4",
            "s4 s5", // split 3 | 2
            "t1",
            "t1 t2",
            "t3",
            "t3 t4 t5", // split 2 | 3: the part without the smallest key is larger
            "x1",
            "x1 x2 x3 x4", // merge 2 + 2
            "L2",
            "y1 y2",
            "L1",
            "y3 y4", // split 2 | 2
            // A splits; B joins A's smaller part.
            "X",
            range("ga", 1, 5) + " " + range("gb", 1, 3),
            "Y",
            range("ga", 6, 15),
            // A spreads over B and C.
            "X2",
            range("ra", 1, 3) + " " + range("rb", 1, 5),
            "Y2",
            range("ra", 4, 5) + " " + range("rc", 1, 5),
            "v1",
            "v1 v2", // v3 and w1 vanished
            "n1",
            "n2 n1"); // brand new

    private final SparkSession spark;
    private final Map<String, String> first;
    private final Map<String, String> firstAgain;
    private final List<List<String>> firstRedirects;
    private final Map<String, String> second;
    private final List<List<String>> secondRedirects;
    private final Map<String, String> third;
    private final List<List<String>> thirdRedirects;

    StableIdsTest(SparkSession spark) {
        this.spark = spark;
        StableIds.Result run1 = StableIds.assign(clusters(RUN1, 1), idMap(Map.of()), "run-1");
        first = asMap(run1.idMap());
        firstRedirects = rows(run1.redirects());
        firstAgain = asMap(StableIds.assign(clusters(RUN1, 2).repartition(3), idMap(Map.of()), "run-1b")
                .idMap());
        StableIds.Result run2 = StableIds.assign(clusters(RUN2, 3), idMap(first), "run-2");
        second = asMap(run2.idMap());
        secondRedirects = rows(run2.redirects());
        StableIds.Result run3 = StableIds.assign(relabelled(RUN2), idMap(second), "run-3");
        third = asMap(run3.idMap());
        thirdRedirects = rows(run3.redirects());
    }

    @Test
    void theFirstRunGivesEachClusterTheHashOfItsSmallestKey() {
        for (List<String> keys : RUN1.values()) {
            String expected = hashId(Collections.min(keys));
            keys.forEach(k -> assertEquals(expected, first.get(k), k));
        }
        assertEquals(RUN1.values().stream().mapToInt(List::size).sum(), first.size());
        assertEquals(List.of(), firstRedirects);
    }

    @Test
    void aRebuildFromScratchGivesTheSameIds() {
        assertEquals(first, firstAgain);
    }

    @Test
    void unchangedInputKeepsEveryIdAndWritesNoRedirect() {
        assertEquals(second, third, "same clusters under other labels");
        assertEquals(List.of(), thirdRedirects);
        assertEquals(first.get("u1"), second.get("u1"));
        assertEquals(first.get("u2"), second.get("u2"));
    }

    @Test
    void aNewRecordJoiningAClusterTakesItsId() {
        String id = first.get("j2");
        assertEquals(List.of(id, id, id), List.of(second.get("j1"), second.get("j2"), second.get("j3")));
        assertEquals(List.of(), redirectsFrom("j"));
    }

    @Test
    void aMergeKeepsTheIdOfTheLargerOverlapAndRedirectsTheOther() {
        String kept = first.get("m1");
        String retired = first.get("m4");
        for (String k : List.of("m1", "m2", "m3", "m4", "m5")) {
            assertEquals(kept, second.get(k), k);
        }
        assertEquals(List.of(List.of(retired, kept, "merge", "run-2")), redirectsFrom("m"));
    }

    @Test
    void aSplitKeepsTheIdForTheLargerPartAndGivesTheOtherANewOne() {
        String id = first.get("s1");
        assertEquals(List.of(id, id, id), List.of(second.get("s1"), second.get("s2"), second.get("s3")));
        String fresh = hashId("s4");
        assertEquals(List.of(fresh, fresh), List.of(second.get("s4"), second.get("s5")));
        assertEquals(List.of(List.of(id, fresh, "split", "run-2")), redirectsFrom("s"));
    }

    @Test
    void aNewIdThatIsStillInUseIsReplacedByTheNextCandidate() {
        String id = first.get("t1"); // the hash of t1, kept by the larger part t3..t5
        assertEquals(List.of(id, id, id), List.of(second.get("t3"), second.get("t4"), second.get("t5")));
        String fresh = hashId("t1#1");
        assertEquals(List.of(fresh, fresh), List.of(second.get("t1"), second.get("t2")));
        assertEquals(List.of(List.of(id, fresh, "split", "run-2")), redirectsFrom("t"));
    }

    @Test
    void tiesAreBrokenBySmallerOldIdThenSmallerClusterLabel() {
        String a = first.get("x1");
        String b = first.get("x3");
        String kept = a.compareTo(b) < 0 ? a : b;
        String retired = kept.equals(a) ? b : a;
        for (String k : List.of("x1", "x2", "x3", "x4")) {
            assertEquals(kept, second.get(k), k);
        }
        assertEquals(List.of(List.of(retired, kept, "merge", "run-2")), redirectsFrom("x"));

        // y1..y4 split 2 | 2: the part labelled L1 (y3, y4) keeps the id.
        String id = first.get("y1");
        assertEquals(List.of(id, id), List.of(second.get("y3"), second.get("y4")));
        assertEquals(hashId("y1#1"), second.get("y1"));
    }

    @Test
    void aClusterWhoseBestIdIsTakenFallsBackToItsNextOldId() {
        String a = first.get("ga01");
        String b = first.get("gb01");
        assertEquals(a, second.get("ga06"), "A is kept where most of it went");
        assertEquals(b, second.get("ga01"), "X overlaps A more than B, but A is taken: X keeps B");
        assertEquals(b, second.get("gb01"));
        assertEquals(List.of(List.of(a, b, "split", "run-2")), redirectsFrom("g"));
    }

    @Test
    void aRetiredIdMergesIntoItsLargestPartAndSplitsToTheOthers() {
        String a = first.get("ra01");
        String b = first.get("rb01");
        String c = first.get("rc01");
        assertEquals(List.of(b, b, c), List.of(second.get("ra01"), second.get("rb01"), second.get("ra04")));
        assertEquals(c, second.get("rc01"));
        assertEquals(List.of(List.of(a, b, "merge", "run-2"), List.of(a, c, "split", "run-2")), redirectsFrom("r"));
    }

    @Test
    void vanishedRecordsDropOutWithoutRedirect() {
        assertEquals(first.get("v1"), second.get("v1"));
        assertTrue(!second.containsKey("v3") && !second.containsKey("w1"));
        assertEquals(List.of(), redirectsFrom("v"));
        assertEquals(List.of(), redirectsFrom("w"));
    }

    @Test
    void brandNewClustersGetTheHashOfTheirSmallestKey() {
        assertEquals(hashId("n1"), second.get("n2"));
        assertEquals(hashId("n1"), second.get("n1"));
        Set<String> ids = Set.copyOf(second.values());
        assertEquals(RUN2.size(), ids.size(), "one id per cluster");
    }

    @Test
    void noFreeCandidateFailsTheQuery() {
        Map<String, String> taken = new LinkedHashMap<>();
        for (int salt = 0; salt < StableIds.FRESH_ID_CANDIDATES; salt++) {
            taken.put("other" + salt, hashId(salt == 0 ? "z" : "z#" + salt));
        }
        Dataset<Row> clusters = clusters(clusters("z", "z"), 1);
        Exception e = assertThrows(
                Exception.class,
                () -> StableIds.assign(clusters, idMap(taken), "run-x").idMap().collectAsList());
        assertTrue(e.getMessage().contains("no free customer id for cluster z"), e.getMessage());
    }

    @Test
    void aRunIdIsRequired() {
        assertThrows(C360Exception.class, () -> StableIds.assign(null, null, " "));
    }

    /** Redirect rows whose old id was given in run 1 to a key with this prefix, sorted. */
    private List<List<String>> redirectsFrom(String prefix) {
        Set<String> oldIds = first.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .map(Map.Entry::getValue)
                .collect(Collectors.toSet());
        return secondRedirects.stream()
                .filter(r -> oldIds.contains(r.get(0)))
                .sorted((x, y) -> String.join(" ", x).compareTo(String.join(" ", y)))
                .toList();
    }

    private static String hashId(String seed) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return "C" + HexFormat.of().formatHex(d).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<String>> clusters(String... labelAndKeys) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < labelAndKeys.length; i += 2) {
            m.put(labelAndKeys[i], List.of(labelAndKeys[i + 1].split(" ")));
        }
        return m;
    }

    private static String range(String prefix, int from, int to) {
        return IntStream.rangeClosed(from, to)
                .mapToObj(i -> String.format("%s%02d", prefix, i))
                .collect(Collectors.joining(" "));
    }

    /** The clusters as rows in a shuffled order. */
    private Dataset<Row> clusters(Map<String, List<String>> clusters, long seed) {
        List<Row> rows = new ArrayList<>();
        clusters.forEach((label, keys) -> keys.forEach(k -> rows.add(RowFactory.create(k, label))));
        Collections.shuffle(rows, new Random(seed));
        return spark.createDataFrame(rows, CLUSTERS);
    }

    /** The same clusters under labels that sort differently. */
    private Dataset<Row> relabelled(Map<String, List<String>> clusters) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        clusters.forEach((label, keys) -> m.put("other-" + new StringBuilder(label).reverse(), keys));
        return clusters(m, 4);
    }

    private Dataset<Row> idMap(Map<String, String> ids) {
        return spark.createDataFrame(
                ids.entrySet().stream()
                        .map(e -> RowFactory.create(e.getKey(), e.getValue()))
                        .toList(),
                ID_MAP);
    }

    private static Map<String, String> asMap(Dataset<Row> idMap) {
        Map<String, String> m = new TreeMap<>();
        for (Row r : idMap.collectAsList()) {
            assertEquals(null, m.put(r.getString(0), r.getString(1)), "one row per record");
        }
        return m;
    }

    private static List<List<String>> rows(Dataset<Row> redirects) {
        assertEquals(List.of("old_id", "new_id", "reason", "run_id"), List.of(redirects.columns()));
        return redirects.collectAsList().stream()
                .map(r -> List.of(r.getString(0), r.getString(1), r.getString(2), r.getString(3)))
                .toList();
    }
}
