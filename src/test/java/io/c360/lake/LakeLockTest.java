package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeLockTest {
  @TempDir Path lake;

  @Test
  void aSecondRunOnTheSameLakeIsRefusedNamingTheFirst() {
    try (LakeLock first = LakeLock.acquire(lake.toString(), new Configuration(), "run-A")) {
      C360Exception refused = assertThrows(C360Exception.class,
          () -> LakeLock.acquire(lake.toString(), new Configuration(), "run-B"));
      assertTrue(refused.getMessage().contains("is being written by run run-A"), refused.getMessage());
    }
    assertFalse(Files.exists(lake.resolve("_lock")), "released");
    LakeLock.acquire(lake.toString(), new Configuration(), "run-C").close();
  }

  @Test
  void aLockLeftByAKilledProcessIsTakenOver() throws Exception {
    Files.writeString(lake.resolve("_lock"), "run_id=run-killed\nhost=" + InetAddress.getLocalHost().getHostName()
        + "\npid=" + deadPid() + "\nsince=2026-01-01T00:00:00Z\n");
    LakeLock.acquire(lake.toString(), new Configuration(), "run-next").close();
  }

  @Test
  void aLockOfAnotherHostIsStaleOnlyAfterItsHeartbeatStops() {
    Properties remote = new Properties();
    remote.setProperty("host", "another-host.example");
    remote.setProperty("pid", "1");
    assertFalse(LakeLock.isStale(remote, System.currentTimeMillis()));
    assertTrue(LakeLock.isStale(remote, System.currentTimeMillis() - LakeLock.STALE_AFTER.toMillis() - 1000));
  }

  /** A pid no process has: a short-lived child that has exited. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }
}
