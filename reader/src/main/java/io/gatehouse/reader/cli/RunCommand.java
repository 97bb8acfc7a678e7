package io.gatehouse.reader.cli;

import io.gatehouse.reader.Diagnostics;
import io.gatehouse.reader.DirectoryWatcher;
import io.gatehouse.reader.ReaderAgent;
import io.gatehouse.reader.ReaderException;
import io.gatehouse.reader.door.DoorDriver;
import io.gatehouse.reader.door.DoorDrivers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse reader run --state DIR [--watch DIR] …}: reads scans, one per line, from standard input
 * and/or decodes image files dropped into a directory; prints one JSON line per decision on standard
 * output; reports on standard error as JSON lines. Without {@code --watch} it exits 0 at the end of
 * standard input, after trying (for at most {@code --flush-timeout}) to upload what is queued.
 */
@Command(name = "run",
        description = {"Run the reader: decide each scan, online or offline, and drive the door.",
                "Reads scans, one per line, from standard input (and image files with --watch). Each scan goes to"
                        + " the server; when the server does not answer, the signed bundle decides offline."
                        + " Every decision is recorded durably and printed as one JSON line; a grant unlocks the"
                        + " door."},
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    ReaderCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "The reader's state directory.")
    Path stateDir;

    @Option(names = "--watch", paramLabel = "DIR",
            description = "Also decode QR codes from image files appearing in DIR (moved to DIR/done afterwards).")
    Path watchDir;

    @Option(names = "--online-timeout", paramLabel = "DURATION", defaultValue = "1500ms", converter = DurationConverter.class,
            description = "How long to wait for the server before deciding offline (default: ${DEFAULT-VALUE}).")
    Duration onlineTimeout;

    @Option(names = "--sync-interval", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How often to fetch the bundle and upload events (default: ${DEFAULT-VALUE}).")
    Duration syncInterval;

    @Option(names = "--sync-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "The deadline of one bundle download or upload (default: ${DEFAULT-VALUE}).")
    Duration syncTimeout;

    @Option(names = "--flush-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "At the end of standard input, how long to keep uploading (default: ${DEFAULT-VALUE}).")
    Duration flushTimeout;

    @Option(names = "--door-driver", paramLabel = "DRIVER", defaultValue = "log",
            description = "How a grant opens the door: log (a JSON line on standard error), command:PROGRAM [ARG...]"
                    + " (run without a shell, the unlock seconds as last argument) or http:URL (a JSON POST)"
                    + " (default: ${DEFAULT-VALUE}).")
    String doorDriver;

    @Option(names = "--unlock-seconds", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long a grant unlocks the door (default: ${DEFAULT-VALUE}).")
    int unlockSeconds;

    @Override
    public Integer call() {
        validate();
        Diagnostics diagnostics = new Diagnostics(spec.commandLine().getErr(), parent.clock());
        Function<String, DoorDriver> drivers = doorId -> DoorDrivers.parse(doorDriver, diagnostics, parent.http(), doorId);
        ReaderAgent.Settings settings = new ReaderAgent.Settings(stateDir, parent.clock(), parent.http(), onlineTimeout,
                syncInterval, syncTimeout, Duration.ofSeconds(unlockSeconds), drivers, spec.commandLine().getOut(),
                diagnostics);
        try (ReaderAgent agent = ReaderAgent.open(settings)) {
            diagnostics.info("reader_started", Diagnostics.fields("reader", agent.config().readerId(),
                    "door", agent.config().doorId(), "server", agent.config().serverUrl().toString(),
                    "bundleVersion", agent.currentBundle().map(bundle -> bundle.bundleVersion()).orElse(null),
                    "pendingEvents", agent.queue().pendingCount(), "revoked", agent.config().revoked() != null));
            agent.start();
            Thread watcher = null;
            if (watchDir != null) {
                watcher = new Thread(new DirectoryWatcher(watchDir, agent, diagnostics, Duration.ofMillis(250)),
                        "gatehouse-reader-watch");
                watcher.setDaemon(true);
                watcher.start();
            }
            readStandardInput(agent, diagnostics);
            if (watcher != null) {
                watcher.join();
                return 0;
            }
            ReaderAgent.Upload upload = agent.upload(flushTimeout);
            diagnostics.info("reader_stopped", Diagnostics.fields("upload", upload.name().toLowerCase(Locale.ROOT),
                    "pendingEvents", agent.queue().pendingCount()));
            return 0;
        } catch (ReaderException e) {
            diagnostics.error(e.code(), Diagnostics.fields("detail", e.getMessage()));
            return ReaderCommand.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void validate() {
        if (unlockSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--unlock-seconds: expected 1 or more, got " + unlockSeconds);
        }
        for (Duration duration : new Duration[] {onlineTimeout, syncInterval, syncTimeout, flushTimeout}) {
            if (duration.isNegative() || duration.isZero()) {
                throw new ParameterException(spec.commandLine(), "durations must be positive, got " + duration);
            }
        }
        if (watchDir != null && !Files.isDirectory(watchDir)) {
            throw new ParameterException(spec.commandLine(), "--watch: " + watchDir + " is not a directory");
        }
        try {
            DoorDrivers.parse(doorDriver, new Diagnostics(spec.commandLine().getErr(), parent.clock()), parent.http(), "check");
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void readStandardInput(ReaderAgent agent, Diagnostics diagnostics) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(parent.stdin(), StandardCharsets.UTF_8));
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    continue; // an empty line is no scan (a line of spaces is: the space is a Base45 digit)
                }
                try {
                    agent.scan(line);
                } catch (ReaderException e) {
                    diagnostics.error("scan_not_recorded", Diagnostics.fields("code", e.code(), "detail", e.getMessage(),
                            "action", "the door stays shut"));
                }
            }
        } catch (IOException e) {
            diagnostics.error("stdin_failed", Diagnostics.fields("detail", e.toString()));
        }
    }
}
