package io.gatehouse.reader.door;

import io.gatehouse.reader.ReaderException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program for each unlock, with the unlock duration in whole seconds as its last argument, for
 * example {@code /usr/local/bin/relay-pulse --pin 17 5}. No shell is involved: the words are passed as
 * they are, so nothing in them is expanded or interpreted. The program's standard output is discarded
 * (the reader's own standard output carries the decisions); its standard error goes to the reader's.
 */
public final class CommandDoorDriver implements DoorDriver {

    /** How long the program may run beyond the unlock duration before it is killed. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private final List<String> command;

    /**
     * Creates the driver.
     *
     * @param command the program and its first arguments; not null, not empty; copied
     * @throws IllegalArgumentException if the command is empty
     */
    public CommandDoorDriver(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("door command: expected a program, got nothing");
        }
        this.command = List.copyOf(command);
    }

    /**
     * Returns the program and its first arguments.
     *
     * @return the words, never null
     */
    public List<String> command() {
        return command;
    }

    /**
     * Runs the program and waits for it.
     *
     * @throws ReaderException with code {@code door_driver_failed} if it cannot be started, exits with a
     *     status other than 0, or runs longer than the duration plus {@link #GRACE}
     */
    @Override
    public void unlock(Duration duration) {
        List<String> words = new ArrayList<>(command);
        words.add(Long.toString(duration.toSeconds()));
        Process process;
        try {
            process = new ProcessBuilder(words)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            process.getOutputStream().close(); // the program reads nothing from the reader
        } catch (IOException e) {
            throw new ReaderException("door_driver_failed", "cannot start door command " + command.get(0) + ": " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(duration.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new ReaderException("door_driver_failed", "door command " + command.get(0) + " still ran after "
                        + duration.plus(GRACE).toSeconds() + " s; killed it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReaderException("door_driver_failed", "interrupted while door command " + command.get(0) + " ran", e);
        }
        if (process.exitValue() != 0) {
            throw new ReaderException("door_driver_failed", "door command " + command.get(0) + " exited with status "
                    + process.exitValue() + ", expected 0");
        }
    }
}
