package io.c360.cli;

import io.c360.C360Exception;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A new password typed twice at the terminal, or read from the first line of standard input when it is not one. */
final class Passwords {
    private Passwords() {}

    /** {@code option} names the command's option in errors (--add-user, users add). */
    static char[] read(String option) {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("password: ");
            char[] again = console.readPassword("password again: ");
            if (first == null || !Arrays.equals(first, again)) {
                throw new C360Exception(option + ": the two passwords differ; nothing written");
            }
            Arrays.fill(again, '\0');
            return first;
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null) {
                throw new C360Exception(option + ": expected the password on standard input; nothing written");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the password", e);
        }
    }
}
