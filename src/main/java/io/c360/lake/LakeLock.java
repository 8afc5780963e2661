package io.c360.lake;

import io.c360.C360Exception;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per lake: {@code <lake root>/_lock} names the run that holds it (run id, host, process,
 * since) and is rewritten every {@link #HEARTBEAT} while held, so its modification time is the
 * holder's last heartbeat. A second run refuses with a message naming the holder. A lock is stale,
 * and taken over, when its heartbeat is older than {@link #STALE_AFTER}, whoever holds it (a live
 * holder renews it long before; a process that still exists can be hung, or be another process
 * that reused the pid), and at once when its holder was a process on this host that no longer exists.
 *
 * <p>Creation is atomic on local and HDFS file systems; on S3 (no conditional create in this
 * Hadoop) two runs starting in the same instant could both win, so an orchestrator should still
 * run one pipeline per lake.
 */
public final class LakeLock implements AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    static final Duration STALE_AFTER = Duration.ofMinutes(3);
    /** A lock read while its holder rewrites it can come back empty: read again after this pause. */
    private static final Duration REREAD_AFTER = Duration.ofMillis(50);

    private final FileSystem fs;
    private final Path file;
    private final Properties holder;
    private final ScheduledExecutorService heartbeat;

    private LakeLock(FileSystem fs, Path file, Properties holder) {
        this.fs = fs;
        this.file = file;
        this.holder = holder;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "c360-lake-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(this::renew, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes the lake's lock for {@code runId}, or fails naming the run that holds it and when it can be taken over. */
    public static LakeLock acquire(String lakeRoot, Configuration hadoop, String runId) {
        Path file = new Path(lakeRoot + "/_lock");
        Properties mine = new Properties();
        mine.setProperty("run_id", runId);
        mine.setProperty("host", host());
        mine.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
        mine.setProperty("since", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            fs.mkdirs(file.getParent());
            for (int attempt = 0; attempt < 3; attempt++) {
                if (create(fs, file, mine)) {
                    return new LakeLock(fs, file, mine);
                }
                long heartbeatMillis;
                try {
                    heartbeatMillis = fs.getFileStatus(file).getModificationTime();
                } catch (FileNotFoundException released) {
                    continue;
                }
                Optional<Properties> holder = read(fs, file);
                Instant now = Instant.now();
                if (holder.isPresent() && !isStale(holder.get(), heartbeatMillis, now)) {
                    throw new C360Exception(refusal(lakeRoot, file, holder.get(), heartbeatMillis, now));
                }
                fs.delete(file, false);
            }
            throw new C360Exception("cannot take the lock " + file + ": another run took it at the same moment");
        } catch (IOException e) {
            throw new C360Exception("cannot take the lake lock " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether a lock can be taken over at {@code now}: its heartbeat is older than {@link #STALE_AFTER},
     * or its holder was a process on this host that is gone. A holder on another host is never checked
     * for life (its pid means nothing here), and a live pid on this host does not keep a lock without
     * heartbeats.
     */
    static boolean isStale(Properties holder, long heartbeatMillis, Instant now) {
        if (!Instant.ofEpochMilli(heartbeatMillis).plus(STALE_AFTER).isAfter(now)) {
            return true;
        }
        return onThisHost(holder)
                && pid(holder).flatMap(ProcessHandle::of).map(p -> !p.isAlive()).orElse(true);
    }

    /** What a refused run is told: who holds the lake, and exactly when the lock passes to another run. */
    static String refusal(String lakeRoot, Path file, Properties holder, long heartbeatMillis, Instant now) {
        Instant heartbeat = Instant.ofEpochMilli(heartbeatMillis);
        Instant staleAt =
                heartbeat.plus(STALE_AFTER).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        long ago = Math.max(0, Duration.between(heartbeat, now).toSeconds());
        String pid = holder.getProperty("pid", "?");
        String host = holder.getProperty("host", "?");
        String heartbeatRule = "from " + staleAt + " on if its heartbeat (renewed every " + HEARTBEAT.toSeconds()
                + " s while the run lives) stops";
        String rule = onThisHost(holder)
                ? "The lock passes to the next run as soon as process " + pid + " ends, or " + heartbeatRule + "."
                : "The lock passes to the next run " + heartbeatRule + " (whether process " + pid + " on " + host
                        + " still runs cannot be checked from this host).";
        return "lake " + lakeRoot + " is being written by run " + holder.getProperty("run_id", "?") + " (host " + host
                + ", process " + pid + ", since " + holder.getProperty("since", "?") + ", last heartbeat " + ago
                + " s ago); not starting a second run. " + rule + " Delete " + file
                + " only if that run is certainly gone.";
    }

    private static boolean onThisHost(Properties holder) {
        return host().equals(holder.getProperty("host"));
    }

    private static Optional<Long> pid(Properties holder) {
        try {
            return Optional.of(Long.parseLong(holder.getProperty("pid", "")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean create(FileSystem fs, Path file, Properties holder) throws IOException {
        try (OutputStream out = fs.create(file, false)) {
            holder.store(out, "c360 lake lock");
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false;
            }
            throw e;
        }
    }

    /** The holder named in the lock; empty when there is no lock or it cannot be read. */
    private static Optional<Properties> read(FileSystem fs, Path file) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (InputStream in = fs.open(file)) {
                Properties p = new Properties();
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                if (p.containsKey("run_id")) {
                    return Optional.of(p);
                }
            } catch (FileNotFoundException e) {
                return Optional.empty();
            } catch (IOException e) {
                // read again: the holder may have been rewriting it
            }
            try {
                Thread.sleep(REREAD_AFTER.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }

    /** Whether the lock file still names this run (not taken over after a missed heartbeat). */
    private boolean stillMine() {
        return read(fs, file)
                .map(p -> holder.getProperty("run_id").equals(p.getProperty("run_id")))
                .orElse(false);
    }

    /**
     * The heartbeat: the lock rewritten with the same content, which moves its modification time on every
     * file system (S3A ignores {@code setTimes}, so touching the file would renew nothing there).
     */
    private void renew() {
        try {
            if (stillMine()) {
                try (OutputStream out = fs.create(file, true)) {
                    holder.store(out, "c360 lake lock");
                }
            }
        } catch (IOException e) {
            // A missed heartbeat only makes the lock look older; the next one tries again.
        }
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            // A heartbeat in flight must not write the lock again after it is deleted.
            heartbeat.awaitTermination(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (stillMine()) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            throw new C360Exception("cannot release the lake lock " + file + ": " + e.getMessage(), e);
        }
    }
}
