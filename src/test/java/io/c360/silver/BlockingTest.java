package io.c360.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.test.SparkExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
@Tag("spark")
class BlockingTest {
    private final SparkSession spark;

    BlockingTest(SparkSession spark) {
        this.spark = spark;
    }

    private Dataset<Row> nodes(String[][] rows) {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("email", DataTypes.StringType)
                .add("surname", DataTypes.StringType);
        List<Row> list = new ArrayList<>();
        for (String[] r : rows) {
            list.add(RowFactory.create((Object[]) r));
        }
        return spark.createDataFrame(list, schema);
    }

    @Test
    void pairsComeFromAnyRuleOnceWithTheirRulesAndOversizedKeysAreSkippedAndReported() {
        Dataset<Row> nodes = nodes(new String[][] {
            {"a", "ann@x.com", "lee"}, {"b", "ann@x.com", "lee"}, {"c", null, "lee"},
            {"j1", "junk@x.com", "smith"}, {"j2", "junk@x.com", "jones"}, {"j3", "junk@x.com", "brown"},
            {"j4", "junk@x.com", "green"}
        });
        List<MatchingConfig.BlockingRule> rules = List.of(
                new MatchingConfig.BlockingRule("email", List.of("email"), 3),
                new MatchingConfig.BlockingRule("surname", List.of("surname"), 3));

        Blocking.Result result = Blocking.pairs(nodes, rules);

        Map<String, List<String>> pairs = new TreeMap<>();
        for (Row r : result.pairs().collectAsList()) {
            List<String> ruleNames = new ArrayList<>(r.getList(2));
            ruleNames.sort(null);
            pairs.put(r.getString(0) + "-" + r.getString(1), ruleNames);
        }
        assertEquals(
                Map.of("a-b", List.of("email", "surname"), "a-c", List.of("surname"), "b-c", List.of("surname")),
                pairs,
                "the junk email block (4 > cap 3) makes no pair; a null key never blocks");
        Blocking.RuleReport email = result.report().get(0);
        assertEquals(1, email.pairs(), "counted before pairs are made: only the block under the cap");
        assertEquals(1, email.skippedKeys());
        assertEquals(4, email.skippedRecords());
        assertTrue(email.largestSkippedKey().startsWith("junk@x.com"), email.largestSkippedKey());
        assertEquals(3, result.report().get(1).pairs());
    }

    @Test
    void eachRuleSkipsTheBlocksAboveItsOwnCap() {
        Dataset<Row> nodes =
                nodes(new String[][] {{"a", "ann@x.com", "lee"}, {"b", "ann@x.com", "lee"}, {"c", "ann@x.com", "lee"}});
        List<MatchingConfig.BlockingRule> rules = List.of(
                new MatchingConfig.BlockingRule("email", List.of("email"), 2),
                new MatchingConfig.BlockingRule("surname", List.of("surname"), 3));

        Blocking.Result result = Blocking.pairs(nodes, rules);

        List<String> pairs = new ArrayList<>();
        result.pairs()
                .collectAsList()
                .forEach(r -> pairs.add(r.getString(0) + "-" + r.getString(1) + " " + r.getList(2)));
        pairs.sort(null);
        assertEquals(
                List.of("a-b [surname]", "a-c [surname]", "b-c [surname]"),
                pairs,
                "the same three records: over the email rule's cap of 2, within the surname rule's 3");
        assertEquals(
                List.of(1L, 3L, 0L),
                List.of(
                        result.report().get(0).skippedKeys(),
                        result.report().get(0).skippedRecords(),
                        result.report().get(1).skippedKeys()));
    }

    @Test
    void aPairNamesEveryRuleThatMadeItBeyondThirtyTwoRules() {
        Dataset<Row> nodes = nodes(new String[][] {
            {"a", "a@x.com", "lee"}, {"b", "b@x.com", "lee"}, {"c", "c@x.com", "kim"}, {"d", "c@x.com", "park"}
        });
        List<MatchingConfig.BlockingRule> rules = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rules.add(new MatchingConfig.BlockingRule("r" + i, List.of(i == 35 ? "surname" : "email"), 10));
        }

        Map<String, List<String>> pairs = new TreeMap<>();
        for (Row r : Blocking.pairs(nodes, rules).pairs().collectAsList()) {
            pairs.put(r.getString(0) + "-" + r.getString(1), r.getList(2));
        }

        List<String> byEmail = rules.stream()
                .map(MatchingConfig.BlockingRule::name)
                .filter(n -> !n.equals("r35"))
                .toList();
        assertEquals(Map.of("a-b", List.of("r35"), "c-d", byEmail), pairs);
    }

    @Test
    void moreRulesThanAPairCanNameAreRefused() {
        List<MatchingConfig.BlockingRule> rules = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            rules.add(new MatchingConfig.BlockingRule("r" + i, List.of("email"), 10));
        }
        C360Exception e = assertThrows(
                C360Exception.class, () -> Blocking.pairs(nodes(new String[][] {{"a", "a@x.com", "lee"}}), rules));
        assertTrue(e.getMessage().contains("at most 63 blocking rules"), e.getMessage());
    }

    @Test
    void theKeyIndexHoldsEveryKeyOfEveryIdentityByRuleName() {
        Dataset<Row> nodes = nodes(new String[][] {{"a", "ann@x.com", "lee"}, {"c", null, "lee"}});
        List<MatchingConfig.BlockingRule> rules = List.of(
                new MatchingConfig.BlockingRule("email", List.of("email"), 3),
                new MatchingConfig.BlockingRule("surname", List.of("surname"), 3));

        List<String> index = new ArrayList<>();
        Blocking.keys(nodes, rules)
                .collectAsList()
                .forEach(r -> index.add(r.getString(0) + " " + r.getString(1) + " " + r.getString(2)));
        index.sort(null);

        assertEquals(List.of("a email ann@x.com", "a surname lee", "c surname lee"), index, "a null key is no row");
    }

    @Test
    void theSeedsPairWithTheirBlocksInTheIndexAsBlockingEveryIdentityWould() {
        Dataset<Row> nodes = nodes(new String[][] {
            {"a", "ann@x.com", "lee"}, {"b", "ann@x.com", "lee"}, {"c", null, "lee"},
            {"d", "dee@x.com", "park"}, {"j1", "junk@x.com", "smith"}, {"j2", "junk@x.com", "jones"},
            {"j3", "junk@x.com", "brown"}, {"j4", "junk@x.com", "green"}
        });
        List<MatchingConfig.BlockingRule> rules = List.of(
                new MatchingConfig.BlockingRule("email", List.of("email"), 3),
                new MatchingConfig.BlockingRule("surname", List.of("surname"), 3));
        Dataset<Row> index = Blocking.keys(nodes, rules);
        Dataset<Row> seeds = index.filter("signature IN ('b', 'j1')");

        Blocking.Result result = Blocking.pairsOf(seeds, index, rules);

        Map<String, List<String>> all = new TreeMap<>();
        for (Row r : Blocking.pairs(nodes, rules).pairs().collectAsList()) {
            all.put(r.getString(0) + "-" + r.getString(1), sorted(r.getList(2)));
        }
        Map<String, List<String>> ofSeeds = new TreeMap<>();
        for (Row r : result.pairs().collectAsList()) {
            ofSeeds.put(r.getString(0) + "-" + r.getString(1), sorted(r.getList(2)));
        }
        all.keySet().removeIf(pair -> !pair.contains("b") && !pair.contains("j1"));
        assertEquals(Map.of("a-b", List.of("email", "surname"), "b-c", List.of("surname")), all);
        assertEquals(all, ofSeeds, "the seeds' pairs, with the same rules");
        Blocking.RuleReport email = result.report().get(0);
        assertEquals(1, email.pairs(), "the seeds' blocks, counted in the index: a-b's");
        assertEquals(List.of(1L, 4L), List.of(email.skippedKeys(), email.skippedRecords()), "the junk block");
    }

    @Test
    void identitiesOfABlockThatCrossedItsCapAreTheUnsettledOnes() {
        List<MatchingConfig.BlockingRule> rules =
                List.of(new MatchingConfig.BlockingRule("surname", List.of("surname"), 3));
        Dataset<Row> index = Blocking.keys(
                nodes(new String[][] {
                    {"a", null, "lee"},
                    {"b", null, "lee"},
                    {"c", null, "lee"},
                    {"d", null, "park"},
                    {"e", null, "park"},
                    {"f", null, "park"},
                    {"g", null, "park"},
                    {"h", null, "kim"},
                    {"i", null, "kim"}
                }),
                rules);
        // t joins lee (3 -> 4: over the cap), g leaves park (4 -> 3: under it), h leaves kim (2 -> 1: still under).
        Dataset<Row> added = Blocking.keys(nodes(new String[][] {{"t", null, "lee"}}), rules);
        Dataset<Row> gone = spark.createDataFrame(
                List.of(RowFactory.create("t"), RowFactory.create("g"), RowFactory.create("h")),
                new StructType().add("signature", DataTypes.StringType));

        List<String> unsettled = new ArrayList<>();
        Blocking.crossedCap(index, gone, added, rules).collectAsList().forEach(r -> unsettled.add(r.getString(0)));
        unsettled.sort(null);

        assertEquals(List.of("a", "b", "c", "d", "e", "f"), unsettled, "neither the touched nor the gone ones");
    }

    private static List<String> sorted(List<String> rules) {
        List<String> copy = new ArrayList<>(rules);
        copy.sort(null);
        return copy;
    }
}
