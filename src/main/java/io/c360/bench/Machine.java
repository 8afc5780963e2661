package io.c360.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What a benchmark ran on, read from the JVM and Linux's {@code /proc} (absent elsewhere: the
 * figures are then null, never guessed).
 *
 * @param totalMemoryBytes MemTotal of {@code /proc/meminfo}
 * @param loadAverage the 1-minute load average when read; above the core count the machine was busy
 */
public record Machine(
        @JsonProperty("cores") int cores,
        @JsonProperty("cpu") String cpu,
        @JsonProperty("total_memory_bytes") Long totalMemoryBytes,
        @JsonProperty("java_version") String javaVersion,
        @JsonProperty("java_vm") String javaVm,
        @JsonProperty("os") String os) {

    public static Machine describe() {
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                cpuModel().orElse(null),
                kilobytes(Path.of("/proc/meminfo"), "MemTotal:").stream()
                        .boxed()
                        .findFirst()
                        .orElse(null),
                System.getProperty("java.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    /** The 1-minute load average of {@code /proc/loadavg}. */
    static Double loadAverage() {
        try {
            return Double.parseDouble(
                    Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** This process's peak resident set size (VmHWM of {@code /proc/self/status}), in bytes. */
    static OptionalLong peakRss() {
        return kilobytes(Path.of("/proc/self/status"), "VmHWM:");
    }

    /**
     * Resets this process's peak RSS to its current RSS (Linux: {@code 5} into {@code /proc/self/clear_refs}),
     * so that VmHWM covers only what follows; false when the kernel does not allow it.
     */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The commit of the checkout holding {@code dir} ({@code git rev-parse --short HEAD}), with
     * {@code -dirty} when tracked files differ from it; null without git or outside a checkout.
     */
    static String gitCommit(Path dir) {
        Optional<String> head = git(dir, "rev-parse", "--short", "HEAD");
        if (head.isEmpty()) {
            return null;
        }
        boolean dirty = git(dir, "status", "--porcelain", "--untracked-files=no")
                .map(s -> !s.isEmpty())
                .orElse(false);
        return head.get() + (dirty ? "-dirty" : "");
    }

    private static Optional<String> git(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(
                List.of("git", "-C", dir.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroy();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A {@code Key:   123 kB} line of a {@code /proc} file, in bytes. */
    private static OptionalLong kilobytes(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return OptionalLong.of(
                            Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not readable: no figure
        }
        return OptionalLong.empty();
    }
}
