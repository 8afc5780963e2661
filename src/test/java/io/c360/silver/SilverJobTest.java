package io.c360.silver;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.eval.Evaluation;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silver end to end on generated sources (the shared sample lake, copied): tables, quality floor,
 * stable ids, steward overrides.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class SilverJobTest {
    private final SparkSession spark;

    @TempDir
    Path home;

    SilverJobTest(SparkSession spark) {
        this.spark = spark;
    }

    private Map<String, String> ids(Lake lake) {
        return lake.read(TableCatalog.CUSTOMER_ID_MAP).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    }

    @Test
    void resolvesGeneratedSourcesKeepsIdsOnRerunAndObeysStewards() {
        // The shared sample lake's pipeline ran silver once on its generated sources: that is the first run.
        SampleLake.Site site = SampleLake.copy(home);
        SilverJob.Result first = SampleLake.sharedRun().silver().orElseThrow();
        C360Config cfg = site.config();
        Lake lake = site.lake();
        SilverConfig silver = SilverConfig.load(cfg.requireSilverFolder());

        assertTrue(first.model().trained());
        assertEquals(
                first.counts().records(),
                lake.read(TableCatalog.CUSTOMER_ID_MAP).count(),
                "every record has a customer id");
        assertEquals(
                first.counts().customers(),
                lake.read(TableCatalog.GOLDEN_RECORDS).count(),
                "one golden record per customer");
        assertTrue(lake.exists(TableCatalog.MATCH_REVIEW)
                && lake.exists(TableCatalog.SCORED_PAIRS)
                && lake.exists(TableCatalog.BLOCKING_REPORT));
        Evaluation.Report quality = Evaluation.ofLake(lake, cfg, false);
        assertTrue(quality.pairwise().f1() > 0.8, "pairwise F1 on generated data: " + quality.pairwise());
        assertTrue(quality.blockingRecall() > 0.8, "blocking recall: " + quality.blockingRecall());

        Map<String, String> before = ids(lake);
        long pairsVersion = lake.version(TableCatalog.SCORED_PAIRS);
        long mapVersion = lake.version(TableCatalog.CUSTOMER_ID_MAP);
        SilverJob.Result second = new SilverJob(lake, cfg, silver, Progress.silent(), false).run();
        assertFalse(second.model().trained(), "the saved model is reused");
        assertEquals(before, ids(lake), "a re-run on unchanged input changes no customer id");
        assertEquals(0, second.counts().redirects());
        assertEquals(0, second.work().scoredPairs(), "nothing changed: nothing is scored again");
        assertEquals(
                List.of(pairsVersion, mapVersion),
                List.of(lake.version(TableCatalog.SCORED_PAIRS), lake.version(TableCatalog.CUSTOMER_ID_MAP)),
                "nothing changed: the silver tables are not rewritten");
        assertEquals(
                List.of(
                        first.counts().candidatePairs(),
                        first.counts().linkedPairs(),
                        first.counts().customers()),
                List.of(
                        second.counts().candidatePairs(),
                        second.counts().linkedPairs(),
                        second.counts().customers()),
                "the result describes the tables that stand");

        // A steward says two records of one customer are different people: the next run separates them.
        List<Row> oneCustomer = lake.read(TableCatalog.CUSTOMER_ID_MAP)
                .join(
                        lake.read(TableCatalog.IDENTITY_RECORDS).select("record_key", IdentityRecords.SIGNATURE),
                        "record_key")
                .groupBy("customer_id")
                .agg(
                        org.apache
                                .spark
                                .sql
                                .functions
                                .collect_set(IdentityRecords.SIGNATURE)
                                .as("s"),
                        org.apache
                                .spark
                                .sql
                                .functions
                                .min(org.apache.spark.sql.functions.struct(
                                        col(IdentityRecords.SIGNATURE), col("record_key")))
                                .as("a"),
                        org.apache
                                .spark
                                .sql
                                .functions
                                .max(org.apache.spark.sql.functions.struct(
                                        col(IdentityRecords.SIGNATURE), col("record_key")))
                                .as("b"))
                .filter(org.apache.spark.sql.functions.size(col("s")).equalTo(2))
                .limit(1)
                .collectAsList();
        assertFalse(oneCustomer.isEmpty(), "some customer joins two distinct identities");
        String a = oneCustomer.get(0).<Row>getAs("a").getString(1);
        String b = oneCustomer.get(0).<Row>getAs("b").getString(1);
        StructType schema = new StructType()
                .add("record_key_l", DataTypes.StringType)
                .add("record_key_r", DataTypes.StringType)
                .add("decision", DataTypes.StringType)
                .add("steward", DataTypes.StringType)
                .add("decided_at", DataTypes.TimestampType);
        Dataset<Row> decision = spark.createDataFrame(
                List.of(RowFactory.create(a, b, "non_match", "test", new Timestamp(System.currentTimeMillis()))),
                schema);
        lake.append(TableCatalog.STEWARD_DECISIONS, decision);

        new SilverJob(lake, cfg, silver, Progress.silent(), false).run();
        Map<String, String> after = ids(lake);
        assertNotEquals(after.get(a), after.get(b), "the steward's non-match wins over the model");
        Optional<Row> split =
                lake.read(TableCatalog.REDIRECTS).filter(col("reason").equalTo("split")).collectAsList().stream()
                        .findFirst();
        assertTrue(split.isPresent(), "the split is recorded as a redirect");
    }
}
