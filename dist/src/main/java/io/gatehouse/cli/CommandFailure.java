package io.gatehouse.cli;

/** An expected failure of a command: its message is the one line the user sees, so it must say what to do. */
final class CommandFailure extends RuntimeException {
    CommandFailure(String message) {
        super(message);
    }

    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
