package io.gatehouse.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Outside programs that tests use as real clients (oathtool, zbarimg). On a laptop without them the test is skipped
 * with a message saying what to install; CI installs them and fails on any skip.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    public static Optional<Path> find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Skips the calling test when {@code name} is missing. */
    public static Path require(String name, String debianPackage) {
        Optional<Path> path = find(name);
        Assumptions.assumeTrue(path.isPresent(), name + " is not installed; install it to run this test: apt-get"
                + " install " + debianPackage);
        return path.get();
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static Result run(Duration timeout, String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
