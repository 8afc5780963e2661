package io.c360.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The test JVM runs with the C2 options every {@code bin/c360} run gets: the launcher's {@code JIT}
 * array and pom.xml's {@code test.jit} property name the same options, in the same order.
 */
class LauncherJitOptionsTest {
  @Test
  void pomTestJitRepeatsTheLaunchersOptions() throws IOException {
    Matcher launcher = Pattern.compile("(?m)^JIT=\\(([^)]*)\\)").matcher(Files.readString(Path.of("bin", "c360")));
    Matcher pom = Pattern.compile("<test\\.jit>([^<]*)</test\\.jit>").matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(launcher.find(), "bin/c360 declares its C2 options as JIT=( ... )");
    assertTrue(pom.find(), "pom.xml declares <test.jit>");
    List<String> launcherOptions = options(launcher.group(1));
    assertFalse(launcherOptions.isEmpty(), "bin/c360's JIT array is empty");
    assertEquals(launcherOptions, options(pom.group(1)), "pom.xml's test.jit against bin/c360's JIT array");
  }

  private static List<String> options(String text) {
    return Arrays.stream(text.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
  }
}
