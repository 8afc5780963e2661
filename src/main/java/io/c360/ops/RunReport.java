package io.c360.ops;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.lake.TableName;
import io.c360.quality.AccuracyAudit;
import io.c360.quality.CheckOutcome;
import io.c360.silver.SilverFigures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;

/**
 * The run report: one self-contained HTML page per run (inline CSS and SVG, nothing fetched, so it
 * opens offline and can be mailed or archived), written to {@code <reports>/run-<run id>.html} and
 * copied to {@code <reports>/latest.html}. Its figures are the stages' own ({@link Charts}); only the
 * accuracy audit, which no stage makes, is read from the lake.
 */
public final class RunReport {

    private RunReport() {}

    /**
     * What the report charts besides the run log's row, as the stages found it: silver's figures, and the
     * segment sizes gold published (absent when gold did not publish in this run).
     */
    public record Charts(SilverFigures silver, Optional<Map<String, Long>> segmentSizes) {
        public Charts {
            segmentSizes = segmentSizes.map(Map::copyOf);
        }
    }

    /** Writes the report of the run and returns the location of {@code run-<run id>.html}. */
    public static String write(Lake lake, C360Config config, PipelineRun run, Charts charts) {
        byte[] html = render(lake, run, charts).getBytes(StandardCharsets.UTF_8);
        Path folder = new Path(config.reportsRoot());
        Path runReport = new Path(folder, "run-" + run.runId().replaceAll("[^A-Za-z0-9._-]", "_") + ".html");
        try {
            FileSystem fs = folder.getFileSystem(lake.spark().sparkContext().hadoopConfiguration());
            // A local folder is written without Hadoop's .crc side files: people browse this folder.
            FileSystem target = fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
            writeFile(target, runReport, html);
            writeFile(target, new Path(folder, "latest.html"), html);
        } catch (IOException e) {
            throw new C360Exception("cannot write the run report to " + folder + ": " + e.getMessage(), e);
        }
        return runReport.toString();
    }

    private static void writeFile(FileSystem fs, Path file, byte[] content) throws IOException {
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(content);
        }
    }

    static String render(Lake lake, PipelineRun run, Charts charts) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>c360 run " + escapeHtml4(run.runId()) + "</title><style>" + STYLE + "</style></head><body>"
                + header(run)
                + section("stages", "Stage timings", stages(run))
                + section("tables", "Tables written", tables(run))
                + section("match", "Match statistics", matchStats(run))
                + section(
                        "match-probabilities",
                        "Match probability of scored pairs",
                        probabilityHistogram(charts.silver()))
                + section("cluster-sizes", "Records per customer", clusterSizes(charts.silver()))
                + section("segments", "Segment sizes", segmentSizes(charts.segmentSizes()))
                + section("quality", "Quality checks", quality(run))
                + section("freshness", "Source freshness", freshness(run))
                + section("accuracy-audit", "Accuracy audit", accuracyAudit(lake))
                + "</body></html>\n";
    }

    private static String header(PipelineRun run) {
        String failure = run.failure()
                .map(f -> "<pre class=\"failure\">" + escapeHtml4(f) + "</pre>")
                .orElse("");
        return "<header><h1>c360 run <span class=\"run-id\">" + escapeHtml4(run.runId()) + "</span> "
                + "<span class=\"status status-" + run.status() + "\">" + run.status()
                + "</span></h1>"
                + "<p>as of " + time(run.asOf()) + " · started " + time(run.startedAt()) + " · finished "
                + time(run.finishedAt())
                + " · took " + escapeHtml4(duration(Duration.between(run.startedAt(), run.finishedAt()))) + "</p>"
                + failure + "</header>";
    }

    private static String section(String id, String title, String body) {
        return "<section id=\"" + id + "\"><h2>" + escapeHtml4(title) + "</h2>" + body + "</section>";
    }

    private static String note(String text) {
        return "<p class=\"note\">" + escapeHtml4(text) + "</p>";
    }

    private static String notWritten(TableName table) {
        return note("not available (table " + table + " not written yet)");
    }

    private static String stages(PipelineRun run) {
        if (run.stages().isEmpty()) {
            return note("no stage ran");
        }
        return Html.table(
                List.of("stage", "elapsed", "status", "nothing new"),
                run.stages().stream()
                        .map(s -> new Html.TableRow(
                                List.of(
                                        s.stage().name(),
                                        duration(s.elapsed()),
                                        s.status().name(),
                                        s.unchangedSince()
                                                .map(since -> "unchanged since run " + since
                                                        + ": nothing written, its quality outcomes stand")
                                                .orElse("")),
                                "status-" + s.status()))
                        .toList());
    }

    /** Rows written and Delta versions read and written, one line per table any of them names. */
    private static String tables(PipelineRun run) {
        TreeSet<String> names = new TreeSet<>(run.rowsPerTable().keySet());
        names.addAll(run.inputVersions().keySet());
        names.addAll(run.outputVersions().keySet());
        if (names.isEmpty()) {
            return note("no table was read or written");
        }
        return Html.table(
                List.of("table", "rows", "version read", "version written"),
                names.stream()
                        .map(t -> new Html.TableRow(List.of(
                                t,
                                number(run.rowsPerTable().get(t)),
                                number(run.inputVersions().get(t)),
                                number(run.outputVersions().get(t)))))
                        .toList());
    }

    private static String matchStats(PipelineRun run) {
        if (run.match().isEmpty()) {
            return note("not available (silver did not run)");
        }
        PipelineRun.MatchStats m = run.match().get();
        List<Html.TableRow> rows = Stream.of(
                        List.of("records", number(m.records())),
                        List.of("distinct identities", number(m.identities())),
                        List.of("candidate pairs", number(m.candidatePairs())),
                        List.of("linked pairs", number(m.linkedPairs())),
                        List.of("pairs sent to review", number(m.reviewPairs())),
                        List.of("vetoed pairs", number(m.vetoedPairs())),
                        List.of("customers", number(m.customers())),
                        List.of("customer id redirects", number(m.redirects())),
                        List.of("model version", String.valueOf(m.modelVersion())),
                        List.of("model flags", m.modelFlags().isEmpty() ? "none" : String.join("; ", m.modelFlags())),
                        List.of(
                                "rules the data contradicts",
                                m.rulesContradicted().isEmpty() ? "none" : String.join("; ", m.rulesContradicted())))
                .map(Html.TableRow::new)
                .toList();
        return Html.table(List.of("figure", "value"), rows);
    }

    /** The match probability histogram: 20 equal bins over [0, 1]. */
    private static String probabilityHistogram(SilverFigures silver) {
        if (silver.pairsByProbability().isEmpty()) {
            return notWritten(TableCatalog.SCORED_PAIRS);
        }
        List<BarChart.Bar> bars = new ArrayList<>();
        for (int bin = 0; bin < SilverFigures.PROBABILITY_BINS; bin++) {
            bars.add(new BarChart.Bar(
                    String.format(
                            Locale.ROOT,
                            "%.2f – %.2f",
                            (double) bin / SilverFigures.PROBABILITY_BINS,
                            (double) (bin + 1) / SilverFigures.PROBABILITY_BINS),
                    silver.pairsByProbability().get(bin)));
        }
        return note(number(sum(silver.pairsByProbability())) + " scored pairs by match probability")
                + BarChart.svg("match-probability-histogram", "Scored pairs by match probability", bars);
    }

    /** How many customers hold 1, 2, ... records; sizes above {@link SilverFigures#LARGEST_SIZE_SHOWN} are one bar. */
    private static String clusterSizes(SilverFigures silver) {
        if (silver.customersByRecords().isEmpty()) {
            return notWritten(TableCatalog.CUSTOMER_ID_MAP);
        }
        List<BarChart.Bar> bars = new ArrayList<>();
        for (int size = 1; size <= SilverFigures.LARGEST_SIZE_SHOWN + 1; size++) {
            String label = size > SilverFigures.LARGEST_SIZE_SHOWN
                    ? "> " + SilverFigures.LARGEST_SIZE_SHOWN + " records"
                    : size + (size == 1 ? " record" : " records");
            bars.add(new BarChart.Bar(label, silver.customersByRecords().get(size - 1)));
        }
        return note(number(sum(silver.customersByRecords())) + " customers by the number of records resolved to them")
                + BarChart.svg("cluster-size-distribution", "Customers by records per customer", bars);
    }

    /** The segment sizes gold published (in this run, or standing from the publication it found unchanged). */
    private static String segmentSizes(Optional<Map<String, Long>> published) {
        if (published.isEmpty()) {
            return note("not available (gold did not publish in this run)");
        }
        List<BarChart.Bar> bars = published.get().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> new BarChart.Bar(e.getKey(), e.getValue()))
                .toList();
        if (bars.isEmpty()) {
            return note("no segment is declared");
        }
        return BarChart.svg("segment-sizes", "Customers per segment", bars);
    }

    private static String quality(PipelineRun run) {
        if (run.quality().isEmpty()) {
            return note("no quality check ran");
        }
        long failed = run.quality().stream().filter(c -> !c.passed()).count();
        long blocking = run.quality().stream().filter(CheckOutcome::blocks).count();
        String summary =
                run.quality().size() + " checks, " + failed + " failed, " + blocking + " of them blocking publication";
        String standing = run.stages().stream()
                .filter(st -> st.unchangedSince().isPresent())
                .map(st -> note("The " + st.stage() + " checks were not run again: nothing they read changed since run "
                        + st.unchangedSince().get() + ", whose outcomes stand."))
                .collect(Collectors.joining());
        return "<p class=\"" + (blocking > 0 ? "alert" : failed > 0 ? "warning" : "note") + "\">" + escapeHtml4(summary)
                + "</p>" + standing
                + Html.table(
                        List.of("table", "check", "level", "result", "message"),
                        run.quality().stream()
                                .map(c -> new Html.TableRow(
                                        List.of(
                                                c.table(),
                                                c.check(),
                                                c.level().name(),
                                                c.passed() ? "passed" : "FAILED",
                                                Optional.ofNullable(c.message()).orElse("")),
                                        c.passed() ? "" : c.blocks() ? "failed blocking" : "failed"))
                                .toList());
    }

    private static String freshness(PipelineRun run) {
        if (run.freshness().isEmpty()) {
            return note("not measured in this run");
        }
        List<String> stale = run.freshness().stream()
                .filter(PipelineRun.Freshness::stale)
                .map(PipelineRun.Freshness::source)
                .toList();
        String warning = stale.isEmpty()
                ? ""
                : "<p class=\"warning\">"
                        + escapeHtml4("stale: " + String.join(", ", stale) + " (newest record older than the SLA)")
                        + "</p>";
        return warning
                + Html.table(
                        List.of("source", "newest record", "age", "SLA", "status"),
                        run.freshness().stream()
                                .map(f -> new Html.TableRow(
                                        List.of(
                                                f.source(),
                                                f.newestRecord()
                                                        .map(RunReport::timeText)
                                                        .orElse("no record time"),
                                                f.newestRecord()
                                                        .map(t -> duration(Duration.between(
                                                                t,
                                                                PipelineRun.freshnessMoment(
                                                                        run.startedAt(), run.asOf()))))
                                                        .orElse(""),
                                                f.sla().map(RunReport::duration).orElse("none"),
                                                f.stale()
                                                        ? "STALE"
                                                        : f.newestRecord().isEmpty() ? "unknown" : "fresh"),
                                        f.stale() ? "stale" : ""))
                                .toList());
    }

    /**
     * The newest completed accuracy audit of {@code ops.accuracy_audits} (read as a table: the audits are
     * the stewards' service, above this package).
     */
    private static String accuracyAudit(Lake lake) {
        Optional<Row> latest = AccuracyAudit.latest(lake);
        if (latest.isEmpty()) {
            return note("no accuracy audit yet (c360 audit start --size N draws one)");
        }
        Row a = latest.get();
        return Html.table(
                        List.of(
                                "audit",
                                "completed",
                                "steward",
                                "pairs answered",
                                "precision (95 % interval)",
                                "recall (95 % interval)"),
                        List.of(new Html.TableRow(
                                List.of(
                                        a.getAs("audit_id"),
                                        timeText(a.<java.sql.Timestamp>getAs("at")
                                                .toInstant()),
                                        a.getAs("steward"),
                                        a.<Integer>getAs("answered") + " of " + a.<Integer>getAs("size"),
                                        estimate(a, "precision"),
                                        estimate(a, "recall")),
                                "")))
                + note("Recall is among the pairs blocking compared, an upper bound on true recall;"
                        + " c360 audit status shows the strata.");
    }

    private static String estimate(Row audit, String name) {
        return audit.isNullAt(audit.fieldIndex(name))
                ? "not estimable"
                : String.format(
                        Locale.ROOT,
                        "%.3f (%.3f to %.3f)",
                        audit.<Double>getAs(name),
                        audit.<Double>getAs(name + "_low"),
                        audit.<Double>getAs(name + "_high"));
    }

    private static String time(Instant instant) {
        return escapeHtml4(timeText(instant));
    }

    private static String timeText(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String number(Long n) {
        return n == null ? "" : String.format(Locale.ROOT, "%,d", n);
    }

    private static long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    /** Durations as people read them: 12.3 s, 4m 05s, 3h 05m, 2d 3h. */
    static String duration(Duration d) {
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        if (d.toDays() > 0) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() > 0) {
            return String.format(Locale.ROOT, "%dh %02dm", d.toHours(), d.toMinutesPart());
        }
        if (d.toMinutes() > 0) {
            return String.format(Locale.ROOT, "%dm %02ds", d.toMinutes(), d.toSecondsPart());
        }
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static final String STYLE = """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:60rem;color:#1f2328;padding:0 1rem}
      h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
      table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}
      th{background:#f6f8fa}td:nth-child(n+2){font-variant-numeric:tabular-nums}
      .status{font-size:.9rem;padding:.15rem .5rem;border-radius:.3rem;background:#eaeef2;vertical-align:middle}
      .status-succeeded{background:#dafbe1;color:#116329}.status-failed{background:#ffebe9;color:#a40e26}
      .failure{background:#ffebe9;border:1px solid #ff8182;padding:.75rem;white-space:pre-wrap}
      tr.failed{background:#fff8c5}tr.failed.blocking,tr.stale{background:#ffebe9}tr.status-failed td{color:#a40e26}
      .note{color:#57606a}.warning{color:#7d4e00;font-weight:600}.alert{color:#a40e26;font-weight:600}
      svg.chart text{font-size:12px;fill:#1f2328}svg.chart rect.bar{fill:#3b6ea5}
      """;
}
