package io.c360.serve;

import io.c360.access.AccessLog;
import io.c360.lake.Lake;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.CollectMetrics;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import scala.collection.JavaConverters;

/**
 * The served statements' entries of {@code ops.access_log}. An entry is appended off the query path: it is
 * queued, and a background thread appends the queue every few seconds in one commit (and once more on
 * {@link #close}). A query's entry waits for its row count: the admitted plan counts the rows it returns
 * under a metric named for the entry ({@link #awaitRows}), which Spark hands this listener when the query
 * has run.
 */
final class ServedLog implements QueryExecutionListener, AutoCloseable {
    static final long FLUSH_SECONDS = 5;
    private static final String METRIC = "c360_rows_";

    private final Lake lake;
    private final PrintStream warnings;
    private final ConcurrentLinkedQueue<AccessLog.Entry> ready = new ConcurrentLinkedQueue<>();
    private final Map<String, AccessLog.Entry> awaitingRows = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;

    ServedLog(Lake lake, PrintStream warnings) {
        this.lake = lake;
        this.warnings = warnings;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "c360-serve-access-log");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, FLUSH_SECONDS, FLUSH_SECONDS, TimeUnit.SECONDS);
    }

    /** An entry complete as it is (refused, failed, or a statement that returns no table rows). */
    void record(AccessLog.Entry entry) {
        ready.add(entry);
    }

    /** Holds the entry of an admitted query until it has run; returns the name of the metric that counts its rows. */
    String awaitRows(AccessLog.Entry entry) {
        String metric = METRIC + UUID.randomUUID().toString().replace("-", "");
        awaitingRows.put(metric, entry);
        return metric;
    }

    @Override
    public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
        JavaConverters.mapAsJavaMap(qe.observedMetrics()).forEach((String name, Row metrics) -> {
            AccessLog.Entry entry = awaitingRows.remove(name);
            if (entry != null) {
                ready.add(with(entry, Optional.of(metrics.getLong(0)), entry.outcome()));
            }
        });
    }

    @Override
    public void onFailure(String funcName, QueryExecution qe, Exception exception) {
        if (qe.logical() instanceof CollectMetrics counted) {
            AccessLog.Entry entry = awaitingRows.remove(counted.name());
            if (entry != null) {
                ready.add(with(entry, Optional.empty(), AccessLog.Outcome.failed));
            }
        }
    }

    private static AccessLog.Entry with(AccessLog.Entry e, Optional<Long> rows, AccessLog.Outcome outcome) {
        return new AccessLog.Entry(e.at(), e.user(), e.role(), e.channel(), e.statement(), e.tables(), rows, outcome);
    }

    /** Appends the queued entries in one commit. */
    void flush() {
        List<AccessLog.Entry> entries = new ArrayList<>();
        for (AccessLog.Entry e = ready.poll(); e != null; e = ready.poll()) {
            entries.add(e);
        }
        try {
            AccessLog.append(lake, entries);
        } catch (RuntimeException e) {
            // Entries hold no personal data, and neither does this line; the next flush tries again.
            ready.addAll(entries);
            warnings.println("c360 serve: warning: could not append " + entries.size() + " entries to "
                    + AccessLog.ACCESS_LOG + " (" + e.getClass().getSimpleName() + "); retrying");
        }
    }

    /**
     * Stops the background appends and appends what is left; a query whose rows were never counted (a client
     * that went away before it ran) is logged without a row count.
     */
    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        awaitingRows.keySet().forEach(name -> {
            AccessLog.Entry entry = awaitingRows.remove(name);
            if (entry != null) {
                ready.add(entry);
            }
        });
        List<AccessLog.Entry> left = new ArrayList<>(ready);
        ready.clear();
        AccessLog.append(lake, left);
    }
}
