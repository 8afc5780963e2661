package io.c360.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.c360.C360Exception;
import io.c360.Progress;
import io.c360.synth.SourceRecord.Malformation;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Writes the extracts of the six source systems, as those systems export them, plus the ground truth
 * ({@code _truth/}) and a manifest ({@code _manifest.json}, written last). Parts of
 * {@link GeneratorSettings#partSize()} persons are written in parallel; every value comes from
 * streams keyed by the seed and a person or block index, so the files are byte-identical for the
 * same settings whatever the number of threads.
 */
public final class SyntheticSources {
    static final String MANIFEST = "_manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long REPORT_EVERY_SECONDS = 5;
    private static final Comparator<SourceRecord> EXPORT_ORDER =
            Comparator.<SourceRecord, Source>comparing(r -> r.source).thenComparing(r -> r.id() == null ? "" : r.id());

    private SyntheticSources() {}

    /** What one part wrote. */
    private record PartResult(Map<Source, Long> counts, long truthRows) {}

    public static GenerationSummary generate(GeneratorSettings settings, Path out, Progress progress) {
        return generate(settings, out, progress, Runtime.getRuntime().availableProcessors());
    }

    static GenerationSummary generate(GeneratorSettings settings, Path out, Progress progress, int threads) {
        long started = System.nanoTime();
        int parts = settings.parts();
        int workers = Math.max(1, Math.min(threads, parts));
        progress.report(String.format(
                Locale.ROOT,
                "generating %,d persons (seed %d) into %s: %d part(s) on %d thread(s)",
                settings.persons(),
                settings.seed(),
                out,
                parts,
                workers));
        prepare(out);
        Map<Long, Integer> malformed = malformedPersons(settings);
        AtomicLong personsDone = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(workers, daemon("c360-generate"));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("c360-generate-progress"));
        Map<Source, Long> counts = new EnumMap<>(Source.class);
        long truthRows = 0;
        try {
            ticker.scheduleAtFixedRate(
                    () -> progress.report(String.format(
                            Locale.ROOT,
                            "%,d of %,d persons written (%.0f%%)",
                            personsDone.get(),
                            settings.persons(),
                            100.0 * personsDone.get() / settings.persons())),
                    REPORT_EVERY_SECONDS,
                    REPORT_EVERY_SECONDS,
                    TimeUnit.SECONDS);
            List<Future<PartResult>> futures = new ArrayList<>();
            for (int part = 0; part < parts; part++) {
                int p = part;
                futures.add(pool.submit(() -> writePart(settings, out, p, malformed, personsDone, progress)));
            }
            for (Future<PartResult> f : futures) {
                PartResult r = await(f);
                r.counts().forEach((s, n) -> counts.merge(s, n, Long::sum));
                truthRows += r.truthRows();
            }
        } finally {
            pool.shutdownNow();
            ticker.shutdownNow();
        }
        Map<String, Long> perSource = new LinkedHashMap<>();
        for (Source s : Source.values()) {
            perSource.put(s.sourceName, counts.getOrDefault(s, 0L));
        }
        writeManifest(out, settings, perSource, truthRows);
        double seconds = (System.nanoTime() - started) / 1e9;
        return new GenerationSummary(settings.persons(), settings.seed(), perSource, truthRows, seconds, settings);
    }

    /** The summary in {@code out/_manifest.json}, or empty when there is none or it cannot be read. */
    public static Optional<GenerationSummary> existing(Path out) {
        Path manifest = out.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(manifest.toFile());
            JsonNode counts = root.path("records_per_source");
            if (!root.path("persons").canConvertToInt()
                    || !root.path("seed").canConvertToLong()
                    || !counts.isObject()
                    || !root.path("truth_rows").canConvertToLong()
                    || !root.path("settings").isObject()) {
                return Optional.empty();
            }
            int persons = root.get("persons").asInt();
            long seed = root.get("seed").asLong();
            Map<String, Long> perSource = new LinkedHashMap<>();
            counts.fields()
                    .forEachRemaining(
                            e -> perSource.put(e.getKey(), e.getValue().asLong()));
            GeneratorSettings settings = GeneratorSettings.read(
                    manifest.toString(),
                    JSON.writeValueAsString(root.get("settings")),
                    GeneratorSettings.defaults(persons, seed));
            return Optional.of(new GenerationSummary(
                    persons, seed, perSource, root.get("truth_rows").asLong(), 0, settings));
        } catch (IOException | C360Exception e) {
            return Optional.empty();
        }
    }

    private static PartResult writePart(
            GeneratorSettings settings,
            Path out,
            int part,
            Map<Long, Integer> malformed,
            AtomicLong personsDone,
            Progress progress)
            throws IOException {
        long first = (long) part * settings.partSize();
        long end = Math.min(first + settings.partSize(), settings.persons());
        Population population = new Population(settings);
        try (PartWriter writer = new PartWriter(out, part)) {
            for (int block = Population.blockOf(first); block <= Population.blockOf(end - 1); block++) {
                List<Person> persons = population.block(block);
                Map<String, List<Person>> households = new HashMap<>();
                for (Person p : persons) {
                    households
                            .computeIfAbsent(p.householdId(), h -> new ArrayList<>())
                            .add(p);
                }
                List<SourceRecord> blockRecords = new ArrayList<>();
                for (Person p : persons) {
                    if (p.index() < first || p.index() >= end) {
                        continue;
                    }
                    writer.write(p);
                    List<SourceRecord> records = PersonRecords.of(p, households.get(p.householdId()), settings);
                    Integer ordinal = malformed.get(p.index());
                    if (ordinal != null) {
                        malform(records, ordinal);
                    }
                    blockRecords.addAll(records);
                }
                // Exports list records by id, not by person: a person's records must not sit side by side.
                blockRecords.sort(EXPORT_ORDER);
                for (SourceRecord r : blockRecords) {
                    writer.write(r);
                }
                personsDone.addAndGet(persons.stream()
                        .filter(p -> p.index() >= first && p.index() < end)
                        .count());
            }
            long records =
                    writer.counts().values().stream().mapToLong(Long::longValue).sum();
            progress.report(String.format(
                    Locale.ROOT,
                    "part %d of %d written: %,d persons, %,d records",
                    part + 1,
                    settings.parts(),
                    end - first,
                    records));
            return new PartResult(new EnumMap<>(writer.counts()), writer.truthRows());
        }
    }

    /**
     * The persons whose first fitting record becomes a malformed line: {@code malformed_lines} persons
     * drawn from the seed, each with the kind of damage its ordinal names.
     */
    static Map<Long, Integer> malformedPersons(GeneratorSettings settings) {
        Map<Long, Integer> out = new HashMap<>();
        for (int j = 0; j < settings.violations().malformedLines(); j++) {
            long index = Rng.of(settings.seed(), Rng.MALFORMED, j).betweenLong(0, settings.persons() - 1);
            out.putIfAbsent(index, j);
        }
        return out;
    }

    /** Breaks one record that has an id: an unbalanced quote, a truncated JSON object, or extra CSV fields. */
    static void malform(List<SourceRecord> records, int ordinal) {
        Malformation wanted = switch (ordinal % 3) {
            case 0 -> Malformation.UNBALANCED_QUOTE;
            case 1 -> Malformation.TRUNCATED_JSON;
            default -> Malformation.EXTRA_FIELDS;
        };
        Source.Format format = wanted == Malformation.TRUNCATED_JSON ? Source.Format.JSONL : Source.Format.CSV;
        SourceRecord fallback = null;
        for (SourceRecord r : records) {
            if (r.id() == null) {
                continue;
            }
            if (r.source.format == format) {
                r.malformation = wanted;
                return;
            }
            fallback = fallback == null ? r : fallback;
        }
        if (fallback != null) {
            fallback.malformation = fallback.source.format == Source.Format.CSV
                    ? Malformation.UNBALANCED_QUOTE
                    : Malformation.TRUNCATED_JSON;
        }
    }

    /** Removes the previous generator output (only the system folders, _truth and the manifest). */
    private static void prepare(Path out) {
        try {
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new C360Exception(out + ": not a folder");
            }
            Files.createDirectories(out);
            Files.deleteIfExists(out.resolve(MANIFEST));
            List<String> folders = new ArrayList<>();
            for (Source s : Source.values()) {
                folders.add(s.folder);
            }
            folders.add(PartWriter.TRUTH_FOLDER);
            for (String folder : folders) {
                Path dir = out.resolve(folder);
                if (Files.exists(dir)) {
                    try (Stream<Path> tree = Files.walk(dir)) {
                        for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                            Files.delete(p);
                        }
                    }
                }
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new C360Exception(out + ": cannot prepare the output folder: " + e.getMessage(), e);
        }
    }

    private static void writeManifest(
            Path out, GeneratorSettings settings, Map<String, Long> perSource, long truthRows) {
        ObjectNode root = JSON.createObjectNode();
        root.put("generator", "c360 generate");
        root.put("format_version", 1);
        root.put("persons", settings.persons());
        root.put("seed", settings.seed());
        root.put("parts", settings.parts());
        ObjectNode counts = root.putObject("records_per_source");
        perSource.forEach(counts::put);
        root.put(
                "records",
                perSource.values().stream().mapToLong(Long::longValue).sum());
        root.put("truth_rows", truthRows);
        root.set("settings", settings.toTree());
        Path target = out.resolve(MANIFEST);
        Path temp = out.resolve(MANIFEST + ".tmp");
        try {
            Files.writeString(temp, JSON.writeValueAsString(root) + "\n");
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new C360Exception(target + ": cannot write the manifest: " + e.getMessage(), e);
        }
    }

    private static PartResult await(Future<PartResult> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new C360Exception("generation interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new C360Exception("cannot write the generated files: " + io.getMessage(), io);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
