package io.gatehouse.qr;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds and runs command-line tools that tests use as independent cross-checks (zbarimg,
 * oathtool, ...).
 *
 * <p>Tests that need a tool call {@link #require}: on a developer machine without it the test
 * is skipped with a message saying how to install it; CI installs every tool and treats skips
 * as failures, so the cross-check cannot silently disappear there.
 *
 * <p>Test code cannot be shared between modules without test-jars, so other modules keep
 * their own copy of this class.
 */
final class ExternalTool {

    /**
     * What a finished process wrote and returned.
     *
     * @param exitCode the exit status
     * @param stdout standard output decoded as UTF-8; not null
     * @param stderr standard error decoded as UTF-8; not null
     */
    record ProcessResult(int exitCode, String stdout, String stderr) {
    }

    private ExternalTool() {
    }

    /**
     * Looks an executable up on {@code PATH}, as a shell would.
     *
     * @param name a bare file name such as {@code "zbarimg"}; not null, no path separator
     * @return the first executable regular file of that name on {@code PATH}, or empty
     * @throws IllegalArgumentException if {@code name} is empty or contains a path separator
     */
    static Optional<Path> find(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.contains(File.separator)) {
            throw new IllegalArgumentException("tool name: expected a bare file name, got \"" + name + "\"");
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(directory, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            } catch (InvalidPathException e) {
                // A malformed PATH entry cannot hold the tool; keep looking.
            }
        }
        return Optional.empty();
    }

    /**
     * Finds a tool or skips the calling test.
     *
     * @param name a bare file name; not null
     * @param installHint how to install it, for example {@code "apt-get install -y zbar-tools"}
     * @return the tool's path; never null
     * @throws org.opentest4j.TestAbortedException if the tool is not on {@code PATH}, with the
     *     message "NAME not installed: INSTALL_HINT"
     */
    static Path require(String name, String installHint) {
        Optional<Path> tool = find(name);
        Assumptions.assumeTrue(tool.isPresent(), name + " not installed: " + installHint);
        return tool.orElseThrow();
    }

    /**
     * Runs a command to completion with empty standard input, capturing its output.
     *
     * @param timeout how long to wait before killing it; positive
     * @param command the program and its arguments; at least one element, none null
     * @return the exit code and output; never null
     * @throws IllegalStateException if it does not finish within {@code timeout} (it is then
     *     killed, with its descendants) or the waiting thread is interrupted
     * @throws UncheckedIOException if it cannot be started
     */
    static ProcessResult run(Duration timeout, String... command) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: expected a positive duration, got " + timeout);
        }
        if (command.length == 0) {
            throw new IllegalArgumentException("command: expected a program name, got no elements");
        }
        String shown = String.join(" ", command);
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + Arrays.toString(command), e);
        }
        try {
            process.getOutputStream().close();
            // Both pipes are drained concurrently: a tool blocked on a full stderr pipe never exits.
            FutureTask<byte[]> stdout = drain(process.getInputStream());
            FutureTask<byte[]> stderr = drain(process.getErrorStream());
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new IllegalStateException("\"" + shown + "\" did not finish within " + timeout + "; killed it");
            }
            // A grandchild that inherited the pipes could keep them open after the exit.
            long left = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1));
            return new ProcessResult(process.exitValue(),
                    new String(stdout.get(left, TimeUnit.NANOSECONDS), UTF_8),
                    new String(stderr.get(left, TimeUnit.NANOSECONDS), UTF_8));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for \"" + shown + "\"", e);
        } catch (TimeoutException e) {
            kill(process);
            throw new IllegalStateException("\"" + shown + "\" exited but its output stayed open past " + timeout, e);
        } catch (ExecutionException e) {
            throw new UncheckedIOException("reading the output of \"" + shown + "\" failed",
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        } catch (IOException e) {
            kill(process);
            throw new UncheckedIOException("could not close the standard input of \"" + shown + "\"", e);
        }
    }

    private static FutureTask<byte[]> drain(InputStream stream) {
        FutureTask<byte[]> task = new FutureTask<>(() -> {
            try (stream) {
                return stream.readAllBytes();
            }
        });
        Thread.ofVirtual().name("external-tool-drain").start(task);
        return task;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
