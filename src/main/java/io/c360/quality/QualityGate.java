package io.c360.quality;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.C360Exception;
import io.c360.Concurrently;
import io.c360.lake.Lake;
import io.c360.lake.Steps;
import io.c360.lake.TableName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The data-quality gate of one layer, declared in its {@code quality.yaml} (docs/quality.md) and run
 * with Deequ. Every verification appends its metrics to {@code ops.quality_metrics} and its outcomes
 * to {@code ops.quality_results}; a failed check of level error {@link CheckOutcome#blocks() blocks}.
 */
public final class QualityGate {
    public static final TableName METRICS = TableName.ops("quality_metrics");
    public static final TableName RESULTS = TableName.ops("quality_results");

    private final List<TableChecks> declared;
    private final Optional<AccuracyAudit> accuracyAudit;
    /** A hash of the quality file's text: a gate whose file changed checks again. */
    private final String definition;

    private QualityGate(QualityFile file, String text) {
        this.declared = List.copyOf(file.tables());
        this.accuracyAudit = file.accuracyAudit();
        this.definition = sha256(text);
    }

    public static QualityGate load(Path yamlFile) {
        QualityFile file = QualityFile.load(yamlFile);
        try {
            return new QualityGate(file, Files.readString(yamlFile));
        } catch (IOException e) {
            throw new C360Exception("cannot read " + yamlFile + ": " + e.getMessage(), e);
        }
    }

    /** A gate given as YAML text; {@code origin} names it in errors. */
    static QualityGate parse(String origin, String yaml) {
        return new QualityGate(QualityFile.parse(origin, yaml), yaml);
    }

    /**
     * A gate's outcomes over the lake. {@code standingSince} names the earlier run whose outcomes these
     * are, when nothing the gate checks had changed since (see {@link #verifyLakeUnlessUnchanged}).
     */
    public record LakeOutcome(List<CheckOutcome> outcomes, Optional<String> standingSince) {
        public LakeOutcome {
            outcomes = List.copyOf(outcomes);
        }
    }

    /**
     * What a gate over the lake last checked, in a small file under the lake root: the run, the hash of its
     * quality file and the Delta version of every table its checks read (-1 for one that did not exist).
     * Outcomes are not kept there: they are in {@code ops.quality_results}, where erasure finds a value
     * a failure message quotes.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Checked(
            @JsonProperty("run_id") String runId,
            @JsonProperty("definition") String definition,
            @JsonProperty("tables") Map<String, Long> tables) {}

    /**
     * As {@link #verifyLake}, unless the quality file and every table the checks read are as they were
     * when this gate last checked the lake (recorded in {@code record}, a path under the lake root): then
     * that run's outcomes stand, read back from {@code ops.quality_results}, and nothing is computed or
     * appended. An {@code accuracy_audit:} check is the exception: it is about the newest audit and its
     * age, not about the tables, so it is judged again (one small read) and not stored.
     */
    public LakeOutcome verifyLakeUnlessUnchanged(Lake lake, String runId, String record) {
        Map<String, Long> versions = versionsChecked(lake);
        Optional<Checked> last =
                readChecked(lake, record).filter(c -> definition.equals(c.definition()) && versions.equals(c.tables()));
        if (last.isPresent()) {
            List<CheckOutcome> standing = new ArrayList<>(new QualityStore(lake)
                    .outcomes(
                            last.get().runId(),
                            tables().stream().map(TableName::toString).toList()));
            if (!standing.isEmpty()) {
                accuracyAudit.ifPresent(a -> standing.add(a.verify(lake, Instant.now())));
                return new LakeOutcome(standing, Optional.of(last.get().runId()));
            }
        }
        List<CheckOutcome> outcomes = verifyLake(lake, runId);
        lake.writeJson(record, new Checked(runId, definition, versions));
        return new LakeOutcome(outcomes, Optional.empty());
    }

    /**
     * The outcomes that stand for run {@code runId} when nothing this gate checks changed since: the ones
     * that run recorded for this gate's tables, and an {@code accuracy_audit:} check judged again at
     * {@code at} (it is about the newest audit and its age, not about the tables; not stored).
     */
    public List<CheckOutcome> standingOutcomes(Lake lake, String runId, Instant at) {
        List<CheckOutcome> standing = new ArrayList<>(recordedOutcomes(lake, runId));
        accuracyAudit.ifPresent(a -> standing.add(a.verify(lake, at)));
        return standing;
    }

    /** The outcomes run {@code runId} recorded in {@code ops.quality_results} for this gate's tables. */
    public List<CheckOutcome> recordedOutcomes(Lake lake, String runId) {
        return new QualityStore(lake)
                .outcomes(runId, tables().stream().map(TableName::toString).toList());
    }

    /** The Delta version of every table the checks read (declared or referenced), -1 for one that does not exist. */
    private Map<String, Long> versionsChecked(Lake lake) {
        Map<String, Long> versions = new TreeMap<>();
        for (TableName t : checkedColumns().keySet()) {
            versions.put(t.toString(), lake.exists(t) ? lake.version(t) : -1L);
        }
        for (TableName t : tables()) {
            versions.putIfAbsent(t.toString(), lake.exists(t) ? lake.version(t) : -1L);
        }
        return versions;
    }

    private static Optional<Checked> readChecked(Lake lake, String record) {
        try {
            return lake.readJson(record, Checked.class, "delete it to make the gate check again");
        } catch (Lake.MalformedDocument e) {
            // An unreadable record only costs a check: the gate runs again and rewrites it.
            return Optional.empty();
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tables this gate declares checks for, in file order. */
    public List<TableName> tables() {
        return declared.stream().map(TableChecks::table).toList();
    }

    List<TableChecks> declared() {
        return declared;
    }

    /**
     * Runs the checks of every declared table present in {@code tables} (a declared table absent from
     * it is not checked) and records metrics and outcomes under {@code runId}. References resolve to a
     * table of {@code tables}, else to the lake's. Each table is scanned a few times (Deequ, references,
     * exact counts for failures): pass tables as written or checkpointed, not as long lazy plans.
     */
    public List<CheckOutcome> verify(Lake lake, String runId, Map<TableName, Dataset<Row>> tables) {
        return verify(lake, runId, tables, Instant.now());
    }

    /** As {@link #verify(Lake, String, Map)}, judging the age of the accuracy audit at {@code at}. */
    public List<CheckOutcome> verify(Lake lake, String runId, Map<TableName, Dataset<Row>> tables, Instant at) {
        return verify(lake, runId, tables, List.of(), false, at);
    }

    /**
     * Runs every declared table's checks on the lake's current tables; a declared table that does not
     * exist fails the check {@code exists}. Each table is cached while its checks run, with only the
     * columns checks read: Deequ's passes and the judging queries then read it once from storage
     * instead of planning a Delta scan each, and the cache holds no column nothing looks at.
     */
    public List<CheckOutcome> verifyLake(Lake lake, String runId) {
        Map<TableName, Set<String>> checked = checkedColumns();
        Map<TableName, Dataset<Row>> present = new LinkedHashMap<>();
        List<CheckOutcome> absent = new ArrayList<>();
        for (TableChecks t : declared) {
            if (lake.exists(t.table())) {
                present.put(t.table(), onlyColumns(lake.read(t.table()), checked.getOrDefault(t.table(), Set.of())));
            } else {
                absent.add(new CheckOutcome(
                        t.table().toString(),
                        "exists",
                        t.level(),
                        false,
                        t.table() + ": exists failed: no Delta table at " + lake.location(t.table())
                                + ", expected one"));
            }
        }
        return verify(lake, runId, present, absent, true, Instant.now());
    }

    /** Per declared table, the columns its own checks read and those other tables' references point at. */
    private Map<TableName, Set<String>> checkedColumns() {
        Map<TableName, Set<String>> columns = new HashMap<>();
        for (TableChecks t : declared) {
            for (QualityCheck check : t.checks()) {
                columns.computeIfAbsent(t.table(), k -> new HashSet<>()).addAll(check.columns());
                if (check instanceof QualityCheck.Reference r) {
                    columns.computeIfAbsent(r.target(), k -> new HashSet<>()).add(r.targetColumn());
                }
            }
        }
        return columns;
    }

    /**
     * The table's columns among {@code wanted}, in table order; the whole table when it has none of
     * them (a check of its size only). A wanted column the table lacks stays absent, so the check
     * naming it reports it missing.
     */
    static Dataset<Row> onlyColumns(Dataset<Row> table, Set<String> wanted) {
        Column[] kept = Arrays.stream(table.columns())
                .filter(wanted::contains)
                .map(c -> col(Lake.quote(c)))
                .toArray(Column[]::new);
        return kept.length == 0 ? table : table.select(kept);
    }

    private List<CheckOutcome> verify(
            Lake lake,
            String runId,
            Map<TableName, Dataset<Row>> tables,
            List<CheckOutcome> absent,
            boolean cacheWhileChecked,
            Instant at) {
        QualityStore store = new QualityStore(lake);
        // Read once, and only if an anomaly check asks.
        Supplier<Map<String, QualityStore.PreviousSize>> sizes = once(() -> store.previousSizes(runId));
        Function<TableName, Optional<Dataset<Row>>> referenced = name -> Optional.ofNullable(tables.get(name))
                .or(() -> lake.exists(name) ? Optional.of(lake.read(name)) : Optional.empty());
        List<TableChecks> present =
                declared.stream().filter(t -> tables.containsKey(t.table())).toList();
        List<TableVerdict> verdicts = Concurrently.map(present, t -> {
            Dataset<Row> data = cacheWhileChecked
                    ? tables.get(t.table()).persist(StorageLevel.MEMORY_AND_DISK())
                    : tables.get(t.table());
            try {
                return Steps.compute(
                        lake.spark(),
                        "quality: " + t.table(),
                        () -> verifyTable(
                                t,
                                data,
                                referenced,
                                () -> Optional.ofNullable(
                                        sizes.get().get(t.table().toString()))));
            } finally {
                if (cacheWhileChecked) {
                    data.unpersist(false);
                }
            }
        });
        List<CheckOutcome> outcomes = new ArrayList<>(absent);
        List<QualityStore.Measurement> measurements = new ArrayList<>();
        verdicts.forEach(v -> {
            outcomes.addAll(v.outcomes());
            measurements.addAll(v.measurements());
        });
        accuracyAudit.ifPresent(a -> outcomes.add(a.verify(lake, at)));
        store.save(runId, at, measurements, outcomes);
        return outcomes;
    }

    private record TableVerdict(List<CheckOutcome> outcomes, List<QualityStore.Measurement> measurements) {}

    /** One table's checks: measured by Deequ in one pass, then judged. */
    private static TableVerdict verifyTable(
            TableChecks t,
            Dataset<Row> data,
            Function<TableName, Optional<Dataset<Row>>> referenced,
            Supplier<Optional<QualityStore.PreviousSize>> previousSize) {
        Map<QualityCheck, Optional<String>> unsuitable = new LinkedHashMap<>();
        t.checks().forEach(check -> unsuitable.put(check, check.unsuitableFor(data.schema())));
        List<QualityCheck.Measured> measured = new ArrayList<>();
        unsuitable.forEach((check, why) -> {
            if (check instanceof QualityCheck.Measured m && why.isEmpty()) {
                measured.add(m);
            }
        });
        TableRun run = TableRun.measure(t.table(), data, measured, referenced, previousSize);
        List<CheckOutcome> outcomes = new ArrayList<>();
        for (QualityCheck check : t.checks()) {
            QualityCheck.Verdict verdict =
                    unsuitable.get(check).map(QualityCheck.Verdict::fail).orElseGet(() -> check.judge(run));
            outcomes.add(new CheckOutcome(
                    t.table().toString(),
                    check.name(),
                    check.level(),
                    verdict.passed(),
                    t.table() + ": " + check.name() + (verdict.passed() ? " passed: " : " failed: ")
                            + verdict.finding()));
        }
        return new TableVerdict(outcomes, run.measurements());
    }

    private static <T> Supplier<T> once(Supplier<T> compute) {
        List<T> value = new ArrayList<>(1);
        return () -> {
            synchronized (value) {
                if (value.isEmpty()) {
                    value.add(compute.get());
                }
                return value.get(0);
            }
        };
    }
}
