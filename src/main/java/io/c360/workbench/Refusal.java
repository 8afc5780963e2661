package io.c360.workbench;

/**
 * A request the workbench refuses before changing anything, with the HTTP status and a message for the
 * page. Messages name fields and record keys, never an attribute's value.
 */
public final class Refusal extends RuntimeException {
    private final int status;

    Refusal(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static Refusal badRequest(String message) {
        return new Refusal(400, message);
    }

    public static Refusal notFound(String message) {
        return new Refusal(404, message);
    }

    int status() {
        return status;
    }
}
