package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class LakeLockTest {
    @TempDir
    Path lake;

    @Test
    void aSecondRunOnTheSameLakeIsRefusedNamingTheFirst() {
        try (LakeLock first = LakeLock.acquire(lake.toString(), hadoop(), "run-A")) {
            C360Exception refused =
                    assertThrows(C360Exception.class, () -> LakeLock.acquire(lake.toString(), hadoop(), "run-B"));
            assertTrue(refused.getMessage().contains("is being written by run run-A"), refused.getMessage());
        }
        assertFalse(Files.exists(lake.resolve("_lock")), "released");
        LakeLock.acquire(lake.toString(), hadoop(), "run-C").close();
    }

    @Test
    void aLockLeftByAKilledProcessIsTakenOverAtOnce() throws Exception {
        writeLock("run-killed", deadPid());
        LakeLock.acquire(lake.toString(), hadoop(), "run-next").close();
    }

    @Test
    void aLiveProcessWithoutHeartbeatLosesTheLock() throws Exception {
        // This very process is alive; only the lock's age says its holder stopped renewing it (hung, or a reused pid).
        Path file = writeLock("run-hung", ProcessHandle.current().pid());
        Files.setLastModifiedTime(
                file, FileTime.from(Instant.now().minus(LakeLock.STALE_AFTER).minusSeconds(5)));
        try (LakeLock taken = LakeLock.acquire(lake.toString(), hadoop(), "run-next")) {
            assertTrue(Files.readString(file).contains("run_id=run-next"), "the lock names the run that took it over");
        }
    }

    @Test
    void aLiveProcessWithAFreshHeartbeatKeepsTheLockAndTheMessageSaysWhenThatEnds() throws Exception {
        long pid = ProcessHandle.current().pid();
        Path file = writeLock("run-live", pid);
        C360Exception refused =
                assertThrows(C360Exception.class, () -> LakeLock.acquire(lake.toString(), hadoop(), "run-next"));
        String message = refused.getMessage();
        assertTrue(
                message.contains("is being written by run run-live")
                        && message.contains("process " + pid)
                        && message.contains("as soon as process " + pid + " ends"),
                message);
        assertTrue(Files.readString(file).contains("run_id=run-live"), "the lock is left alone");

        // The time the message names is the one the rule applies: not stale a second before it, stale from it.
        Matcher from = Pattern.compile("from (\\S+) on if its heartbeat").matcher(message);
        assertTrue(from.find(), message);
        Instant staleAt = Instant.parse(from.group(1));
        Properties holder = new Properties();
        holder.load(Files.newBufferedReader(file));
        long heartbeat = Files.getLastModifiedTime(file).toMillis();
        assertFalse(LakeLock.isStale(holder, heartbeat, staleAt.minusSeconds(1)));
        assertTrue(LakeLock.isStale(holder, heartbeat, staleAt));
    }

    @Test
    void aLockOfAnotherHostIsStaleOnlyAfterItsHeartbeatStops() {
        Properties remote = new Properties();
        remote.setProperty("run_id", "run-remote");
        remote.setProperty("host", "another-host.example");
        remote.setProperty("pid", "1");
        long now = System.currentTimeMillis();
        assertFalse(LakeLock.isStale(remote, now, Instant.ofEpochMilli(now)));
        assertTrue(LakeLock.isStale(remote, now - LakeLock.STALE_AFTER.toMillis() - 1000, Instant.ofEpochMilli(now)));
        String message = LakeLock.refusal(
                "/lake", new org.apache.hadoop.fs.Path("/lake/_lock"), remote, now, Instant.ofEpochMilli(now));
        assertFalse(message.contains("as soon as process"), "a remote process cannot be watched from here: " + message);
        assertTrue(message.contains("cannot be checked from this host"), message);
    }

    private Path writeLock(String runId, long pid) throws Exception {
        return Files.writeString(
                lake.resolve("_lock"),
                "run_id=" + runId + "\nhost=" + InetAddress.getLocalHost().getHostName() + "\npid=" + pid
                        + "\nsince=2026-01-01T00:00:00Z\n");
    }

    /**
     * A local file system of the test's own: Hadoop caches one per JVM with the settings of whoever asks first,
     * and the other tests' lakes expect it configured by their Spark session (e.g. its umask).
     */
    private static Configuration hadoop() {
        Configuration conf = new Configuration();
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    /** A pid no process has: a short-lived child that has exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
