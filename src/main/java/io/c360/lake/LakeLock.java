package io.c360.lake;

import io.c360.C360Exception;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
 * since) and is touched every {@link #HEARTBEAT} while held. A second run refuses with a message
 * naming the holder. A lock is stale, and taken over, when its holder was a process on this host
 * that no longer exists, or when its heartbeat is older than {@link #STALE_AFTER} (a holder on
 * another machine that died): a killed run never blocks the next one for long.
 *
 * <p>Creation is atomic on local and HDFS file systems; on S3 (no conditional create in this
 * Hadoop) two runs starting in the same instant could both win, so an orchestrator should still
 * run one pipeline per lake.
 */
public final class LakeLock implements AutoCloseable {
  static final Duration HEARTBEAT = Duration.ofSeconds(20);
  static final Duration STALE_AFTER = Duration.ofMinutes(3);

  private final FileSystem fs;
  private final Path file;
  private final ScheduledExecutorService heartbeat;

  private LakeLock(FileSystem fs, Path file) {
    this.fs = fs;
    this.file = file;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "c360-lake-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    heartbeat.scheduleAtFixedRate(this::touch, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Takes the lake's lock for {@code runId}, or fails naming the run that holds it. */
  public static LakeLock acquire(String lakeRoot, Configuration hadoop, String runId) {
    Path file = new Path(lakeRoot + "/_lock");
    try {
      FileSystem fs = file.getFileSystem(hadoop);
      fs.mkdirs(file.getParent());
      for (int attempt = 0; attempt < 2; attempt++) {
        if (create(fs, file, runId)) {
          return new LakeLock(fs, file);
        }
        Optional<Properties> holder = read(fs, file);
        if (holder.isPresent() && !isStale(holder.get(), fs.getFileStatus(file).getModificationTime())) {
          Properties h = holder.get();
          throw new C360Exception("lake " + lakeRoot + " is being written by run " + h.getProperty("run_id") + " (host "
              + h.getProperty("host") + ", process " + h.getProperty("pid") + ", since " + h.getProperty("since")
              + "); not starting a second run. If that run is gone, it is taken over " + STALE_AFTER.toMinutes()
              + " minutes after its last heartbeat, or delete " + file);
        }
        fs.delete(file, false);
      }
      throw new C360Exception("cannot take the lock " + file + ": another run took it at the same moment");
    } catch (IOException e) {
      throw new C360Exception("cannot take the lake lock " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean create(FileSystem fs, Path file, String runId) throws IOException {
    Properties p = new Properties();
    p.setProperty("run_id", runId);
    p.setProperty("host", host());
    p.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
    p.setProperty("since", Instant.now().toString());
    try (OutputStream out = fs.create(file, false)) {
      p.store(out, "c360 lake lock");
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

  private static Optional<Properties> read(FileSystem fs, Path file) {
    try (InputStream in = fs.open(file)) {
      Properties p = new Properties();
      p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
      return Optional.of(p);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static boolean isStale(Properties holder, long heartbeatMillis) {
    if (host().equals(holder.getProperty("host"))) {
      try {
        long pid = Long.parseLong(holder.getProperty("pid", "-1"));
        return !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return Instant.ofEpochMilli(heartbeatMillis).plus(STALE_AFTER).isBefore(Instant.now());
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  private void touch() {
    try {
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException e) {
      // A missed heartbeat only makes the lock look older; the next one tries again.
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      fs.delete(file, false);
    } catch (IOException e) {
      throw new C360Exception("cannot release the lake lock " + file + ": " + e.getMessage(), e);
    }
  }
}
