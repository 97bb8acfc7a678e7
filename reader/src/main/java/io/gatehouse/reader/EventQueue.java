package io.gatehouse.reader;

import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The reader's durable event queue: {@code events.jsonl}, one event per line, each hash-chained to the
 * one before, appended and forced to disk before the decision is shown or the door opens; and
 * {@code events.acked}, the highest seq the server acknowledged, replaced atomically.
 *
 * <p>Crash safety. An event is one {@code write} of its line including the newline, then
 * {@link FileChannel#force}; only after that does the caller print the decision. A process killed at any
 * point therefore leaves at most one incomplete last line, whose decision was never shown. On open, a
 * last line without its newline, or whose JSON or hash does not check, is dropped with a warning and the
 * file is cut back to the last good line; the chain continues from there. Anything else (a bad line
 * before the last, or a well-formed event that does not follow its predecessor) is not a torn write but
 * damage, and the queue refuses to open ({@code queue_corrupt}) rather than silently losing or
 * re-numbering records.
 *
 * <p>Size. The file keeps every event from the last acknowledged one on; on open, when more than
 * {@value #COMPACT_AFTER} acknowledged events precede it, the file is rewritten atomically without them
 * (the last acknowledged event stays as the chain's anchor). Unacknowledged events are held in memory
 * for upload.
 *
 * <p>Thread-safe: appends come from the scan loop, reads and acknowledgements from the upload task.
 */
public final class EventQueue implements AutoCloseable {

    /** How many acknowledged events may precede the anchor before the file is compacted on open. */
    public static final int COMPACT_AFTER = 10_000;

    private final Path eventsFile;
    private final Path ackedFile;
    private final FileChannel channel;
    private final List<ReaderEvent> unacknowledged;
    private final String fileReaderId;
    private ChainHead head;
    private long ackedSeq;
    private long size;
    private boolean broken;

    private EventQueue(Path eventsFile, Path ackedFile, FileChannel channel, List<ReaderEvent> unacknowledged,
            String fileReaderId, ChainHead head, long ackedSeq, long size) {
        this.fileReaderId = fileReaderId;
        this.eventsFile = eventsFile;
        this.ackedFile = ackedFile;
        this.channel = channel;
        this.unacknowledged = unacknowledged;
        this.head = head;
        this.ackedSeq = ackedSeq;
        this.size = size;
    }

    // ---- Opening ----------------------------------------------------------------------------------

    /**
     * Opens the queue, recovering from a crash: a torn last line is dropped (with a warning) and the file
     * cut back to the last good event.
     *
     * @param eventsFile the queue file; not null; created if missing
     * @param ackedFile the acknowledgement cursor; not null; 0 if missing
     * @param diagnostics where the warning about a dropped line goes; not null
     * @return the open queue, never null
     * @throws ReaderException with code {@code queue_corrupt} naming the line if a line other than the last
     *     is damaged or the chain is broken inside the file, {@code queue_unreadable} if it cannot be read
     */
    public static EventQueue open(Path eventsFile, Path ackedFile, Diagnostics diagnostics) {
        Objects.requireNonNull(diagnostics, "diagnostics");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(eventsFile);
        } catch (NoSuchFileException e) {
            bytes = new byte[0];
        } catch (IOException e) {
            throw new ReaderException("queue_unreadable", "cannot read the event queue " + eventsFile + ": " + e, e);
        }
        Scan scan = scan(eventsFile, bytes, diagnostics);
        long acked = readAcked(ackedFile, scan.head.seq(), diagnostics);

        List<ReaderEvent> pending = new ArrayList<>();
        int firstPending = 0;
        for (int i = 0; i < scan.events.size(); i++) {
            if (scan.events.get(i).seq() <= acked) {
                firstPending = i + 1;
            } else {
                pending.add(scan.events.get(i));
            }
        }
        try {
            long good = scan.goodLength;
            if (firstPending - 1 > COMPACT_AFTER) {
                // Keep the last acknowledged event as the anchor the next event links to. Only leading
                // lines go, so the head stays what the scan found.
                int from = scan.lineStarts.get(firstPending - 1);
                StateDirectory.writeAtomically(eventsFile, Arrays.copyOfRange(bytes, from, scan.goodLength));
                diagnostics.info("queue_compacted", Diagnostics.fields("file", eventsFile.toString(),
                        "removedEvents", firstPending - 1, "anchorSeq", scan.events.get(firstPending - 1).seq()));
                good = scan.goodLength - from;
            }
            FileChannel channel = FileChannel.open(eventsFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.size() > good) {
                channel.truncate(good);
                channel.force(true);
            }
            String readerId = scan.events.isEmpty() ? null : scan.events.get(scan.events.size() - 1).readerId();
            return new EventQueue(eventsFile, ackedFile, channel, pending, readerId, scan.head, acked, good);
        } catch (IOException e) {
            throw new ReaderException("queue_unwritable", "cannot open the event queue " + eventsFile + ": " + e, e);
        }
    }

    /** What a pass over the file found. */
    private record Scan(List<ReaderEvent> events, List<Integer> lineStarts, ChainHead head, int goodLength) {
    }

    private static Scan scan(Path file, byte[] bytes, Diagnostics diagnostics) {
        List<ReaderEvent> events = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        ChainHead head = ChainHead.START;
        int start = 0;
        int lineNumber = 0;
        while (start < bytes.length) {
            lineNumber++;
            int end = indexOf(bytes, (byte) '\n', start);
            boolean last = end < 0 || end == bytes.length - 1;
            String problem;
            boolean torn = true; // could an interrupted write have left this line as it is?
            ReaderEvent event = null;
            if (end < 0) {
                problem = "the line has no line terminator (" + (bytes.length - start) + " bytes)";
            } else {
                String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
                try {
                    event = EventJson.fromLine(line);
                    problem = hashProblem(event);
                    if (problem == null) {
                        // A complete, self-consistent event that does not follow its predecessor was not
                        // torn: it was written there by something else.
                        problem = linkProblem(events.isEmpty() ? null : head, event);
                        torn = false;
                    }
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                if (last && torn) {
                    diagnostics.warn("queue_torn_line_dropped", Diagnostics.fields("file", file.toString(),
                            "line", lineNumber, "bytes", bytes.length - start, "problem", problem,
                            "continuesAfterSeq", head.seq()));
                    return new Scan(events, starts, head, start);
                }
                throw new ReaderException("queue_corrupt", "event queue " + file + " line " + lineNumber + ": "
                        + problem + "; it is not the last line, so this is damage, not an interrupted write."
                        + " Move the state aside for inspection and re-provision the reader (gatehouse reader enroll"
                        + " --force with a new token): the server still has every acknowledged event, and a new"
                        + " chain must not reuse the event numbers it holds");
            }
            events.add(event);
            starts.add(start);
            head = ChainHead.of(event);
            start = end + 1;
        }
        return new Scan(events, starts, head, bytes.length);
    }

    /** Checks that an event's hash matches its fields. */
    private static String hashProblem(ReaderEvent event) {
        byte[] expected = ReaderEvents.hash(event.prevHash(), event.eventId(), event.seq(), event.fields());
        return MessageDigest.isEqual(expected, event.hash()) ? null : "the hash does not match the recorded fields";
    }

    /** Checks an event against the one before it (nothing for the first line of the file, the anchor). */
    private static String linkProblem(ChainHead previous, ReaderEvent event) {
        if (previous != null) {
            if (event.seq() != previous.seq() + 1) {
                return "expected seq " + (previous.seq() + 1) + ", got " + event.seq();
            }
            if (!MessageDigest.isEqual(event.prevHash(), previous.hash())) {
                return "prevHash does not link to the event before it";
            }
        }
        return null;
    }

    private static long readAcked(Path ackedFile, long lastSeq, Diagnostics diagnostics) {
        String text;
        try {
            text = Files.readString(ackedFile, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new ReaderException("queue_unreadable", "cannot read " + ackedFile + ": " + e, e);
        }
        long acked;
        try {
            acked = Long.parseLong(text);
        } catch (NumberFormatException e) {
            // Written atomically, so this is damage; uploading again is safe (the server is idempotent).
            diagnostics.warn("queue_cursor_unreadable", Diagnostics.fields("file", ackedFile.toString(), "content", text));
            return 0;
        }
        if (acked > lastSeq) {
            // The server holds events this queue no longer has (the file was replaced or restored): numbering on
            // from here would reuse event ids the server already decided, and those events would be lost there.
            throw new ReaderException("queue_behind_server", "the event queue ends at seq " + lastSeq + " but the"
                    + " server acknowledged up to seq " + acked + "; re-provision the reader (gatehouse reader enroll"
                    + " --force with a new token) instead of reusing this state");
        }
        return Math.max(acked, 0);
    }

    private static int indexOf(byte[] bytes, byte value, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    // ---- Appending --------------------------------------------------------------------------------

    /**
     * Numbers, chains, signs and durably appends an event. When this returns, the event is on disk.
     *
     * @param readerId the reader's id; not null
     * @param fields what was decided; not null
     * @param readerKey signs the event; not null
     * @return the event as written, never null
     * @throws ReaderException with code {@code queue_unwritable} if it could not be written and forced;
     *     the file is then cut back so the next append does not follow a partial line
     */
    public synchronized ReaderEvent append(String readerId, EventFields fields, PrivateKey readerKey) {
        if (broken) {
            throw new ReaderException("queue_unwritable", "the event queue " + eventsFile
                    + " could not be repaired after a failed write; restart the reader");
        }
        ReaderEvent event = ReaderEvents.chain(head, readerId, fields, readerKey);
        byte[] line = (EventJson.toLine(event) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            long position = size;
            while (buffer.hasRemaining()) {
                position += channel.write(buffer, position);
            }
            channel.force(false); // data and the file size; names and times need not be durable
        } catch (IOException e) {
            try {
                channel.truncate(size);
                channel.force(false);
            } catch (IOException repair) {
                broken = true;
            }
            throw new ReaderException("queue_unwritable", "cannot append to the event queue " + eventsFile + ": " + e, e);
        }
        size += line.length;
        head = ChainHead.of(event);
        unacknowledged.add(event);
        return event;
    }

    // ---- Reading and acknowledging ----------------------------------------------------------------

    /**
     * Returns the head of the chain: the last event's seq and hash.
     *
     * @return the head, never null; {@link ChainHead#START} for an empty queue
     */
    public synchronized ChainHead head() {
        return head;
    }

    /**
     * Returns the reader id of the events found in the file when it was opened.
     *
     * @return the reader id, or empty if the file held no event
     */
    public Optional<String> readerIdInFile() {
        return Optional.ofNullable(fileReaderId);
    }

    /**
     * Returns the highest seq the server acknowledged.
     *
     * @return 0 or more
     */
    public synchronized long ackedSeq() {
        return ackedSeq;
    }

    /**
     * Returns the oldest events not yet acknowledged, in seq order.
     *
     * @param max the most to return; 1 or more
     * @return a new list of up to {@code max} events, possibly empty, never null
     */
    public synchronized List<ReaderEvent> pending(int max) {
        return List.copyOf(unacknowledged.subList(0, Math.min(max, unacknowledged.size())));
    }

    /**
     * Returns how many events are not yet acknowledged.
     *
     * @return 0 or more
     */
    public synchronized int pendingCount() {
        return unacknowledged.size();
    }

    /**
     * Records that the server holds every event up to a seq: atomically replaces the cursor file, then
     * forgets those events.
     *
     * @param seq the highest acknowledged seq; values at or below the current cursor are ignored
     * @throws ReaderException with code {@code state_unwritable} if the cursor cannot be written
     */
    public synchronized void acknowledge(long seq) {
        long upTo = Math.min(seq, head.seq());
        if (upTo <= ackedSeq) {
            return;
        }
        StateDirectory.writeAtomically(ackedFile, (upTo + "\n").getBytes(StandardCharsets.US_ASCII));
        ackedSeq = upTo;
        unacknowledged.removeIf(event -> event.seq() <= upTo);
    }

    /**
     * Reads every event still in the file, in order, for inspection and tests.
     *
     * @return the events, never null
     * @throws ReaderException if the file cannot be read
     */
    public synchronized List<ReaderEvent> readFile() {
        try {
            List<ReaderEvent> events = new ArrayList<>();
            for (String line : Files.readAllLines(eventsFile, StandardCharsets.UTF_8)) {
                events.add(EventJson.fromLine(line));
            }
            return events;
        } catch (IOException e) {
            throw new ReaderException("queue_unreadable", "cannot read " + eventsFile + ": " + e, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Every append was forced already.
        }
    }
}
