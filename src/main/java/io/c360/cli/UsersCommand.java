package io.c360.cli;

import io.c360.C360Exception;
import io.c360.access.Users;
import io.c360.config.C360Config;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "users",
        mixinStandardHelpOptions = true,
        description = {
            "The users who may sign in to c360 serve (and c360 workbench --auth), with their roles.",
            "A users file holds one line per user: name:pbkdf2-sha256:iterations:salt:hash[:role], a salted hash of"
                    + " the password only. The file is serve.users of the run configuration (default: users beside it)"
                    + " unless --file names another."
        },
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class})
final class UsersCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: add or list");
    }

    /** --file, else serve.users of the run configuration. */
    static final class FileOption {
        @Mixin
        ConfigOption config;

        @Option(
                names = "--file",
                paramLabel = "FILE",
                description = "The users file (default: serve.users of the run configuration).")
        Path file;

        /** The run configuration; with --file, only when its file exists (a users file can be kept anywhere). */
        Optional<C360Config> configuration() {
            return file == null || Files.isRegularFile(config.file) ? Optional.of(config.load()) : Optional.empty();
        }

        Path path(Optional<C360Config> configuration) {
            return file != null ? file : configuration.orElseThrow().serve().users();
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Adds a user (or changes their password, and their role when --role is given), then exits.",
                "The password is read from the terminal (twice), or from the first line of standard input when it is"
                        + " not one; at least 8 characters."
            })
    static final class Add implements Runnable {
        @Mixin
        FileOption file;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The user's name, as they sign in.")
        String name;

        @Option(
                names = "--role",
                paramLabel = "ROLE",
                description = "The user's role, one of access.roles of the run configuration (default: none, which"
                        + " gives the configuration's default role; a user who has one keeps it).")
        String role;

        @Override
        public void run() {
            Optional<C360Config> configuration = file.configuration();
            configuration.ifPresent(c -> {
                if (role != null && !c.access().roles().containsKey(role)) {
                    throw new C360Exception("--role: '" + role + "' is not declared; expected one of "
                            + String.join(", ", c.access().roles().keySet()) + " (access.roles in " + c.file() + ")");
                }
            });
            Path path = file.path(configuration);
            char[] password = Passwords.read("users add");
            try {
                Users.add(path, name, Optional.ofNullable(role), password);
            } finally {
                Arrays.fill(password, '\0');
            }
            Optional<String> written = Users.read(path).role(name);
            PrintWriter out = spec.commandLine().getOut();
            out.println("user " + name + written.map(r -> " (role " + r + ")").orElse(" (the default role)")
                    + " can sign in to c360 serve with the users file " + path);
            out.flush();
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Prints each user's name and role (never their password hashes).")
    static final class ListUsers implements Runnable {
        @Mixin
        FileOption file;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            Users users = Users.read(file.path(file.configuration()));
            PrintWriter out = spec.commandLine().getOut();
            for (String name : users.names()) {
                out.println(name + "\t" + users.role(name).orElse("(default role)"));
            }
            out.flush();
        }
    }
}
