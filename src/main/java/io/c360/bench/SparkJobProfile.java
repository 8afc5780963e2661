package io.c360.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.c360.ops.Pipeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.JobSucceeded$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import scala.collection.JavaConverters;

/**
 * Every Spark job of a benchmark run, by the pipeline stage that started it (the
 * {@link Pipeline#STAGE_PROPERTY} local property) and by where in c360 it was started: how many jobs
 * each stage runs and how long they take. Job times are Spark's own event times (ms).
 */
final class SparkJobProfile extends SparkListener {
    static final String NO_STAGE = "(none)";
    private static final int TOP = 12;

    private record Started(String scope, String site, long at, int tasks, boolean delta) {}

    private record Finished(
            String scope, String site, long start, long end, boolean succeeded, int tasks, boolean delta) {}

    private final Map<Integer, Started> running = new ConcurrentHashMap<>();
    private final List<Finished> finished = java.util.Collections.synchronizedList(new ArrayList<>());

    /** The Spark jobs of one scope. */
    record Scope(
            @JsonProperty("jobs") long jobs,
            @JsonProperty("failed_jobs") long failedJobs,
            @JsonProperty("tasks") long tasks,
            @JsonProperty("job_seconds") double jobSeconds,
            @JsonProperty("busy_seconds") double busySeconds,
            @JsonProperty("delta_jobs") Totals deltaJobs,
            @JsonProperty("top_call_sites") List<Site> topCallSites) {}

    /**
     * The jobs Delta itself describes ({@code Delta: ...}). On a fresh lake these are its metadata jobs:
     * reconstructing a table version's snapshot state and listing the files a query reads from it, before
     * any row of the table is read (a MERGE on a re-run adds its own).
     */
    record Totals(
            @JsonProperty("jobs") long jobs,
            @JsonProperty("tasks") long tasks,
            @JsonProperty("seconds") double seconds) {}

    /**
     * @param site the innermost c360 frame that started the job, and Spark's name for it (or the job
     *     description Delta sets, such as {@code Delta: Compute snapshot for version: #})
     */
    record Site(
            @JsonProperty("site") String site,
            @JsonProperty("jobs") long jobs,
            @JsonProperty("tasks") long tasks,
            @JsonProperty("seconds") double seconds) {}

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        Properties p = start.properties();
        String scope = p == null ? NO_STAGE : p.getProperty(Pipeline.STAGE_PROPERTY, NO_STAGE);
        String description = p == null ? null : p.getProperty("spark.job.description");
        StageInfo last = null;
        int tasks = 0; // planned: stages whose shuffle output already exists are skipped and run none
        for (StageInfo s : JavaConverters.seqAsJavaList(start.stageInfos())) {
            tasks += s.numTasks();
            if (last == null || s.stageId() > last.stageId()) {
                last = s;
            }
        }
        String c360 = last == null ? null : c360Frame(last.details());
        String what = description != null
                ? description.replaceAll("[0-9]+", "#")
                : last == null ? "?" : last.name().replaceAll(" at .*", "");
        if (what.contains("withThreadLocalCaptured")) {
            what = "broadcast or subquery, run asynchronously";
        }
        running.put(
                start.jobId(),
                new Started(
                        scope,
                        (c360 == null ? "(no c360 frame)" : c360) + " [" + what + "]",
                        start.time(),
                        tasks,
                        description != null && description.startsWith("Delta: ")));
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
        Started s = running.remove(end.jobId());
        if (s != null) {
            finished.add(new Finished(
                    s.scope(),
                    s.site(),
                    s.at(),
                    end.time(),
                    end.jobResult() == JobSucceeded$.MODULE$,
                    s.tasks(),
                    s.delta()));
        }
    }

    /** The innermost c360 frame of a long call site ({@code io.c360.gold.GoldJob.run(GoldJob.java:107)} → {@code GoldJob.run:107}). */
    static String c360Frame(String callSite) {
        if (callSite == null) {
            return null;
        }
        for (String line : callSite.split("\n")) {
            String l = line.trim();
            if (l.startsWith("io.c360.") && !l.startsWith("io.c360.bench.")) {
                int paren = l.indexOf('(');
                String method = paren < 0 ? l : l.substring(0, paren);
                String[] parts = method.split("\\.");
                String where = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : method;
                int colon = l.lastIndexOf(':');
                return colon > paren && paren >= 0 ? where + ":" + l.substring(colon + 1, l.length() - 1) : where;
            }
        }
        return null;
    }

    /** Jobs per scope, in order of first appearance. */
    Map<String, Scope> summary() {
        List<Finished> jobs;
        synchronized (finished) {
            jobs = new ArrayList<>(finished);
        }
        Map<String, List<Finished>> byScope = new LinkedHashMap<>();
        jobs.stream()
                .sorted(Comparator.comparingLong(Finished::start))
                .forEach(j -> byScope.computeIfAbsent(j.scope(), k -> new ArrayList<>())
                        .add(j));
        Map<String, Scope> out = new LinkedHashMap<>();
        byScope.forEach((scope, list) -> {
            Map<String, long[]> sites = new HashMap<>();
            long total = 0;
            for (Finished j : list) {
                long ms = j.end() - j.start();
                total += ms;
                long[] acc = sites.computeIfAbsent(j.site(), k -> new long[3]);
                acc[0]++;
                acc[1] += ms;
                acc[2] += j.tasks();
            }
            List<Site> top = sites.entrySet().stream()
                    .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[1])
                            .thenComparing(Map.Entry::getKey))
                    .limit(TOP)
                    .map(e -> new Site(e.getKey(), e.getValue()[0], e.getValue()[2], e.getValue()[1] / 1000.0))
                    .toList();
            out.put(
                    scope,
                    new Scope(
                            list.size(),
                            list.stream().filter(j -> !j.succeeded()).count(),
                            list.stream().mapToLong(Finished::tasks).sum(),
                            total / 1000.0,
                            busy(list) / 1000.0,
                            new Totals(
                                    list.stream().filter(Finished::delta).count(),
                                    list.stream()
                                            .filter(Finished::delta)
                                            .mapToLong(Finished::tasks)
                                            .sum(),
                                    list.stream()
                                                    .filter(Finished::delta)
                                                    .mapToLong(j -> j.end() - j.start())
                                                    .sum()
                                            / 1000.0),
                            top));
        });
        return out;
    }

    /** Milliseconds during which at least one job of {@code jobs} ran (jobs may overlap). */
    private static long busy(List<Finished> jobs) {
        long busy = 0;
        long coveredUntil = Long.MIN_VALUE;
        for (Finished j : jobs) { // sorted by start
            long from = Math.max(j.start(), coveredUntil);
            if (j.end() > from) {
                busy += j.end() - from;
            }
            coveredUntil = Math.max(coveredUntil, j.end());
        }
        return busy;
    }
}
