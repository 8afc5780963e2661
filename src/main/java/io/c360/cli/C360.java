package io.c360.cli;

import io.c360.C360Exception;
import io.c360.lake.Secrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code c360} command line: one subcommand per job an engineer or orchestrator runs. */
@Command(
        name = "c360",
        mixinStandardHelpOptions = true,
        versionProvider = C360.Version.class,
        description = "Customer 360 on Spark and Delta Lake: bronze -> silver -> gold.",
        subcommands = {
            GenerateCommand.class,
            RunCommand.class,
            DemoCommand.class,
            SqlCommand.class,
            EvaluateCommand.class,
            ProfileCommand.class,
            ExplainCommand.class,
            StewardCommand.class,
            AuditCommand.class,
            ExportCommand.class,
            EraseCommand.class,
            AccessCommand.class,
            BenchCommand.class,
            ServeCommand.class,
            UsersCommand.class,
            WorkbenchCommand.class
        })
public final class C360 implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand; see c360 --help");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line and returns its exit code: 0 success, 1 failure, 2 usage error, 3 an erasure or
     * access refused because the e-mail or phone is shared by several customers (nothing changed).
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new C360()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("c360: error: " + Secrets.redact(oneLine(e)));
            if (System.getenv("C360_DEBUG") != null) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                cmd.getErr().print(Secrets.redact(trace.toString()));
            }
            return exitCode(e);
        });
        cli.setExecutionStrategy(C360::rejectUnmatched);
        return cli.execute(args);
    }

    /**
     * picocli tolerates unmatched arguments when help is asked for, so {@code c360 nosuch --help} would print
     * the top-level help and succeed: a script with a misspelt subcommand must fail instead.
     */
    private static int rejectUnmatched(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (!p.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** The exit code of our error ({@link C360Exception#exitCode}), 1 for any other. */
    static int exitCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof C360Exception c) {
                return c.exitCode();
            }
        }
        return 1;
    }

    /** The message a user can act on: ours as is, otherwise the innermost cause with its type. */
    static String oneLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof C360Exception) {
                return t.getMessage();
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : root.getMessage().split("\n", 2)[0];
        return root.getClass().getSimpleName() + ": " + message + " (set C360_DEBUG=1 for the stack trace)";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = C360.class.getPackage().getImplementationVersion();
            return new String[] {"c360 " + (v == null ? "(development build)" : v)};
        }
    }
}
