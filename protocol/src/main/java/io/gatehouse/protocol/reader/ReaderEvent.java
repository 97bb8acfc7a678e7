package io.gatehouse.protocol.reader;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One decision a door reader made or relayed, as kept in its durable queue and uploaded to the server:
 * numbered, hash-chained to the previous event and signed with the reader's key, so that the server can
 * tell a missing, altered or inserted event.
 *
 * <p>{@code hash} = SHA-256 of {@code prevHash} followed by, for each of eventId, seq, time, mode,
 * decision, reason, credentialId, userId, doorId, proofIssuedAt and detail in this order: a u32
 * big-endian length (0xFFFFFFFF for null) and the UTF-8 bytes of the value's text (numbers in
 * decimal). {@code signature} = ECDSA P-256 / SHA-256 in IEEE P1363 form over the ASCII label
 * {@value ReaderEvents#DOMAIN_LABEL} followed by the 32 hash bytes, with the reader's key.
 *
 * <p>This record checks shapes, not the hash or the signature: use {@link ReaderEvents#verifyChain}.
 *
 * @param eventId the reader id, a slash, and the seq; not null
 * @param seq the event's number at this reader: 1, 2, 3, …
 * @param time when the reader decided, epoch milliseconds; 0 or more
 * @param mode {@value #ONLINE} or {@value #OFFLINE}; not null
 * @param decision {@value #GRANT} or {@value #DENY}; not null
 * @param reason the stable reason code, or null (see {@link EventFields#reason()})
 * @param credentialId the credential, base64url; may be null
 * @param userId the user; may be null
 * @param doorId the door; not null
 * @param proofIssuedAt the proof's issued-at, epoch seconds; may be null
 * @param detail a sentence for the audit log; may be null
 * @param prevHash the previous event's hash, 32 zero bytes for seq 1; copied in and out
 * @param hash this event's hash, 32 bytes; copied in and out
 * @param signature the reader's signature, 64 bytes; copied in and out
 */
public record ReaderEvent(
        String eventId,
        long seq,
        long time,
        String mode,
        String decision,
        String reason,
        String credentialId,
        String userId,
        String doorId,
        Long proofIssuedAt,
        String detail,
        byte[] prevHash,
        byte[] hash,
        byte[] signature) {

    /** The mode of a decision the server made. */
    public static final String ONLINE = "online";
    /** The mode of a decision the reader made itself. */
    public static final String OFFLINE = "offline";
    /** The door opened. */
    public static final String GRANT = "grant";
    /** The door stayed shut. */
    public static final String DENY = "deny";

    /**
     * @throws NullPointerException if a required reference is null
     * @throws IllegalArgumentException if seq is below 1, eventId is not {@code <readerId>/<seq>} with a
     *     non-empty reader id, a field is out of range, or an array has the wrong length
     */
    public ReaderEvent {
        Objects.requireNonNull(eventId, "eventId");
        if (seq < 1) {
            throw new IllegalArgumentException("event: seq must be 1 or more, got " + seq);
        }
        String suffix = "/" + seq;
        if (!eventId.endsWith(suffix) || eventId.length() == suffix.length()) {
            throw new IllegalArgumentException("event: expected eventId <readerId>/" + seq + ", got \"" + eventId + "\"");
        }
        new EventFields(time, mode, decision, reason, credentialId, userId, doorId, proofIssuedAt, detail);
        prevHash = copy(prevHash, ReaderEvents.HASH_LENGTH, "prevHash");
        hash = copy(hash, ReaderEvents.HASH_LENGTH, "hash");
        signature = copy(signature, ReaderEvents.SIGNATURE_LENGTH, "signature");
    }

    private static byte[] copy(byte[] value, int length, String name) {
        Objects.requireNonNull(value, name);
        if (value.length != length) {
            throw new IllegalArgumentException("event: " + name + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    /**
     * Returns the reader id, the part of the event id before the last slash.
     *
     * @return the reader id, never null or empty
     */
    public String readerId() {
        return eventId.substring(0, eventId.length() - ("/" + seq).length());
    }

    /**
     * Returns the recorded fields without the chain and the signature.
     *
     * @return the fields, never null
     */
    public EventFields fields() {
        return new EventFields(time, mode, decision, reason, credentialId, userId, doorId, proofIssuedAt, detail);
    }

    /**
     * Tells whether the door opened.
     *
     * @return true for {@value #GRANT}
     */
    public boolean granted() {
        return GRANT.equals(decision);
    }

    /** @return a copy of the previous event's hash, 32 bytes */
    @Override
    public byte[] prevHash() {
        return prevHash.clone();
    }

    /** @return a copy of this event's hash, 32 bytes */
    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** @return a copy of the signature, 64 bytes */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReaderEvent that
                && eventId.equals(that.eventId)
                && seq == that.seq
                && fields().equals(that.fields())
                && MessageDigest.isEqual(prevHash, that.prevHash)
                && MessageDigest.isEqual(hash, that.hash)
                && MessageDigest.isEqual(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, seq, fields()) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "ReaderEvent[eventId=" + eventId + ", seq=" + seq + ", time=" + time + ", mode=" + mode
                + ", decision=" + decision + ", reason=" + reason + ", credentialId=" + credentialId
                + ", userId=" + userId + ", doorId=" + doorId + ", proofIssuedAt=" + proofIssuedAt
                + ", detail=" + detail + ", prevHash=" + hex.formatHex(prevHash) + ", hash=" + hex.formatHex(hash)
                + ", signature=" + hex.formatHex(signature) + "]";
    }
}
