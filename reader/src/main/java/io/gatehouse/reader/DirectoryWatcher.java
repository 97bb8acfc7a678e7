package io.gatehouse.reader;

import io.gatehouse.qr.QrDecoder;
import io.gatehouse.qr.QrException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Takes scans from image files that a camera drops into a directory: each file is decoded with
 * {@link QrDecoder}, decided by the reader like a typed scan (or recorded as {@code malformed} when it
 * holds no readable code), then moved to the {@value #DONE} subfolder.
 *
 * <p>A file is taken once its size is the same at two polls in a row, so that one still being written is
 * not read half-way. Hidden files (names starting with a dot) are ignored, so a camera can write
 * {@code .tmp} names and rename. A crash between the decision and the move means the file is decided
 * again after the restart (its proof then denied as {@code replayed}).
 */
public final class DirectoryWatcher implements Runnable {

    /** The subfolder processed files are moved to. */
    public static final String DONE = "done";

    /** The largest image file read; bigger files are recorded as unreadable. */
    public static final long MAX_FILE_BYTES = 32L * 1024 * 1024;

    private final Path directory;
    private final ReaderAgent agent;
    private final Diagnostics diagnostics;
    private final Duration pollInterval;
    private final Map<Path, Long> sizes = new HashMap<>();

    /**
     * Creates a watcher; {@link #run()} polls until interrupted, {@link #pollOnce()} polls once.
     *
     * @param directory the directory to watch; not null; must exist
     * @param agent decides the scans; not null
     * @param diagnostics where file errors are reported; not null
     * @param pollInterval the time between polls; positive; not null
     */
    public DirectoryWatcher(Path directory, ReaderAgent agent, Diagnostics diagnostics, Duration pollInterval) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.diagnostics = Objects.requireNonNull(diagnostics, "diagnostics");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    @Override
    public void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                pollOnce();
            } catch (RuntimeException e) {
                diagnostics.error("watch_failed", Diagnostics.fields("directory", directory.toString(), "detail", e.getMessage()));
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Looks at the directory once and decides every file whose size has not changed since the last look.
     *
     * @return how many files were decided
     * @throws ReaderException with code {@code watch_failed} if the directory cannot be listed
     */
    public int pollOnce() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path file : stream) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".") && Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        } catch (IOException e) {
            throw new ReaderException("watch_failed", "cannot list " + directory + ": " + e, e);
        }
        files.sort(null);
        Map<Path, Long> seen = new HashMap<>();
        int decided = 0;
        for (Path file : files) {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                continue; // gone already
            }
            Long before = sizes.get(file);
            if (before == null || before != size || size == 0) {
                seen.put(file, size);
                continue;
            }
            decide(file, size);
            decided++;
        }
        sizes.clear();
        sizes.putAll(seen);
        return decided;
    }

    private void decide(Path file, long size) {
        String name = file.getFileName().toString();
        if (size > MAX_FILE_BYTES) {
            agent.unreadable("image " + name + " is " + size + " bytes, more than the " + MAX_FILE_BYTES + " read");
        } else {
            String text = null;
            String problem;
            try {
                text = QrDecoder.decode(Files.readAllBytes(file));
                problem = null;
            } catch (QrException e) {
                problem = e.getMessage();
            } catch (IOException e) {
                problem = "cannot read: " + e.getMessage();
            }
            if (text != null) {
                agent.scan(text);
            } else {
                agent.unreadable("image " + name + ": " + problem);
            }
        }
        moveToDone(file);
    }

    private void moveToDone(Path file) {
        Path done = directory.resolve(DONE);
        try {
            Files.createDirectories(done);
            Path target = done.resolve(file.getFileName());
            for (int i = 1; Files.exists(target); i++) {
                target = done.resolve(file.getFileName() + "." + i);
            }
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Left in place it would be decided again and again: report loudly.
            diagnostics.error("watch_move_failed", Diagnostics.fields("file", file.toString(), "detail", e.toString()));
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // Reported above.
            }
        }
    }
}
