package io.c360.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.c360.config.C360Config;
import io.c360.config.C360Config.LineageSettings;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline run's OpenLineage events, received as a catalog would receive them: over HTTP on a local
 * endpoint. The run is on a copy of the sample lake with nothing new landed, so it is quick, and its
 * events still describe every stage's tables.
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class OpenLineageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCatalogReceivesTheRunTheDatasetGraphAndAGoldColumnsLineage(SparkSession spark, @TempDir Path dir)
            throws IOException {
        List<String> paths = Collections.synchronizedList(new ArrayList<>());
        List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
        HttpServer catalog = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        catalog.createContext("/", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            events.add(JSON.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        catalog.start();
        Pipeline.Outcome outcome;
        SampleLake.Site site;
        try {
            site = copy(spark, dir);
            C360Config config = site.config()
                    .withLineage(new LineageSettings(
                            LineageSettings.Transport.http,
                            Optional.of(
                                    "http://127.0.0.1:" + catalog.getAddress().getPort()),
                            Optional.empty(),
                            Optional.empty(),
                            "c360_test"));
            outcome = new Pipeline(site.lake(), config, line -> {}, site.gold())
                    .run(List.of(Pipeline.Stage.values()), SampleLake.AS_OF, false);
        } finally {
            catalog.stop(0);
        }

        assertTrue(outcome.succeeded(), () -> "run failed: " + outcome.run().failure());
        assertTrue(paths.stream().allMatch("/api/v1/lineage"::equals), "OpenLineage's endpoint: " + paths);
        JsonNode started = only(events, "pipeline", "START");
        JsonNode completed = only(events, "pipeline", "COMPLETE");
        assertEquals(started.at("/run/runId"), completed.at("/run/runId"));
        assertEquals("c360_test", completed.at("/job/namespace").asText());

        String lake = LineageEvents.lakeNamespace(site.lake().root());
        JsonNode silver = only(events, "pipeline.silver", "COMPLETE");
        JsonNode gold = only(events, "pipeline.gold", "COMPLETE");
        assertEquals(
                started.at("/run/runId"), silver.at("/run/facets/parent/run/runId"), "a stage's parent is the run");
        assertTrue(
                names(silver.get("inputs")).stream().anyMatch(n -> n.startsWith("bronze.")),
                "silver reads bronze: " + names(silver.get("inputs")));
        assertTrue(names(silver.get("outputs")).contains("silver.golden_records"));
        assertTrue(names(gold.get("inputs")).contains("silver.golden_records"));
        assertTrue(names(gold.get("outputs")).contains("gold.customer"));
        JsonNode customer = dataset(gold.get("outputs"), "gold.customer");
        assertEquals(lake, customer.get("namespace").asText(), "datasets live in the lake's namespace");
        assertTrue(
                StreamSupport.stream(customer.at("/facets/schema/fields").spliterator(), false)
                        .anyMatch(f -> f.get("name").asText().equals("email")),
                "the schema facet lists the columns");

        JsonNode email = customer.at("/facets/columnLineage/fields/email/inputFields");
        assertTrue(
                StreamSupport.stream(email.spliterator(), false)
                        .anyMatch(f -> f.get("namespace").asText().equals(lake)
                                && f.get("name").asText().equals("silver.golden_records")
                                && f.get("field").asText().equals("email")
                                && f.at("/transformations/0/subtype").asText().equals("IDENTITY")),
                "gold.customer.email comes from silver.golden_records.email as it is: " + email);

        JsonNode goldQuality = only(events, "pipeline.gold.quality", "COMPLETE");
        JsonNode assertions =
                dataset(goldQuality.get("inputs"), "gold.customer").at("/inputFacets/dataQualityAssertions/assertions");
        assertTrue(assertions.size() > 0, "the gold gate's checks on gold.customer: " + goldQuality);
        assertTrue(assertions.get(0).has("success"));
    }

    @Test
    void aCatalogThatIsDownFailsNoRun(SparkSession spark, @TempDir Path dir) throws IOException {
        HttpServer gone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int port = gone.getAddress().getPort();
        gone.stop(0);
        SampleLake.Site site = copy(spark, dir);
        C360Config config = site.config()
                .withLineage(new LineageSettings(
                        LineageSettings.Transport.http,
                        Optional.of("http://127.0.0.1:" + port),
                        Optional.empty(),
                        Optional.empty(),
                        "c360"));
        List<String> progress = Collections.synchronizedList(new ArrayList<>());

        Pipeline.Outcome outcome = new Pipeline(site.lake(), config, progress::add, site.gold())
                .run(List.of(Pipeline.Stage.gold), SampleLake.AS_OF, false);

        assertTrue(outcome.succeeded(), () -> "run failed: " + outcome.run().failure());
        List<String> warnings =
                progress.stream().filter(l -> l.startsWith("lineage:")).toList();
        assertTrue(
                warnings.stream().anyMatch(w -> w.contains("START of the run") && w.contains("not sent")),
                "the undelivered events are warned about: " + warnings);
        assertFalse(warnings.stream().anyMatch(w -> w.contains("\n\tat ")), "a warning, not a stack trace");
    }

    /** A copy of the sample lake reading the landing folder the sample run read, so nothing is new. */
    private static SampleLake.Site copy(SparkSession spark, Path dir) {
        SampleLake.Site shared = SampleLake.shared();
        SampleLake.copyTree(shared.home().resolve("lake"), dir.resolve("lake"));
        SampleLake.Site site = SampleLake.site(spark, dir, shared.landing());
        site.lake().registerAll();
        return site;
    }

    private static JsonNode only(List<JsonNode> events, String job, String type) {
        List<JsonNode> found = events.stream()
                .filter(e -> e.at("/job/name").asText().equals(job)
                        && e.get("eventType").asText().equals(type))
                .toList();
        assertEquals(1, found.size(), () -> "one " + type + " event of job " + job + " among " + events.size());
        return found.get(0);
    }

    private static Set<String> names(JsonNode datasets) {
        return StreamSupport.stream(datasets.spliterator(), false)
                .map(d -> d.get("name").asText())
                .collect(Collectors.toSet());
    }

    private static JsonNode dataset(JsonNode datasets, String name) {
        return StreamSupport.stream(datasets.spliterator(), false)
                .filter(d -> d.get("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not among " + names(datasets)));
    }
}
