package io.c360.quality;

import static org.apache.spark.sql.functions.col;

import io.c360.Concurrently;
import io.c360.lake.Lake;
import io.c360.lake.Steps;
import io.c360.lake.TableName;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    private QualityGate(QualityFile file) {
        this.declared = List.copyOf(file.tables());
        this.accuracyAudit = file.accuracyAudit();
    }

    public static QualityGate load(Path yamlFile) {
        return new QualityGate(QualityFile.load(yamlFile));
    }

    /** A gate given as YAML text; {@code origin} names it in errors. */
    static QualityGate parse(String origin, String yaml) {
        return new QualityGate(QualityFile.parse(origin, yaml));
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
        return verify(lake, runId, tables, List.of(), false);
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
        return verify(lake, runId, present, absent, true);
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
            boolean cacheWhileChecked) {
        Instant at = Instant.now();
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
