package io.c360;

/**
 * An error a user can act on: its message is printed as the one line the CLI shows, so it names
 * the file, the field and what was expected.
 */
public class C360Exception extends RuntimeException {
    public C360Exception(String message) {
        super(message);
    }

    public C360Exception(String message, Throwable cause) {
        super(message, cause);
    }

    /** The command line's exit code for this error: 1, unless the error is one a script must tell apart. */
    public int exitCode() {
        return 1;
    }
}
