package io.c360.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.ops.Pipeline;
import io.c360.ops.RunLog;
import io.c360.synth.GeneratorSettings;
import io.c360.synth.SyntheticSources;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lake on {@code s3a://}: bronze → silver → gold on a tiny generated data set against an in-process
 * S3-compatible server (s3proxy over an in-memory store), with the credentials given the way an
 * operator gives them (per-bucket {@code fs.s3a.*} settings), and the secret key nowhere in what c360
 * prints, logs or reports.
 */
@ExtendWith(SparkExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("cluster")
class S3LakeTest {
    static final Instant AS_OF = Instant.parse("2026-11-02T00:00:00Z");
    private static final String ACCESS_KEY =
            "c360-test-access-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String SECRET_KEY = "c360-test-secret-" + UUID.randomUUID();

    private final SparkSession spark;
    private final String bucket = "c360-s3-lake-" + UUID.randomUUID().toString().substring(0, 8);
    private final String missingBucket = bucket + "-missing";
    private final List<String> progress = Collections.synchronizedList(new ArrayList<>());
    private BlobStoreContext store;
    private S3Proxy s3;
    private C360Config cfg;
    private Pipeline.Outcome outcome;

    S3LakeTest(SparkSession spark) {
        this.spark = spark;
    }

    @BeforeAll
    void pipelineOnS3(@TempDir Path home) throws Exception {
        store = ContextBuilder.newBuilder("transient")
                .credentials(ACCESS_KEY, SECRET_KEY)
                .build(BlobStoreContext.class);
        s3 = S3Proxy.builder()
                .blobStore(store.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        s3.start();
        for (int i = 0; i < 200 && !"STARTED".equals(s3.getState()); i++) {
            Thread.sleep(25);
        }
        assertEquals("STARTED", s3.getState(), "s3proxy started");
        store.getBlobStore().createContainerInLocation(null, bucket);
        configureBucket(bucket);
        configureBucket(missingBucket);

        Path landing = home.resolve("landing");
        SyntheticSources.generate(GeneratorSettings.defaults(35, 5), landing, Progress.silent());
        cfg = C360Config.load(Path.of(C360Config.DEFAULT_FILE))
                .withLocations("s3a://" + bucket + "/lake", landing.toString());
        outcome = new Pipeline(new Lake(spark, cfg.lakeRoot()), cfg, progress::add)
                .run(List.of(Pipeline.Stage.values()), AS_OF, false);
    }

    /** Per-bucket S3A settings on the shared session: this bucket only, so other tests' file systems are untouched. */
    private void configureBucket(String name) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        settings(name).forEach(hadoop::set);
    }

    private Map<String, String> settings(String name) {
        String p = "fs.s3a.bucket." + name + ".";
        return Map.of(
                p + "endpoint", "http://127.0.0.1:" + s3.getPort(),
                p + "endpoint.region", "us-east-1",
                p + "path.style.access", "true",
                p + "connection.ssl.enabled", "false",
                p + "aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
                p + "access.key", ACCESS_KEY,
                p + "secret.key", SECRET_KEY,
                p + "attempts.maximum", "1",
                p + "retry.limit", "1");
    }

    @AfterAll
    void stopS3() throws Exception {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        for (String name : List.of(bucket, missingBucket)) {
            FileSystem.get(URI.create("s3a://" + name + "/"), hadoop).close();
            settings(name).keySet().forEach(hadoop::unset);
        }
        if (s3 != null) {
            s3.stop();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void goldIsPublishedInTheBucket() {
        assertTrue(outcome.succeeded(), () -> "run failed: " + outcome.run().failure());
        long customers = spark.read()
                .format("delta")
                .load("s3a://" + bucket + "/lake/gold/customer")
                .count();
        assertTrue(customers > 0, "gold.customer has rows read back from s3a");
        List<String> log = keys("lake/gold/customer/_delta_log/");
        assertTrue(
                log.contains("lake/gold/customer/_delta_log/00000000000000000000.json"),
                "Delta log in the bucket: " + log);
        assertTrue(
                keys("lake/silver/_model/").stream().anyMatch(k -> k.matches("lake/silver/_model/model-v\\d+\\.json")),
                "the trained model is saved in the bucket");
        assertFalse(keys("lake/_lock").contains("lake/_lock"), "the lake lock is released");
    }

    @Test
    void runIsLoggedAndReportedInTheBucket() {
        String runId = outcome.run().runId();
        List<Row> runs = spark.read()
                .format("delta")
                .load(cfg.lakeRoot() + "/" + RunLog.TABLE.layer() + "/" + RunLog.TABLE.name())
                .filter(col("run_id").equalTo(runId))
                .select("status")
                .collectAsList();
        assertEquals(
                List.of("succeeded"),
                runs.stream().map(r -> r.getString(0)).toList(),
                "ops.pipeline_runs row of the run");
        String reportKey = "lake/_reports/run-" + runId + ".html";
        assertEquals("s3a://" + bucket + "/" + reportKey, outcome.report());
        assertTrue(object(reportKey).startsWith("<!DOCTYPE html>"), "the HTML report is in the bucket");
        assertEquals(object(reportKey), object("lake/_reports/latest.html"));
    }

    @Test
    void secretKeyAppearsInNoOutputOfTheRun() {
        assertFalse(progress.isEmpty(), "progress lines were captured");
        progress.forEach(line -> assertFalse(line.contains(SECRET_KEY), "progress line holds the secret: " + line));
        assertFalse(
                object("lake/_reports/run-" + outcome.run().runId() + ".html").contains(SECRET_KEY),
                "report holds the secret");
        spark.read()
                .format("delta")
                .load(cfg.lakeRoot() + "/ops/pipeline_runs")
                .select(to_json(struct(col("*"))))
                .collectAsList()
                .forEach(r -> assertFalse(r.getString(0).contains(SECRET_KEY), "ops.pipeline_runs holds the secret"));
    }

    @Test
    void failureOnAMissingBucketNamesTheBucketButNotTheSecret() {
        C360Config missing = cfg.withLocations("s3a://" + missingBucket + "/lake", cfg.landingRoot());
        RuntimeException e = assertThrows(
                RuntimeException.class,
                () -> new Pipeline(new Lake(spark, missing.lakeRoot()), missing, progress::add)
                        .run(List.of(Pipeline.Stage.bronze), AS_OF, false));
        assertTrue(e.getMessage().contains(missingBucket), "the error names the lake: " + e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(SECRET_KEY), "message holds the secret: " + t);
        }
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(SECRET_KEY), "stack trace holds the secret");
    }

    /**
     * Delta does not log VACUUM on S3 by default, so without erasure asking for it, the history would be
     * kept from the delete's own commit, whose file statistics name the deleted value.
     */
    @Test
    void purgeLeavesTheDeletedValueInNoObject() {
        String location = "s3a://" + bucket + "/scratch/people";
        Lake lake = new Lake(spark, "s3a://" + bucket + "/scratch");
        LakePurgeTest.deleteOneOfTwoPeople(spark, lake, location);

        Lake.PurgeResult purged = lake.purge(location, 0, true);

        assertTrue(purged.filesRemoved() >= 1 && purged.logEntriesRemoved() >= 3, purged.toString());
        assertEquals(
                List.of("kept@example.com"),
                spark.read()
                        .format("delta")
                        .load(location)
                        .select("email")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
        List<String> objects = keys("scratch/people/");
        assertTrue(objects.stream().anyMatch(k -> k.contains("checkpoint")), "a checkpoint in the bucket: " + objects);
        for (String key : objects) {
            if (key.endsWith(".parquet")) {
                assertEquals(
                        0,
                        spark.read()
                                .parquet("s3a://" + bucket + "/" + key)
                                .toJSON()
                                .filter(col("value").contains("gone@"))
                                .count(),
                        key);
            } else {
                assertFalse(object(key).contains("gone@"), key);
            }
        }
    }

    /** Object keys under a prefix, listed by the store itself (not through S3A). */
    private List<String> keys(String prefix) {
        List<String> found = new ArrayList<>();
        String marker = null;
        do {
            ListContainerOptions options =
                    ListContainerOptions.Builder.prefix(prefix).recursive();
            if (marker != null) {
                options.afterMarker(marker);
            }
            var page = store.getBlobStore().list(bucket, options);
            page.stream().map(StorageMetadata::getName).forEach(found::add);
            marker = page.getNextMarker();
        } while (marker != null);
        return found;
    }

    private String object(String key) {
        var blob = store.getBlobStore().getBlob(bucket, key);
        assertTrue(blob != null, "object " + key + " in bucket " + bucket);
        try (InputStream in = blob.getPayload().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
