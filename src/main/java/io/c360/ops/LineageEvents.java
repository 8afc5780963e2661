package io.c360.ops;

import io.c360.Progress;
import io.c360.config.C360Config;
import io.c360.config.C360Config.LineageSettings;
import io.c360.gold.ColumnLineage;
import io.c360.gold.GoldDefinitions;
import io.c360.gold.GoldLineage;
import io.c360.lake.Lake;
import io.c360.lake.Secrets;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.ConsoleTransport;
import io.openlineage.client.transports.FileConfig;
import io.openlineage.client.transports.FileTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.Transport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A pipeline run as OpenLineage events, sent through the OpenLineage client to the transport of the
 * configuration's {@code lineage:} section (none by default: then nothing is built or sent).
 *
 * <p>The run is the job {@code pipeline}; each stage is a job {@code pipeline.<stage>} whose runs name
 * the pipeline's run as parent, with the stage's input and output tables (dataset namespace: the lake
 * root; name: {@code layer.name}; the schema of each), the column lineage of every gold table from its
 * SQL ({@link GoldLineage}), and the stage's quality gate as a job {@code pipeline.<stage>.quality}
 * reading the tables it checked, each with the assertions checked on it and whether they held.
 *
 * <p>Lineage never decides a run: an event that cannot be built or sent is a warning on the progress
 * channel (with credentials blanked out and no value of any table in it) and the run goes on.
 */
final class LineageEvents implements AutoCloseable {
    private static final URI PRODUCER = URI.create("urn:c360:pipeline");
    private static final String JOB = "pipeline";

    private final Lake lake;
    private final C360Config config;
    private final Progress progress;
    private final LineageSettings settings;
    private final Optional<OpenLineageClient> client;
    private final OpenLineage ol = new OpenLineage(PRODUCER);
    private final String namespace;
    private String runId = "";
    private UUID run;

    private LineageEvents(Lake lake, C360Config config, Progress progress, Optional<OpenLineageClient> client) {
        this.lake = lake;
        this.config = config;
        this.progress = progress;
        this.settings = config.lineage();
        this.client = client;
        this.namespace = lakeNamespace(lake.root());
    }

    /** The events of a run under this configuration; without a transport, a recorder of nothing. */
    static LineageEvents open(Lake lake, C360Config config, Progress progress) {
        LineageSettings settings = config.lineage();
        Optional<OpenLineageClient> client = Optional.empty();
        if (settings.enabled()) {
            try {
                client = Optional.of(new OpenLineageClient(transport(settings, progress)));
            } catch (RuntimeException e) {
                progress.report(Secrets.redact(
                        "lineage: cannot set up the " + settings.transport() + " transport, no events are sent: "
                                + e.getMessage(),
                        lake.spark()));
            }
        }
        return new LineageEvents(lake, config, progress, client);
    }

    private static Transport transport(LineageSettings settings, Progress progress) {
        return switch (settings.transport()) {
            case console -> new ConsoleTransport();
            case file -> new FileTransport(new FileConfig(settings.path().orElseThrow()));
            case http -> {
                HttpConfig http = new HttpConfig();
                http.setUrl(URI.create(settings.url().orElseThrow()));
                http.setTimeoutInMillis(10_000);
                settings.apiKeyEnv().ifPresent(name -> {
                    String token = System.getenv(name);
                    if (token == null || token.isBlank()) {
                        progress.report("lineage: environment variable " + name
                                + " (lineage.api_key_env) is not set; events are sent without a token");
                    } else {
                        ApiKeyTokenProvider auth = new ApiKeyTokenProvider();
                        auth.setApiKey(token);
                        http.setAuth(auth);
                    }
                });
                yield new HttpTransport(http);
            }
            case none -> throw new IllegalStateException("no transport");
        };
    }

    void runStarted(String runId, Instant startedAt) {
        this.runId = runId;
        this.run = uuid(runId);
        send(
                "START of the run",
                () -> event(
                        OpenLineage.RunEvent.EventType.START,
                        startedAt,
                        ol.newRun(run, null),
                        job(JOB),
                        List.of(),
                        List.of()));
    }

    void runEnded(boolean failed, Optional<String> failure) {
        send(
                (failed ? "FAIL" : "COMPLETE") + " of the run",
                () -> event(
                        failed ? OpenLineage.RunEvent.EventType.FAIL : OpenLineage.RunEvent.EventType.COMPLETE,
                        Instant.now(),
                        ol.newRun(run, runFacets(Optional.empty(), failure)),
                        job(JOB),
                        List.of(),
                        List.of()));
    }

    void stageStarted(Pipeline.Stage stage) {
        send(
                "START of stage " + stage,
                () -> event(
                        OpenLineage.RunEvent.EventType.START,
                        Instant.now(),
                        stageRun(stage.name(), Optional.empty()),
                        job(JOB + "." + stage),
                        List.of(),
                        List.of()));
    }

    /**
     * A stage ended: its inputs and outputs as they are now, and its gate's outcomes ({@code quality}:
     * the checks run after the stage, on the tables they name).
     */
    void stageEnded(
            Pipeline.Stage stage,
            Optional<String> failure,
            List<CheckOutcome> quality,
            Optional<GoldDefinitions> gold) {
        send((failure.isPresent() ? "FAIL" : "COMPLETE") + " of stage " + stage, () -> {
            Map<TableName, Map<String, ColumnLineage.Derivation>> columns = new LinkedHashMap<>();
            Set<TableName> inputs = new LinkedHashSet<>();
            Set<TableName> outputs = new LinkedHashSet<>();
            List<OpenLineage.InputDataset> landing = new ArrayList<>();
            List<TableName> layer = lake.layerTables();
            switch (stage) {
                case bronze -> {
                    for (C360Config.SourceConfig s : config.sources()) {
                        landing.add(ol.newInputDatasetBuilder()
                                .namespace(lakeNamespace(config.landingRoot()))
                                .name(s.path())
                                .build());
                        outputs.add(TableName.bronze(s.name()));
                    }
                    outputs.add(TableCatalog.QUARANTINE);
                    outputs.add(TableCatalog.INGEST_LOG);
                }
                case silver -> {
                    config.sources().forEach(s -> inputs.add(TableName.bronze(s.name())));
                    inputs.add(TableCatalog.STEWARD_DECISIONS);
                    layer.stream()
                            .filter(t -> t.layer().equals("silver") && !t.equals(TableCatalog.STEWARD_DECISIONS))
                            .forEach(outputs::add);
                }
                case gold -> {
                    GoldDefinitions definitions =
                            gold.orElseGet(() -> GoldDefinitions.load(config.requireGoldFolder()));
                    GoldLineage.Analysis analysis = GoldLineage.analyze(lake, config, definitions);
                    columns.putAll(analysis.tables());
                    analysis.reads().values().forEach(inputs::addAll);
                    definitions.tables().forEach(t -> outputs.add(TableName.gold(t.name())));
                    outputs.add(TableCatalog.SEGMENT_MEMBERSHIP);
                    outputs.add(TableCatalog.SEGMENT_SIZES);
                    inputs.removeAll(outputs);
                }
            }
            inputs.retainAll(layer);
            outputs.retainAll(layer);
            List<OpenLineage.InputDataset> in = new ArrayList<>(landing);
            inputs.forEach(t -> in.add(ol.newInputDatasetBuilder()
                    .namespace(namespace)
                    .name(t.toString())
                    .facets(ol.newDatasetFacetsBuilder().schema(schema(t)).build())
                    .build()));
            List<OpenLineage.OutputDataset> out = new ArrayList<>();
            for (TableName t : outputs) {
                OpenLineage.DatasetFacetsBuilder facets =
                        ol.newDatasetFacetsBuilder().schema(schema(t));
                if (columns.containsKey(t)) {
                    facets.columnLineage(columnLineage(columns.get(t)));
                }
                out.add(ol.newOutputDatasetBuilder()
                        .namespace(namespace)
                        .name(t.toString())
                        .facets(facets.build())
                        .build());
            }
            return event(
                    failure.isPresent() ? OpenLineage.RunEvent.EventType.FAIL : OpenLineage.RunEvent.EventType.COMPLETE,
                    Instant.now(),
                    stageRun(stage.name(), failure),
                    job(JOB + "." + stage),
                    in,
                    out);
        });
        if (!quality.isEmpty()) {
            send("quality of stage " + stage, () -> qualityEvent(stage, quality));
        }
    }

    /** The gate as a run of its own, reading the tables it checked, each with its assertions. */
    private OpenLineage.RunEvent qualityEvent(Pipeline.Stage stage, List<CheckOutcome> quality) {
        Map<String, List<OpenLineage.DataQualityAssertionsDatasetFacetAssertions>> byTable = new LinkedHashMap<>();
        for (CheckOutcome o : quality) {
            byTable.computeIfAbsent(o.table(), t -> new ArrayList<>())
                    .add(ol.newDataQualityAssertionsDatasetFacetAssertionsBuilder()
                            .assertion(o.check())
                            .success(o.passed())
                            .build());
        }
        List<OpenLineage.InputDataset> checked = new ArrayList<>();
        byTable.forEach((table, assertions) -> checked.add(ol.newInputDatasetBuilder()
                .namespace(namespace)
                .name(table)
                .inputFacets(ol.newInputDatasetInputFacetsBuilder()
                        .dataQualityAssertions(ol.newDataQualityAssertionsDatasetFacet(assertions))
                        .build())
                .build()));
        boolean blocked = quality.stream().anyMatch(CheckOutcome::blocks);
        return event(
                blocked ? OpenLineage.RunEvent.EventType.FAIL : OpenLineage.RunEvent.EventType.COMPLETE,
                Instant.now(),
                stageRun(stage + ".quality", Optional.empty()),
                job(JOB + "." + stage + ".quality"),
                checked,
                List.of());
    }

    private OpenLineage.ColumnLineageDatasetFacet columnLineage(Map<String, ColumnLineage.Derivation> columns) {
        OpenLineage.ColumnLineageDatasetFacetFieldsBuilder fields = ol.newColumnLineageDatasetFacetFieldsBuilder();
        columns.forEach((column, d) -> {
            List<OpenLineage.InputField> inputs = new ArrayList<>();
            for (ColumnLineage.SourceColumn s : d.sources()) {
                boolean value = d.values().contains(s);
                inputs.add(ol.newInputField(
                        namespace,
                        s.table().toString(),
                        s.column(),
                        List.of(ol.newInputFieldTransformations(
                                value || !d.passThrough() ? "DIRECT" : "INDIRECT",
                                value ? "IDENTITY" : d.passThrough() ? "CONDITIONAL" : "TRANSFORMATION",
                                null,
                                null))));
            }
            fields.put(
                    column,
                    ol.newColumnLineageDatasetFacetFieldsAdditional(
                            inputs, null, d.passThrough() ? "IDENTITY" : "TRANSFORMATION"));
        });
        return ol.newColumnLineageDatasetFacet(fields.build(), null);
    }

    private OpenLineage.SchemaDatasetFacet schema(TableName table) {
        StructType schema = lake.read(table).schema();
        List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
        for (StructField f : schema.fields()) {
            fields.add(ol.newSchemaDatasetFacetFields(
                    f.name(), f.dataType().simpleString(), f.getComment().getOrElse(() -> null), null));
        }
        return ol.newSchemaDatasetFacet(fields);
    }

    private OpenLineage.Run stageRun(String stage, Optional<String> failure) {
        return ol.newRun(uuid(runId + "/" + stage), runFacets(Optional.of(stage), failure));
    }

    private OpenLineage.RunFacets runFacets(Optional<String> stage, Optional<String> failure) {
        OpenLineage.RunFacetsBuilder facets = ol.newRunFacetsBuilder();
        stage.ifPresent(s -> facets.parent(ol.newParentRunFacet(
                ol.newParentRunFacetRun(run), ol.newParentRunFacetJob(settings.namespace(), JOB))));
        failure.ifPresent(
                f -> facets.errorMessage(ol.newErrorMessageRunFacet(Secrets.redact(f, lake.spark()), "Java", null)));
        return facets.build();
    }

    private OpenLineage.Job job(String name) {
        return ol.newJobBuilder().namespace(settings.namespace()).name(name).build();
    }

    private OpenLineage.RunEvent event(
            OpenLineage.RunEvent.EventType type,
            Instant at,
            OpenLineage.Run run,
            OpenLineage.Job job,
            List<OpenLineage.InputDataset> inputs,
            List<OpenLineage.OutputDataset> outputs) {
        return ol.newRunEvent(ZonedDateTime.ofInstant(at, ZoneOffset.UTC), type, run, job, inputs, outputs);
    }

    /** Builds and sends an event; a failure of either is a warning, never the run's. */
    private void send(String what, Supplier<OpenLineage.RunEvent> event) {
        if (client.isEmpty()) {
            return;
        }
        try {
            client.get().emit(event.get());
        } catch (RuntimeException | LinkageError e) {
            progress.report(Secrets.redact(
                    "lineage: the " + what + " event was not sent (" + settings.transport() + " transport): "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    lake.spark()));
        }
    }

    @Override
    public void close() {
        if (client.isPresent()) {
            try {
                client.get().close();
            } catch (Exception e) {
                progress.report("lineage: closing the " + settings.transport() + " transport failed: "
                        + e.getClass().getSimpleName());
            }
        }
    }

    /** A run id as the UUID OpenLineage wants: the same run id always gives the same UUID. */
    static UUID uuid(String id) {
        return UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }

    /** A location as a URI: {@code s3a://...} as it is, a local folder as {@code file:} with its absolute path. */
    static String lakeNamespace(String location) {
        if (location.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return location;
        }
        String uri = Path.of(location).toAbsolutePath().normalize().toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
