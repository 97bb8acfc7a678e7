package io.gatehouse.reader.cli;

import io.gatehouse.reader.ReaderException;
import io.gatehouse.reader.ReaderVersion;
import io.gatehouse.reader.ServerClient;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse reader}: the door reader agent. The main {@code gatehouse} command mounts it as a
 * subcommand; it also runs on its own ({@link ReaderMain}).
 *
 * <p>Exit codes: 0 on success (for {@code run}: standard input ended and the upload was flushed), 1 when
 * the operation failed (the reason, with its code, goes to standard error), 2 for a usage error.
 */
@Command(name = "reader",
        description = "The door reader: enrol with a provisioning token, then decide scans online or offline.",
        mixinStandardHelpOptions = true,
        versionProvider = ReaderCommand.Version.class,
        subcommands = {EnrollCommand.class, RunCommand.class})
public final class ReaderCommand implements Callable<Integer> {

    /** The exit code of a failed operation. */
    public static final int EXIT_FAILURE = 1;

    /** How long the reader waits for a TCP connection to the server. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final InputStream stdin;
    private final Clock clock;
    private final SecureRandom random;
    private HttpClient http; // made on first use: the main command builds this object for every subcommand

    @Spec
    CommandSpec spec;

    /**
     * Creates the command for real use: standard input, the system clock, a new {@link SecureRandom} and
     * the reader's default HTTP client.
     */
    public ReaderCommand() {
        this.stdin = System.in;
        this.clock = Clock.systemUTC();
        this.random = new SecureRandom();
    }

    /**
     * Creates the command with its inputs given, for tests and embedding.
     *
     * @param stdin where {@code run} reads scans; not null
     * @param clock the reader's clock; not null
     * @param random makes keys; not null
     * @param http talks to the server and to an HTTP door; not null
     */
    public ReaderCommand(InputStream stdin, Clock clock, SecureRandom random, HttpClient http) {
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.http = Objects.requireNonNull(http, "http");
    }

    /** Without a subcommand, prints the usage. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    // ---- Shared by the subcommands ----------------------------------------------------------------

    InputStream stdin() {
        return stdin;
    }

    Clock clock() {
        return clock;
    }

    SecureRandom random() {
        return random;
    }

    synchronized HttpClient http() {
        if (http == null) {
            http = ServerClient.defaultHttpClient(CONNECT_TIMEOUT);
        }
        return http;
    }

    /** Runs an operation, turning a {@link ReaderException} into a message on stderr and exit code 1. */
    static int run(CommandLine commandLine, Callable<Integer> operation) throws Exception {
        try {
            return operation.call();
        } catch (ReaderException e) {
            PrintWriter err = commandLine.getErr();
            err.println("error: " + e.getMessage() + " [" + e.code() + (e.status() == 0 ? "" : ", HTTP " + e.status()) + "]");
            err.flush();
            return EXIT_FAILURE;
        }
    }

    /** Reports the module version for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gatehouse reader " + ReaderVersion.get()};
        }
    }
}
