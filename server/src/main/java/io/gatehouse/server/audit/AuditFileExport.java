package io.gatehouse.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log as a file a SIEM follows: every sealed record, in chain order, appended as one JSON line (the
 * record as the API shows it, plus its key id, content MAC and chain MAC in hex), written and fsynced a batch at a
 * time by a thread of its own. It wakes when this node has sealed records and every {@link #POLL} for what other
 * nodes sealed.
 *
 * <p>Nothing is lost and nothing is written twice: the file itself says where to go on (the chain position of its
 * last complete line; a partial line a crash left is cut off), and {@code stateFile} beside the data remembers the
 * last position written for when the file at the path is new and empty (logrotate moved the old one away). A file
 * that is moved away or deleted while the server runs is noticed before the next batch and a new one is created at
 * the path. A file whose last record is not this log's record at that position (another installation's file, a
 * restored older database) stops the start with one line rather than mixing two logs in one file.
 */
public final class AuditFileExport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditFileExport.class);
    static final Duration POLL = Duration.ofMillis(250);
    static final int BATCH = 500;
    private static final HexFormat HEX = HexFormat.of();
    private static final int TAIL_CHUNK = 8192;

    private final Database database;
    private final AuditLog audit;
    private final Path file;
    private final Path stateFile;
    private final Thread thread;
    private volatile boolean closed;
    private FileChannel channel;
    private Object fileKey;
    private long position = -1;

    /**
     * @param file the export's path ({@code audit.export-file})
     * @param stateFile where the last position written is kept, in the node's data directory
     */
    public AuditFileExport(Database database, AuditLog audit, Path file, Path stateFile) {
        this.database = database;
        this.audit = audit;
        this.file = file;
        this.stateFile = stateFile;
        this.thread = new Thread(this::run, "gatehouse-audit-export");
        this.thread.setDaemon(true);
    }

    /**
     * Opens the file and finds where to go on; called at start, before the server listens.
     *
     * @throws ConfigException the file's last record is not this log's, or the file cannot be written
     */
    public synchronized void resume() {
        try {
            open(true);
        } catch (IOException e) {
            throw problem("cannot write " + file + ": " + e);
        }
    }

    /** Starts the follower thread; {@link #resume} first. */
    public void start() {
        thread.start();
    }

    /** The chain position of the last record written; for tests. */
    public synchronized long position() {
        return position;
    }

    /** Appends the next batch of sealed records, reopening the file first if it was moved away; how many. */
    public synchronized int step() {
        try {
            if (channel == null || rotated()) {
                open(false);
            }
            long after = position;
            List<StoredRecord> records = database.read(tx -> AuditStore.linkedAfter(tx, after, BATCH));
            if (records.isEmpty()) {
                return 0;
            }
            if (channel.size() < channel.position()) {
                // Truncated in place (logrotate's copytruncate): go on at its new end, leaving no hole.
                channel.position(channel.size());
            }
            StringBuilder lines = new StringBuilder();
            for (StoredRecord record : records) {
                lines.append(line(record)).append('\n');
            }
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
            position = records.get(records.size() - 1).chainSeq();
            remember(records.get(records.size() - 1));
            return records.size();
        } catch (IOException e) {
            // Reopened at the next step: a partial line is cut off then, and the position found again.
            closeChannel();
            throw new UncheckedIOException("the audit export to " + file + " failed", e);
        }
    }

    /** One record's line: the API's form, with what verifying the chain needs. */
    static String line(StoredRecord record) {
        ObjectNode node = Json.MAPPER.valueToTree(RecordView.of(record));
        node.put("keyId", record.keyId());
        node.put("contentMac", record.contentMac() == null ? null : HEX.formatHex(record.contentMac()));
        node.put("chainMac", record.chainMac() == null ? null : HEX.formatHex(record.chainMac()));
        return Json.write(node);
    }

    /**
     * Opens the file at the path (creating it readable by owner and group only) and cuts a partial last line. Its
     * last complete line, checked against the log, is where to go on; a file without one goes on from the state
     * file at start (nothing, the whole log, for a first export) and from where it was after a rotation.
     */
    private void open(boolean starting) throws IOException {
        closeChannel();
        create();
        FileChannel opened = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            Optional<String> last = repairTail(opened);
            if (last.isPresent()) {
                position = verified(parse(last.get()), "the last record in " + file);
            } else if (starting) {
                position = readState().map(state -> verified(state, "the position recorded in " + stateFile))
                        .orElse(0L);
            }
            opened.position(opened.size());
            fileKey = key(file);
            channel = opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private void create() throws IOException {
        try {
            if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rw-r-----")));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException exists) {
            // going on with it
        }
    }

    /** Whether the path no longer names the file being written (logrotate renamed it, or it was deleted). */
    private boolean rotated() {
        try {
            Object now = key(file);
            return now != null && !now.equals(fileKey);
        } catch (NoSuchFileException gone) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    private static Object key(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    /** A record's chain position and chain MAC, as a line or the state file gives them. */
    record Mark(long position, String chainMac) {
    }

    private Mark parse(String line) {
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            if (node.path("chainPosition").canConvertToLong() && node.path("chainMac").isTextual()) {
                return new Mark(node.get("chainPosition").asLong(), node.get("chainMac").asText());
            }
        } catch (IOException e) {
            // reported below
        }
        throw problem("the last line of " + file + " is not an exported audit record; move the file away and"
                + " start again");
    }

    /** {@code mark}'s position when the log holds that very record there; else the start fails. */
    private long verified(Mark mark, String what) {
        Optional<StoredRecord> record = database.read(tx -> AuditStore.linkedAfter(tx, mark.position() - 1, 1))
                .stream().filter(found -> Objects.equals(found.chainSeq(), mark.position())).findFirst();
        if (record.isEmpty() || record.get().chainMac() == null
                || !java.security.MessageDigest.isEqual(HEX.formatHex(record.get().chainMac()).getBytes(
                        StandardCharsets.US_ASCII), mark.chainMac().getBytes(StandardCharsets.US_ASCII))) {
            throw problem(what + " (chain position " + mark.position() + ") is not this audit log's record; it"
                    + " is from another installation or a newer database. Move the file away (or point"
                    + " audit.export-file at a new one) and start again");
        }
        return mark.position();
    }

    private static ConfigException problem(String text) {
        return new ConfigException(List.of("audit.export-file: " + text));
    }

    /**
     * Cuts whatever follows the last line break (a line a crash left half written) and returns the last complete
     * line, if there is one.
     */
    static Optional<String> repairTail(FileChannel channel) throws IOException {
        long size = channel.size();
        long end = lastNewline(channel, size);
        if (end + 1 < size) {
            channel.truncate(end + 1);
            channel.force(true);
        }
        if (end < 0) {
            return Optional.empty();
        }
        long start = lastNewline(channel, end) + 1;
        ByteBuffer line = ByteBuffer.allocate(Math.toIntExact(end - start));
        while (line.hasRemaining() && channel.read(line, start + line.position()) > 0) {
            // reading on
        }
        return Optional.of(new String(line.array(), StandardCharsets.UTF_8));
    }

    /** The offset of the last '\n' before {@code before}, or -1. */
    private static long lastNewline(FileChannel channel, long before) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(TAIL_CHUNK);
        long end = before;
        while (end > 0) {
            long start = Math.max(0, end - TAIL_CHUNK);
            chunk.clear().limit(Math.toIntExact(end - start));
            while (chunk.hasRemaining() && channel.read(chunk, start + chunk.position()) > 0) {
                // reading on
            }
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i;
                }
            }
            end = start;
        }
        return -1;
    }

    private Optional<Mark> readState() throws IOException {
        if (!Files.isRegularFile(stateFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(stateFile, StandardCharsets.UTF_8);
        String[] parts = lines.isEmpty() ? new String[0] : lines.get(0).split(" ");
        if (lines.size() != 2 || parts.length != 2 || !parts[0].matches("[0-9]{1,18}")
                || !parts[1].matches("[0-9a-f]{64}")) {
            throw problem(stateFile + " does not hold a position; delete it and start again");
        }
        // A position of another file: this one is new and starts with the whole log.
        return lines.get(1).equals(file.toString()) ? Optional.of(new Mark(Long.parseLong(parts[0]), parts[1]))
                : Optional.empty();
    }

    /** Records the last position written and the file it went to, replacing the state file in one step. */
    private void remember(StoredRecord last) throws IOException {
        // Private, as every file in the data directory.
        Path temporary = Files.createTempFile(stateFile.toAbsolutePath().getParent(), stateFile.getFileName() + ".",
                ".new", PosixFilePermissions.asFileAttribute(io.gatehouse.server.common.PrivateFiles.FILE));
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap((last.chainSeq() + " " + HEX.formatHex(last.chainMac()) + "\n" + file + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            out.force(true);
        }
        Files.move(temporary, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void run() {
        long sealed = 0;
        while (!closed) {
            try {
                sealed = audit.awaitSealed(sealed, POLL);
                while (!closed && step() == BATCH) {
                    // a full batch: more are waiting
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.error("the audit export could not append; trying again shortly", e);
                sleepQuietly();
            }
        }
    }

    private void sleepQuietly() {
        for (int i = 0; i < 4 && !closed; i++) {
            try {
                TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            channel = null;
        }
    }

    /**
     * Stops the follower without interrupting it (an interrupt would close the file mid-write); it notices within
     * {@link #POLL}.
     */
    @Override
    public void close() {
        closed = true;
        if (thread.isAlive()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeChannel();
    }
}
