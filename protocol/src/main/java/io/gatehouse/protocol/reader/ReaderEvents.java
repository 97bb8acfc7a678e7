package io.gatehouse.protocol.reader;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes and checks the hash chain of a reader's events (see {@link ReaderEvent} for the hash and
 * signature definitions). The reader calls {@link #chain} for every decision; the server calls
 * {@link #verifyChain} on every upload.
 */
public final class ReaderEvents {

    // ---- Constants --------------------------------------------------------------------------------

    /** The domain-separation label that precedes the hash in the signed message. */
    public static final String DOMAIN_LABEL = "gatehouse.reader-event.v1";

    /** The length of a SHA-256 hash. */
    public static final int HASH_LENGTH = 32;

    /** The length of a P1363 P-256 signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final String ALGORITHM = "SHA256withECDSAinP1363Format";
    private static final byte[] LABEL_BYTES = DOMAIN_LABEL.getBytes(StandardCharsets.US_ASCII);
    private static final int NULL_LENGTH = 0xFFFF_FFFF;

    private ReaderEvents() {
    }

    // ---- Making events ----------------------------------------------------------------------------

    /**
     * Makes the event that follows {@code previous}: seq + 1, linked to its hash, signed.
     *
     * @param previous the reader's last event, or null for its first event
     * @param readerId the reader's id; not null, not empty
     * @param fields what was decided; not null
     * @param readerKey the reader's P-256 private key; not null
     * @return the signed event, never null
     * @throws NullPointerException if a required argument is null
     * @throws IllegalArgumentException if the reader id is empty or does not match {@code previous}
     * @throws IllegalStateException if the key cannot sign
     */
    public static ReaderEvent chain(ReaderEvent previous, String readerId, EventFields fields, PrivateKey readerKey) {
        if (previous != null && !previous.readerId().equals(readerId)) {
            throw new IllegalArgumentException("event chain: previous event " + previous.eventId()
                    + " belongs to another reader than " + readerId);
        }
        return chain(previous == null ? ChainHead.START : ChainHead.of(previous), readerId, fields, readerKey);
    }

    /**
     * Makes the event that follows a chain head.
     *
     * @param head where the chain stands ({@link ChainHead#START} for the first event); not null
     * @param readerId the reader's id; not null, not empty
     * @param fields what was decided; not null
     * @param readerKey the reader's P-256 private key; not null
     * @return the signed event, never null
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the reader id is empty
     * @throws IllegalStateException if the key cannot sign
     */
    public static ReaderEvent chain(ChainHead head, String readerId, EventFields fields, PrivateKey readerKey) {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(readerId, "readerId");
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(readerKey, "readerKey");
        if (readerId.isEmpty()) {
            throw new IllegalArgumentException("event chain: readerId must not be empty");
        }
        long seq = head.seq() + 1;
        String eventId = readerId + "/" + seq;
        byte[] prevHash = head.hash();
        byte[] hash = hash(prevHash, eventId, seq, fields);
        byte[] signature;
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(readerKey);
            signer.update(LABEL_BYTES);
            signer.update(hash);
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign reader event " + eventId + ": " + e.getMessage(), e);
        }
        return new ReaderEvent(eventId, seq, fields.time(), fields.mode(), fields.decision(), fields.reason(),
                fields.credentialId(), fields.userId(), fields.doorId(), fields.proofIssuedAt(), fields.detail(),
                prevHash, hash, signature);
    }

    /**
     * Computes an event's hash from its content.
     *
     * @param prevHash the previous event's hash (zeros for seq 1); 32 bytes; not null
     * @param eventId the event id; not null
     * @param seq the seq
     * @param fields the recorded fields; not null
     * @return a new 32-byte array, never null
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if {@code prevHash} is not 32 bytes
     */
    public static byte[] hash(byte[] prevHash, String eventId, long seq, EventFields fields) {
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(fields, "fields");
        if (prevHash.length != HASH_LENGTH) {
            throw new IllegalArgumentException("prevHash must be " + HASH_LENGTH + " bytes, got " + prevHash.length);
        }
        MessageDigest digest = sha256();
        digest.update(prevHash);
        String[] values = {eventId, Long.toString(seq), Long.toString(fields.time()), fields.mode(),
                fields.decision(), fields.reason(), fields.credentialId(), fields.userId(), fields.doorId(),
                fields.proofIssuedAt() == null ? null : fields.proofIssuedAt().toString(), fields.detail()};
        ByteBuffer length = ByteBuffer.allocate(4);
        for (String value : values) {
            byte[] utf8 = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            length.clear();
            length.putInt(utf8 == null ? NULL_LENGTH : utf8.length);
            digest.update(length.array());
            if (utf8 != null) {
                digest.update(utf8);
            }
        }
        return digest.digest();
    }

    // ---- Checking chains --------------------------------------------------------------------------

    /**
     * Checks a run of consecutive events of one reader: same reader, seq without gaps, each linked to the
     * previous hash, hashes matching the fields, signatures by the reader's key.
     *
     * <p>When {@code prevHash} is all zeros the run must start at seq 1; otherwise the first seq is not
     * checked (only its link to {@code prevHash}). Use {@link #verifyChain(List, ChainHead, PublicKey)}
     * when the previous seq is known too.
     *
     * @param events the events in seq order; not null, no null elements; may be empty
     * @param prevHash the hash of the event before the first one, 32 zero bytes for a run from seq 1; not null
     * @param readerKey the reader's public key; not null
     * @return the first problem, or empty if the whole run verifies; never null
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code prevHash} is not 32 bytes
     */
    public static Optional<ChainProblem> verifyChain(List<ReaderEvent> events, byte[] prevHash, PublicKey readerKey) {
        Objects.requireNonNull(prevHash, "prevHash");
        if (prevHash.length != HASH_LENGTH) {
            throw new IllegalArgumentException("prevHash must be " + HASH_LENGTH + " bytes, got " + prevHash.length);
        }
        boolean fromStart = MessageDigest.isEqual(prevHash, ChainHead.START.hash());
        long expectedFirst = fromStart ? 1 : (events.isEmpty() ? 1 : events.get(0).seq());
        return verify(events, new ChainHead(expectedFirst - 1, prevHash), readerKey);
    }

    /**
     * Checks a run of consecutive events that follows a known chain head: the first event must have seq
     * {@code head.seq() + 1} and link to {@code head.hash()}; otherwise as
     * {@link #verifyChain(List, byte[], PublicKey)}.
     *
     * @param events the events in seq order; not null, no null elements; may be empty
     * @param head the last event before the run, or {@link ChainHead#START}; not null
     * @param readerKey the reader's public key; not null
     * @return the first problem, or empty if the whole run verifies; never null
     * @throws NullPointerException if an argument is null
     */
    public static Optional<ChainProblem> verifyChain(List<ReaderEvent> events, ChainHead head, PublicKey readerKey) {
        return verify(events, Objects.requireNonNull(head, "head"), readerKey);
    }

    private static Optional<ChainProblem> verify(List<ReaderEvent> events, ChainHead head, PublicKey readerKey) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(readerKey, "readerKey");
        HexFormat hex = HexFormat.of();
        String readerId = events.isEmpty() ? null : events.get(0).readerId();
        long previousSeq = head.seq();
        byte[] previousHash = head.hash();
        for (int index = 0; index < events.size(); index++) {
            ReaderEvent event = Objects.requireNonNull(events.get(index), "events[" + index + "]");
            String id = event.eventId();
            // 1. One reader.
            if (!event.readerId().equals(readerId)) {
                return problem(index, id, ChainProblem.Kind.MIXED_READERS, "expected reader " + readerId
                        + ", got " + event.readerId());
            }
            // 2. No gap.
            if (event.seq() != previousSeq + 1) {
                return problem(index, id, ChainProblem.Kind.GAP, "expected seq " + (previousSeq + 1) + ", got "
                        + event.seq() + (event.seq() > previousSeq + 1
                                ? " (" + (event.seq() - previousSeq - 1) + " event(s) missing)" : ""));
            }
            // 3. Linked to the previous event.
            if (!MessageDigest.isEqual(event.prevHash(), previousHash)) {
                return problem(index, id, ChainProblem.Kind.BROKEN_LINK, "expected prevHash "
                        + hex.formatHex(previousHash) + ", got " + hex.formatHex(event.prevHash()));
            }
            // 4. The hash matches the content.
            byte[] expected = hash(previousHash, id, event.seq(), event.fields());
            if (!MessageDigest.isEqual(event.hash(), expected)) {
                return problem(index, id, ChainProblem.Kind.ALTERED, "expected hash " + hex.formatHex(expected)
                        + " for the recorded fields, got " + hex.formatHex(event.hash()));
            }
            // 5. Signed by the reader.
            if (!signatureVerifies(event, readerKey)) {
                return problem(index, id, ChainProblem.Kind.BAD_SIGNATURE,
                        "the signature does not verify with the reader's public key");
            }
            previousSeq = event.seq();
            previousHash = event.hash();
        }
        return Optional.empty();
    }

    /**
     * Checks one event's signature.
     *
     * @param event the event; not null
     * @param readerKey the reader's public key; not null
     * @return true if the signature over the label and the event's hash verifies
     */
    public static boolean signatureVerifies(ReaderEvent event, PublicKey readerKey) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(readerKey);
            verifier.update(LABEL_BYTES);
            verifier.update(event.hash());
            return verifier.verify(event.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static Optional<ChainProblem> problem(int index, String eventId, ChainProblem.Kind kind, String detail) {
        return Optional.of(new ChainProblem(index, eventId, kind, detail));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
