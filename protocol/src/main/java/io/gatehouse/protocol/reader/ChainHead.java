package io.gatehouse.protocol.reader;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Where a reader's event chain stands: the seq and hash of its last event, or {@link #START} before the
 * first one.
 *
 * @param seq the last event's seq; 0 before the first event
 * @param hash the last event's hash, 32 zero bytes before the first event; copied in and out
 */
public record ChainHead(long seq, byte[] hash) {

    /** The head of an empty chain: seq 0 and 32 zero bytes, so the first event gets seq 1. */
    public static final ChainHead START = new ChainHead(0, new byte[ReaderEvents.HASH_LENGTH]);

    /**
     * @throws NullPointerException if {@code hash} is null
     * @throws IllegalArgumentException if seq is negative or the hash is not 32 bytes
     */
    public ChainHead {
        if (seq < 0) {
            throw new IllegalArgumentException("chain head: seq must be 0 or more, got " + seq);
        }
        Objects.requireNonNull(hash, "hash");
        if (hash.length != ReaderEvents.HASH_LENGTH) {
            throw new IllegalArgumentException("chain head: hash must be " + ReaderEvents.HASH_LENGTH
                    + " bytes, got " + hash.length);
        }
        hash = hash.clone();
    }

    /**
     * Returns the head after an event.
     *
     * @param event the event; not null
     * @return a head with the event's seq and hash, never null
     */
    public static ChainHead of(ReaderEvent event) {
        return new ChainHead(event.seq(), event.hash());
    }

    /** @return a copy of the hash, 32 bytes */
    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChainHead that && seq == that.seq && MessageDigest.isEqual(hash, that.hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return "ChainHead[seq=" + seq + ", hash=" + HexFormat.of().formatHex(hash) + "]";
    }
}
