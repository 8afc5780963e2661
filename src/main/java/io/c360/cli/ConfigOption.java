package io.c360.cli;

import io.c360.config.C360Config;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option shared by every subcommand that touches the lake. */
final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Run configuration (default: ${DEFAULT-VALUE}, or $C360_CONFIG).",
            defaultValue = "${env:C360_CONFIG:-" + C360Config.DEFAULT_FILE + "}")
    Path file;

    C360Config load() {
        return C360Config.load(file);
    }
}
