package io.c360.steward;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.silver.Explanation;
import io.c360.silver.SilverConfig;
import io.c360.silver.SilverJob;
import io.c360.test.SampleLake;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A steward's day on a copy of the sample lake: review, look up, correct, revoke; then silver obeys. */
@Tag("pipeline")
class StewardshipTest {
    @TempDir
    Path dir;

    @Test
    void correctionsAreRecordedAtOnceAndObeyedByTheNextSilverRun() {
        SampleLake.Site site = SampleLake.copy(dir);
        Lake lake = site.lake();
        Stewardship stewardship = new Stewardship(lake, site.config());

        // The queue: most consequential first, every pair with the model's evidence adding up.
        List<Stewardship.ReviewPair> queue = stewardship.queue(50);
        assertFalse(queue.isEmpty(), "the sample lake leaves pairs for review");
        for (int i = 1; i < queue.size(); i++) {
            assertTrue(queue.get(i - 1).priority() >= queue.get(i).priority(), "ordered by priority");
        }
        Stewardship.ReviewPair first = queue.get(0);
        Stewardship.PairView pair = stewardship.pair(first.recordKeyL(), first.recordKeyR());
        Explanation.Result evidence = pair.evidence().orElseThrow();
        double total = evidence.priorWeight()
                + evidence.steps().stream()
                        .mapToDouble(Explanation.Step::weight)
                        .sum();
        assertEquals(evidence.matchWeight(), total, 1e-6, "the waterfall adds up to the match weight");
        assertEquals(first.probability(), evidence.probability(), 1e-9);
        assertFalse(pair.left().attributes().isEmpty());

        // Two stewards decide the first pair: it leaves the queue at once, both stay recorded, the later wins.
        stewardship.decide(first.recordKeyR(), first.recordKeyL(), "match", "bob", Optional.empty());
        Decisions.Change rejected =
                stewardship.decide(first.recordKeyL(), first.recordKeyR(), "non_match", "ada", Optional.of("twins"));
        assertEquals(
                Optional.of("non_match"),
                stewardship.pair(first.recordKeyL(), first.recordKeyR()).stewardDecision());
        assertEquals(
                2,
                lake.read(TableCatalog.STEWARD_DECISIONS)
                        .filter(col("steward").isin("ada", "bob"))
                        .count());
        assertTrue(stewardship.queue(50).stream()
                .noneMatch(p -> p.recordKeyL().equals(first.recordKeyL())
                        && p.recordKeyR().equals(first.recordKeyR())));
        assertEquals(rejected.changeId(), stewardship.changes(1).get(0).changeId());
        assertEquals("ada", stewardship.changes(1).get(0).steward());

        // Wrong input changes nothing.
        long before = lake.read(TableCatalog.STEWARD_DECISIONS).count();
        Refused missing = assertThrows(
                Refused.class,
                () -> stewardship.decide(first.recordKeyL(), "crm_contacts:NO-SUCH", "match", "ada", Optional.empty()));
        assertEquals(Refused.Why.not_found, missing.why());
        assertEquals(
                Refused.Why.invalid,
                assertThrows(
                                Refused.class,
                                () -> stewardship.decide(
                                        first.recordKeyL(), first.recordKeyR(), "maybe", "ada", Optional.empty()))
                        .why());
        assertEquals(
                Refused.Why.invalid,
                assertThrows(
                                Refused.class,
                                () -> stewardship.decide(
                                        first.recordKeyL(), first.recordKeyR(), "match", " ", Optional.empty()))
                        .why());

        // A customer of several identities: split one record off; splitting all of them is refused.
        Row big = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .join(lake.read(TableCatalog.IDENTITY_RECORDS).select("record_key", "signature"), "record_key")
                .groupBy("customer_id")
                .agg(
                        countDistinct("signature").as("identities"),
                        count("record_key").as("records"))
                .filter(col("identities").geq(3))
                .orderBy(col("records").desc(), col("customer_id"))
                .first();
        String customer = big.getAs("customer_id");
        Stewardship.CustomerView view = stewardship.customer(customer);
        assertFalse(view.golden().isEmpty(), "the golden record with the source of each field");
        assertTrue(view.golden().stream().anyMatch(f -> f.recordKey().isPresent()));
        assertTrue(
                view.golden().stream()
                        .filter(f -> f.field().equals("source_systems"))
                        .allMatch(f -> f.value().matches("[a-z_]+(, [a-z_]+)*")),
                "a list reads as its items");
        assertFalse(view.links().isEmpty(), "the links that joined its records");
        List<String> all =
                view.records().stream().map(Stewardship.RecordView::recordKey).toList();
        assertEquals(
                Refused.Why.conflict,
                assertThrows(Refused.class, () -> stewardship.split(customer, all, "ada", "all wrong"))
                        .why());
        Map<String, List<String>> bySignature = view.records().stream()
                .collect(Collectors.groupingBy(
                        r -> lake.read(TableCatalog.IDENTITY_RECORDS)
                                .filter(col("record_key").equalTo(r.recordKey()))
                                .first()
                                .getAs("signature"),
                        Collectors.mapping(Stewardship.RecordView::recordKey, Collectors.toList())));
        List<String> off = bySignature.values().stream()
                .min((a, b) -> a.get(0).compareTo(b.get(0)))
                .orElseThrow();
        assertEquals(before, lake.read(TableCatalog.STEWARD_DECISIONS).count(), "refusals wrote nothing");
        Decisions.Change split = stewardship.split(customer, off, "ada", "a different person");
        assertEquals("split", split.action());

        // Search finds the customer by a record id and by its id.
        assertTrue(stewardship.search(off.get(0), 5).stream()
                .anyMatch(h -> h.customerId().equals(customer)));
        assertEquals(customer, stewardship.search(customer, 5).get(0).customerId());

        // A merge, then revoked: the revocation is itself recorded, and a second one is refused.
        List<String> singles = lake
                .read(TableCatalog.CUSTOMER_ID_MAP)
                .groupBy("customer_id")
                .agg(count("record_key").as("n"))
                .filter(col("n").equalTo(1))
                .orderBy("customer_id")
                .limit(2)
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .toList();
        Decisions.Change merge = stewardship.merge(singles.get(0), singles.get(1), "bob", "same person");
        Decisions.Change revocation = stewardship.revoke(merge.changeId(), "ada", Optional.of("not sure"));
        assertEquals("revoke", revocation.action());
        assertFalse(stewardship.changes(10).stream()
                .filter(c -> c.changeId().equals(merge.changeId()))
                .findFirst()
                .orElseThrow()
                .standing());
        assertEquals(
                Refused.Why.conflict,
                assertThrows(Refused.class, () -> stewardship.revoke(merge.changeId(), "ada", Optional.empty()))
                        .why());

        // The next silver run obeys: the rejected pair apart, the split records apart from the rest, the merge undone.
        new SilverJob(lake, site.config(), SilverConfig.of(site.config()), Progress.silent(), false).run();
        Map<String, String> ids = lake.read(TableCatalog.CUSTOMER_ID_MAP).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
        assertNotEquals(ids.get(first.recordKeyL()), ids.get(first.recordKeyR()), "the later non-match holds");
        String splitOff = ids.get(off.get(0));
        for (String key : all) {
            if (!off.contains(key)) {
                assertNotEquals(splitOff, ids.get(key), key + " stays apart from the records split off");
            }
        }
        String mergedA = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .filter(col("customer_id").equalTo(singles.get(0)))
                .first()
                .getString(0);
        String mergedB = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .filter(col("customer_id").equalTo(singles.get(1)))
                .first()
                .getString(0);
        assertNotEquals(ids.get(mergedA), ids.get(mergedB), "the revoked merge was not applied");

        // The customer's id now names one side of the split only.
        List<String> now = new Stewardship(lake, site.config())
                .customer(customer).records().stream()
                        .map(Stewardship.RecordView::recordKey)
                        .toList();
        assertTrue(
                now.stream().allMatch(off::contains) || now.stream().noneMatch(off::contains),
                "one side of the split per customer");
    }
}
