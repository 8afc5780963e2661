package io.c360.test;

import io.c360.cli.C360;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in this JVM, as a user would from a shell, and keeps what it printed. */
public final class Cli {
    /** A command's exit code and what it printed on standard output and standard error. */
    public record Outcome(int code, String out, String err) {}

    private Cli() {}

    public static Outcome c360(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = C360.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
