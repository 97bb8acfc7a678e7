package io.gatehouse.reader;

import io.gatehouse.protocol.pass.PassVerifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The visitor-pass entries this reader granted offline that the server has not counted in a bundle yet. Persisted in
 * {@code passes.log}, one line per entry ({@code <event seq> <window end, epoch s> <visitor id>}), appended and
 * forced to disk before a grant opens the door, so a restart keeps the count: a pass with N entries, of which the
 * server had counted C, admits at most N - C times offline here.
 *
 * <p>An entry is forgotten once a bundle counts it: the server counts an uploaded offline grant when it merges the
 * event, so a bundle fetched after the server acknowledged events up to seq S counts every entry with seq up to S
 * ({@link #settle}). An entry the server merged but whose acknowledgement was lost is counted twice until the next
 * bundle: a pass may then admit fewer times offline, never more. Entries whose window ended more than the largest
 * allowed skew ago are forgotten too. Thread-safe.
 */
public final class PassEntries implements PassVerifier.LocalEntries, AutoCloseable {

    /** The largest allowed skew a door can have: a pass is decided up to that long after its window. */
    static final long MAX_SKEW_SECONDS = 120;

    private record Entry(long seq, long untilEpochSecond, String visitorId) {
    }

    private final Path file;
    private final Clock clock;
    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Integer> byVisitor = new HashMap<>();
    private FileChannel channel;

    private PassEntries(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /**
     * Loads the entries, drops unreadable lines (a torn last line after a crash: that grant never opened the door)
     * and ended passes, and rewrites the file with what is left.
     *
     * @throws ReaderException with code {@code passes_unreadable} or {@code state_unwritable} on I/O failure
     */
    public static PassEntries open(Path file, Clock clock, Diagnostics diagnostics) {
        PassEntries passes = new PassEntries(Objects.requireNonNull(file, "file"), Objects.requireNonNull(clock, "clock"));
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lines = List.of();
        } catch (IOException e) {
            throw new ReaderException("passes_unreadable", "cannot read the pass entries " + file + ": " + e, e);
        }
        int unreadable = 0;
        for (String line : lines) {
            String[] parts = line.split(" ", 3);
            try {
                if (parts.length != 3 || parts[2].isBlank()) {
                    throw new IllegalArgumentException("expected 3 fields, got " + parts.length);
                }
                passes.add(new Entry(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]));
            } catch (IllegalArgumentException e) {
                unreadable++;
            }
        }
        if (unreadable > 0) {
            Objects.requireNonNull(diagnostics, "diagnostics").warn("pass_lines_dropped",
                    Diagnostics.fields("file", file.toString(), "lines", unreadable));
        }
        passes.retain(Long.MIN_VALUE);
        return passes;
    }

    @Override
    public synchronized int since(String visitorId) {
        return byVisitor.getOrDefault(visitorId, 0);
    }

    /**
     * Counts one offline entry, durably.
     *
     * @param visitorId the pass's visitor; no line break
     * @param seq the seq of the event that records the grant
     * @param untilEpochSecond the end of the pass's window
     * @throws ReaderException with code {@code state_unwritable} if it cannot be written; the caller denies
     */
    public synchronized void record(String visitorId, long seq, long untilEpochSecond) {
        if (visitorId.indexOf('\n') >= 0 || visitorId.indexOf('\r') >= 0) {
            throw new ReaderException("state_unwritable", "a visitor id with a line break cannot be counted");
        }
        Entry entry = new Entry(seq, untilEpochSecond, visitorId);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line(entry).getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new ReaderException("state_unwritable", "cannot write the pass entries " + file + ": " + e, e);
        }
        add(entry);
    }

    /**
     * Forgets the entries a newly accepted bundle counts: those recorded by events up to {@code countedThroughSeq}.
     *
     * @param countedThroughSeq the highest seq the server had acknowledged before the bundle was requested
     * @return how many entries are still counted here
     */
    public synchronized int settle(long countedThroughSeq) {
        retain(countedThroughSeq);
        return entries.size();
    }

    /** How many entries are counted here, for all passes. */
    public synchronized int size() {
        return entries.size();
    }

    private void add(Entry entry) {
        entries.add(entry);
        byVisitor.merge(entry.visitorId(), 1, Integer::sum);
    }

    private void retain(long countedThroughSeq) {
        long now = Math.floorDiv(clock.millis(), 1000);
        List<Entry> kept = entries.stream().filter(entry -> entry.seq() > countedThroughSeq
                && entry.untilEpochSecond() + MAX_SKEW_SECONDS >= now).toList();
        entries.clear();
        byVisitor.clear();
        kept.forEach(this::add);
        StringBuilder text = new StringBuilder();
        kept.forEach(entry -> text.append(line(entry)));
        StateDirectory.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
        try {
            if (channel != null) {
                channel.close();
            }
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ReaderException("state_unwritable", "cannot open the pass entries " + file + ": " + e, e);
        }
    }

    private static String line(Entry entry) {
        return entry.seq() + " " + entry.untilEpochSecond() + " " + entry.visitorId() + "\n";
    }

    @Override
    public synchronized void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // Every entry was forced already.
        }
    }
}
