package io.gatehouse.reader;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ReplayGuard;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reader's own single-use store: every (credential, nonce) it granted or relayed, until the proof
 * would be expired anyway. Persisted in {@code replay.log}, one record per line
 * ({@code <credential id> <nonce hex> <expires-at epoch s>}), appended and forced to disk before
 * {@link #firstUse} returns true, so a proof spent just before a crash stays spent after the restart.
 *
 * <p>Bounded: records are dropped from their expiry on ({@link #prune}, on open and periodically), the
 * file is rewritten without them when it holds mostly dead records, and at most {@value #MAX_ENTRIES}
 * live records are kept; beyond that {@link #firstUse} throws, which the verifier turns into a denial
 * (fail closed). Only proofs whose signature and freshness were checked (offline by the verifier, online
 * by the server) are recorded, so random input cannot fill it.
 *
 * <p>Per reader: another reader does not see these records (see {@code docs/reader.md}). Thread-safe.
 */
public final class ReplayCache implements ReplayGuard, AutoCloseable {

    /** The most live records kept. */
    public static final int MAX_ENTRIES = 200_000;

    private record Key(CredentialId id, long nonce) {
    }

    private final Path file;
    private final Clock clock;
    private final Map<Key, Long> expiries = new HashMap<>();
    private FileChannel channel;
    private long linesInFile;

    private ReplayCache(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /**
     * Loads the cache, drops expired records and unreadable lines (a torn last line after a crash), and
     * rewrites the file with what is left.
     *
     * @param file the cache file; not null; created if missing
     * @param clock the reader's clock; not null
     * @param diagnostics where dropped lines are reported; not null
     * @return the open cache, never null
     * @throws ReaderException with code {@code replay_unreadable} or {@code state_unwritable} on I/O failure
     */
    public static ReplayCache open(Path file, Clock clock, Diagnostics diagnostics) {
        Objects.requireNonNull(diagnostics, "diagnostics");
        ReplayCache cache = new ReplayCache(Objects.requireNonNull(file, "file"), Objects.requireNonNull(clock, "clock"));
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            lines = List.of();
        } catch (IOException e) {
            throw new ReaderException("replay_unreadable", "cannot read the replay cache " + file + ": " + e, e);
        }
        long now = cache.now();
        int unreadable = 0;
        for (String line : lines) {
            String[] parts = line.split(" ");
            try {
                if (parts.length != 3) {
                    throw new IllegalArgumentException("expected 3 fields, got " + parts.length);
                }
                Key key = new Key(CredentialId.parse(parts[0]), HexFormat.fromHexDigitsToLong(requireHex16(parts[1])));
                long expiresAt = Long.parseLong(parts[2]);
                if (expiresAt > now) {
                    cache.expiries.merge(key, expiresAt, Math::max);
                }
            } catch (IllegalArgumentException e) {
                unreadable++;
            }
        }
        if (unreadable > 0) {
            diagnostics.warn("replay_lines_dropped", Diagnostics.fields("file", file.toString(), "lines", unreadable));
        }
        cache.rewrite();
        return cache;
    }

    private static String requireHex16(String text) {
        if (text.length() != 16) {
            throw new IllegalArgumentException("expected 16 hex digits, got " + text.length());
        }
        return text;
    }

    /**
     * Records a use and tells whether it is the first; a record is durable when true is returned.
     *
     * @param id the credential; not null
     * @param nonce the proof's nonce
     * @param expiresAtEpochSecond from when the record may be forgotten
     * @return true if the pair was not recorded (or only as expired), false if it is a replay
     * @throws ReaderException with code {@code replay_full} when {@value #MAX_ENTRIES} live records are held,
     *     {@code state_unwritable} when the record cannot be written; the verifier propagates either and the
     *     caller denies
     */
    @Override
    public synchronized boolean firstUse(CredentialId id, long nonce, long expiresAtEpochSecond) {
        Key key = new Key(Objects.requireNonNull(id, "id"), nonce);
        long now = now();
        Long known = expiries.get(key);
        if (known != null && known > now) {
            return false;
        }
        record(key, expiresAtEpochSecond, now);
        return true;
    }

    /**
     * Records a proof that the server accepted as authentic and fresh while online, so that the same code
     * cannot be used here offline afterwards. Already recorded pairs keep the later expiry.
     *
     * @param id the credential; not null
     * @param nonce the proof's nonce
     * @param expiresAtEpochSecond from when the record may be forgotten
     * @throws ReaderException as {@link #firstUse}
     */
    public synchronized void remember(CredentialId id, long nonce, long expiresAtEpochSecond) {
        Key key = new Key(Objects.requireNonNull(id, "id"), nonce);
        long now = now();
        Long known = expiries.get(key);
        if (known != null && known >= expiresAtEpochSecond) {
            return;
        }
        record(key, expiresAtEpochSecond, now);
    }

    private void record(Key key, long expiresAt, long now) {
        if (expiresAt <= now) {
            return; // already expired: the freshness step refuses the proof from now on anyway
        }
        if (expiries.size() >= MAX_ENTRIES && !expiries.containsKey(key)) {
            prune();
            if (expiries.size() >= MAX_ENTRIES) {
                throw new ReaderException("replay_full", "the replay cache holds " + expiries.size()
                        + " live records, the most it keeps; denying until some expire");
            }
        }
        byte[] line = line(key, expiresAt);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new ReaderException("state_unwritable", "cannot write the replay cache " + file + ": " + e, e);
        }
        linesInFile++;
        expiries.put(key, expiresAt);
    }

    /**
     * Drops expired records, and rewrites the file when most of its lines are dead.
     *
     * @return how many records were dropped
     * @throws ReaderException with code {@code state_unwritable} if the rewrite fails
     */
    public synchronized int prune() {
        long now = now();
        int dropped = 0;
        for (Iterator<Map.Entry<Key, Long>> it = expiries.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue() <= now) {
                it.remove();
                dropped++;
            }
        }
        if (linesInFile > 2L * expiries.size() + 1024) {
            rewrite();
        }
        return dropped;
    }

    /**
     * Returns how many live records are held.
     *
     * @return 0..{@value #MAX_ENTRIES}
     */
    public synchronized int size() {
        return expiries.size();
    }

    private void rewrite() {
        StringBuilder text = new StringBuilder(expiries.size() * 48);
        expiries.forEach((key, expiresAt) -> text.append(new String(line(key, expiresAt), StandardCharsets.US_ASCII)));
        StateDirectory.writeAtomically(file, text.toString().getBytes(StandardCharsets.US_ASCII));
        try {
            if (channel != null) {
                channel.close();
            }
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ReaderException("state_unwritable", "cannot open the replay cache " + file + ": " + e, e);
        }
        linesInFile = expiries.size();
    }

    private static byte[] line(Key key, long expiresAt) {
        return (key.id() + " " + HexFormat.of().toHexDigits(key.nonce()) + " " + expiresAt + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private long now() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    @Override
    public synchronized void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // Every record was forced already.
        }
    }
}
