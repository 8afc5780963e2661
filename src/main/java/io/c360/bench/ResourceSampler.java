package io.c360.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples, on a daemon thread every {@link #INTERVAL_MS} ms, the driver's used heap (its maximum is
 * the benchmark's peak heap) and the stack of the thread running the pipeline: a sampling profile of
 * where the driver spends wall time, per pipeline stage, and how much of it the thread was parked
 * (waiting for Spark tasks: jobs, adaptive query stages, broadcasts) rather than running on the
 * driver (query planning, Delta log replay and commits, file listing, Deequ set-up).
 */
final class ResourceSampler implements AutoCloseable {
    static final long INTERVAL_MS = 200;
    private static final int TOP = 12;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread target;
    private final ScheduledExecutorService timer;
    private final List<java.lang.management.GarbageCollectorMXBean> collectors =
            ManagementFactory.getGarbageCollectorMXBeans();
    private final java.util.Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
            .map(java.lang.management.MemoryPoolMXBean::getName)
            .collect(java.util.stream.Collectors.toSet());
    private long peakHeap;
    private long peakAfterGc = -1;
    private final long gcMillisAtStart = gcMillis();
    private long gcMillisAtLastSample = gcMillisAtStart;
    private long samples;
    private final Map<String, Scope> scopes = new LinkedHashMap<>();

    private static final class Scope {
        long samples;
        long waiting;
        long gcMillis;
        final Map<String, Long> frames = new HashMap<>();
        final Map<String, Long> running = new HashMap<>();
    }

    /** Driver samples of one scope (a pipeline stage, evaluation, Spark start-up). */
    record Profile(
            @JsonProperty("samples") long samples,
            @JsonProperty("seconds") double seconds,
            @JsonProperty("waiting_seconds") double waitingSeconds,
            @JsonProperty("gc_seconds") double gcSeconds,
            @JsonProperty("top_frames") List<Frame> topFrames,
            @JsonProperty("running_in") List<Frame> runningIn) {}

    /**
     * @param frame the innermost c360 frame and the call it was making ({@code GoldJob.run:107 > Dataset.count})
     * @param share of the scope's samples
     */
    record Frame(
            @JsonProperty("frame") String frame,
            @JsonProperty("samples") long samples,
            @JsonProperty("share") double share) {}

    private ResourceSampler(Thread target) {
        this.target = target;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "c360-bench-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sampling now; {@code target} is the thread that runs the pipeline. */
    static ResourceSampler start(Thread target) {
        ResourceSampler sampler = new ResourceSampler(target);
        sampler.sample();
        sampler.timer.scheduleAtFixedRate(sampler::sample, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
        return sampler;
    }

    private synchronized void sample() {
        try {
            peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
            peakAfterGc = Math.max(peakAfterGc, heapAfterLastGc());
            samples++;
            Thread.State state = target.getState();
            StackTraceElement[] stack = target.getStackTrace();
            Scope scope = scopes.computeIfAbsent(scopeOf(stack), k -> new Scope());
            scope.samples++;
            long gc = gcMillis();
            scope.gcMillis += gc - gcMillisAtLastSample;
            gcMillisAtLastSample = gc;
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED) {
                scope.waiting++;
            } else {
                scope.running.merge(library(stack), 1L, Long::sum);
            }
            scope.frames.merge(hotFrame(stack), 1L, Long::sum);
        } catch (RuntimeException e) {
            // a sample lost is a sample lost; never disturb the run
        }
    }

    /** Stops sampling (after one last sample). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }

    synchronized long peakHeapUsed() {
        return peakHeap;
    }

    /** The largest heap left after a garbage collection (live data, roughly); -1 when the JVM does not tell. */
    synchronized long peakHeapAfterGc() {
        return peakAfterGc;
    }

    /** Heap in use right after the most recent collection, summed over the heap pools; -1 when unknown. */
    private long heapAfterLastGc() {
        com.sun.management.GcInfo last = null;
        for (java.lang.management.GarbageCollectorMXBean gc : collectors) {
            if (gc instanceof com.sun.management.GarbageCollectorMXBean sun) {
                com.sun.management.GcInfo info = sun.getLastGcInfo();
                if (info != null && (last == null || info.getEndTime() > last.getEndTime())) {
                    last = info;
                }
            }
        }
        if (last == null) {
            return -1;
        }
        return last.getMemoryUsageAfterGc().entrySet().stream()
                .filter(e -> heapPools.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed())
                .sum();
    }

    /** Seconds the JVM's collectors reported spending since sampling started (all threads stopped or not, as each collector counts). */
    synchronized double gcSeconds() {
        return (gcMillisAtLastSample - gcMillisAtStart) / 1000.0;
    }

    private long gcMillis() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : collectors) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    synchronized long samples() {
        return samples;
    }

    synchronized Map<String, Profile> profiles() {
        Map<String, Profile> out = new LinkedHashMap<>();
        scopes.forEach((name, s) -> out.put(
                name,
                new Profile(
                        s.samples,
                        s.samples * INTERVAL_MS / 1000.0,
                        s.waiting * INTERVAL_MS / 1000.0,
                        s.gcMillis / 1000.0,
                        top(s.frames, s.samples),
                        top(s.running, s.samples))));
        return out;
    }

    private static List<Frame> top(Map<String, Long> counts, long of) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP)
                .map(e -> new Frame(e.getKey(), e.getValue(), Math.round(10_000.0 * e.getValue() / of) / 10_000.0))
                .toList();
    }

    /** Package prefixes of what the driver runs, most specific first: what a running sample's CPU goes to. */
    private static final List<Map.Entry<String, String>> LIBRARIES = List.of(
            Map.entry("org.codehaus.", "code generation (Janino)"),
            Map.entry("org.apache.spark.sql.catalyst.expressions.codegen.", "code generation (Janino)"),
            Map.entry("com.fasterxml.jackson.", "JSON (Jackson)"),
            Map.entry("org.apache.parquet.", "Parquet"),
            Map.entry("org.apache.hadoop.", "Hadoop file system"),
            Map.entry("java.io.", "file I/O"),
            Map.entry("java.nio.", "file I/O"),
            Map.entry("sun.nio.", "file I/O"),
            Map.entry("org.apache.spark.sql.delta.", "Delta (log, snapshot, commit)"),
            Map.entry("io.delta.", "Delta (log, snapshot, commit)"),
            Map.entry("com.amazon.deequ.", "Deequ"),
            Map.entry("org.apache.spark.sql.catalyst.", "Catalyst (analysis, optimization)"),
            Map.entry("org.apache.spark.sql.execution.", "Spark SQL planning and execution"),
            Map.entry("org.apache.spark.", "Spark core"),
            Map.entry("io.c360.", "c360"));

    /**
     * The innermost frame's library, by {@link #LIBRARIES}; JDK and Scala library frames (collections,
     * mostly) count for the first library frame beneath them, the one that called them.
     */
    static String library(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            for (Map.Entry<String, String> l : LIBRARIES) {
                if (f.getClassName().startsWith(l.getKey())) {
                    return l.getValue();
                }
            }
        }
        return "other";
    }

    /**
     * Which part of the run a driver stack belongs to, by the c360 classes on it (the stage jobs do not
     * call one another). The bronze quality gate runs in {@code Pipeline.gate}, so it counts as bronze;
     * the rest of {@code io.c360.ops} (version lookups, row counts, run log, report) is {@code pipeline_other}.
     */
    static String scopeOf(StackTraceElement[] stack) {
        String scope = "other";
        for (StackTraceElement f : stack) {
            String c = f.getClassName();
            if (c.startsWith("io.c360.bronze.BronzeIngest")
                    || c.equals("io.c360.ops.Pipeline") && f.getMethodName().equals("gate")) {
                return "bronze";
            } else if (c.startsWith("io.c360.silver.SilverJob")) {
                return "silver";
            } else if (c.startsWith("io.c360.gold.GoldJob")) {
                return "gold";
            } else if (c.startsWith("io.c360.eval.Evaluation")) {
                return "evaluate";
            } else if (c.startsWith("io.c360.lake.SparkSessions")) {
                return "spark_start";
            } else if (c.startsWith("io.c360.ops.")) {
                scope = "pipeline_other";
            }
        }
        return scope;
    }

    /** The innermost c360 frame (outside this package) and the call it made: where the time goes, in c360's terms. */
    static String hotFrame(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            StackTraceElement f = stack[i];
            if (f.getClassName().startsWith("io.c360.") && !f.getClassName().startsWith("io.c360.bench.")) {
                String at = simple(f.getClassName()) + "." + f.getMethodName() + ":" + f.getLineNumber();
                return i == 0
                        ? at
                        : at + " > " + simple(stack[i - 1].getClassName()) + "." + stack[i - 1].getMethodName();
            }
        }
        return stack.length == 0 ? "(no stack)" : "(outside c360) " + simple(stack[stack.length - 1].getClassName());
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
