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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * JVM options written in more than one place, which must not drift apart: {@code bin/c360}'s arrays
 * are the reference, pom.xml repeats them for the test JVMs and the jar's manifest.
 */
@Tag("unit")
class LauncherOptionsTest {
    private static final Pattern ADD_OPENS = Pattern.compile("--add-opens=([^=]+)=ALL-UNNAMED");

    /** The test JVM runs with the C2 options every {@code bin/c360} run gets, in the same order. */
    @Test
    void pomTestJitRepeatsTheLaunchersOptions() throws IOException {
        List<String> launcher =
                options(group(launcher(), "(?m)^JIT=\\(([^)]*)\\)", "bin/c360 declares its C2 options as JIT=( ... )"));
        assertFalse(launcher.isEmpty(), "bin/c360's JIT array is empty");
        assertEquals(
                launcher,
                options(group(pom(), "<test\\.jit>([^<]*)</test\\.jit>", "pom.xml declares <test.jit>")),
                "pom.xml's test.jit against bin/c360's JIT array");
    }

    /**
     * Spark on Java 17 needs its module opens wherever c360 starts a JVM: {@code bin/c360}, the test JVMs
     * (pom.xml's {@code java17.opens}) and plain {@code java -jar} (the manifest's {@code Add-Opens}).
     */
    @Test
    void theJava17OpensAgreeInTheLauncherThePomAndTheManifest() throws IOException {
        List<String> launcher =
                options(group(launcher(), "(?ms)^OPENS=\\((.*?)^\\)", "bin/c360 declares the opens as OPENS=( ... )"));
        assertTrue(
                launcher.stream().anyMatch(o -> o.startsWith("--add-opens=")),
                "bin/c360's OPENS array opens no package: " + launcher);
        assertEquals(
                launcher,
                options(group(pom(), "<java17\\.opens>([^<]*)</java17\\.opens>", "pom.xml declares <java17.opens>")),
                "pom.xml's java17.opens against bin/c360's OPENS array");
        List<String> opened = launcher.stream()
                .map(ADD_OPENS::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .toList();
        assertEquals(
                opened,
                options(group(
                        pom(), "<Add-Opens>([^<]*)</Add-Opens>", "pom.xml gives the jar manifest an Add-Opens entry")),
                "the manifest's Add-Opens against the packages bin/c360 opens");
    }

    private static String launcher() throws IOException {
        return Files.readString(Path.of("bin", "c360"));
    }

    private static String pom() throws IOException {
        return Files.readString(Path.of("pom.xml"));
    }

    private static String group(String text, String regex, String expectation) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), expectation);
        return m.group(1);
    }

    private static List<String> options(String text) {
        return Arrays.stream(text.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
