package io.gatehouse.protocol.access;

import io.gatehouse.protocol.codec.Base45;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An access proof, the content of the QR code a phone shows at a door (format version 1).
 *
 * <p>Binary layout, big-endian. A device-signed proof (type 1) has 95 bytes:
 * <pre>
 * offset size field
 *      0    1 version        = 1
 *      1    1 type           1 = device-signed proof, 2 = server-minted proof ({@link ProofType})
 *      2   16 credential id  random, see {@link CredentialId}
 *     18    4 issued at      unsigned epoch seconds
 *     22    8 nonce          random, unique per proof of a credential
 *     30    1 flags          bit 0 = user verified (UV); bits 1-7 are reserved and must be 0
 *     31   64 signature      ECDSA P-256 with SHA-256, IEEE P1363 form r || s (32 + 32 bytes)
 * </pre>
 * A minted proof (type 2) has 96 bytes: the same first 31, then its minting key id, then the signature:
 * <pre>
 *     31    1 minting key id 1..255, the server minting key that signed ({@link MintingKey})
 *     32   64 signature
 * </pre>
 * The key id comes after the fields both types share, so that those keep their offsets, and inside the
 * body, so that it is signed. The signature covers the ASCII bytes of {@link #DOMAIN_LABEL} followed by
 * the body, every byte before the signature ({@link #signaturePayload()}); the label keeps a signature
 * made for one purpose from being replayed as another, and the signed type byte keeps one type from
 * passing for the other. In the QR code the bytes are written in Base45 ({@link #toText()}): 143
 * characters for a device-signed proof, 144 for a minted one. The QR alphanumeric mode stores them at
 * 5.5 bits each, and either fits a version 6 symbol (41 x 41 modules, 154 characters) at level M.
 *
 * <p>This record checks ranges but not the signature: use {@link AccessVerifier} for that.
 *
 * @param version the format version; always {@link #VERSION}
 * @param type who signed; not null
 * @param credentialId the credential; not null
 * @param issuedAtEpochSecond when the proof was made, seconds since 1970; 0..4294967295
 * @param nonce 64 random bits, any long (the byte pattern is what counts)
 * @param userVerified whether the signer asserts that the user passed a biometric or PIN check; for a
 *     minted proof, what the verified WebAuthn assertion said
 * @param mintingKeyId for a minted proof the id of the minting key, 1..255; for a device-signed proof
 *     {@link #NO_MINTING_KEY}
 * @param signature 64 bytes r || s; copied on the way in and on the way out
 */
public record AccessProof(
        int version,
        ProofType type,
        CredentialId credentialId,
        long issuedAtEpochSecond,
        long nonce,
        boolean userVerified,
        int mintingKeyId,
        byte[] signature) {

    // ---- Constants --------------------------------------------------------------------------------

    /** The only format version this code reads and writes. */
    public static final int VERSION = 1;

    /** The domain-separation label that precedes the body in the signed message. */
    public static final String DOMAIN_LABEL = "gatehouse.access-proof.v1";

    /** The length of the signed body of a device-signed proof (everything before the signature). */
    public static final int BODY_LENGTH = 31;

    /** The length of the signed body of a minted proof: the shared 31 bytes and the minting key id. */
    public static final int MINTED_BODY_LENGTH = BODY_LENGTH + 1;

    /** The length of the signature, IEEE P1363 r || s. */
    public static final int SIGNATURE_LENGTH = 64;

    /** The binary length of a device-signed proof. */
    public static final int LENGTH = BODY_LENGTH + SIGNATURE_LENGTH;

    /** The binary length of a minted proof. */
    public static final int MINTED_LENGTH = MINTED_BODY_LENGTH + SIGNATURE_LENGTH;

    /** The Base45 length of a device-signed proof: 47 three-character groups and one two-character group. */
    public static final int TEXT_LENGTH = 143;

    /** The Base45 length of a minted proof: 48 three-character groups. */
    public static final int MINTED_TEXT_LENGTH = 144;

    /** The minting key id of a device-signed proof, which names none. */
    public static final int NO_MINTING_KEY = 0;

    /** The flags bit for user verification. */
    public static final int FLAG_USER_VERIFIED = 0x01;

    /** The largest issued-at value (an unsigned 32-bit field, good until the year 2106). */
    public static final long MAX_ISSUED_AT = 0xFFFF_FFFFL;

    private static final byte[] LABEL_BYTES = DOMAIN_LABEL.getBytes(StandardCharsets.US_ASCII);

    // ---- Construction -----------------------------------------------------------------------------

    /**
     * Creates a proof from its fields.
     *
     * @throws NullPointerException if {@code type}, {@code credentialId} or {@code signature} is null
     * @throws IllegalArgumentException if {@code version} is not 1, {@code issuedAtEpochSecond} is
     *     outside 0..4294967295, the minting key id does not fit the type, or {@code signature} is not
     *     64 bytes long
     */
    public AccessProof {
        if (version != VERSION) {
            throw new IllegalArgumentException("access proof: expected version " + VERSION + ", got " + version);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(credentialId, "credentialId");
        if (issuedAtEpochSecond < 0 || issuedAtEpochSecond > MAX_ISSUED_AT) {
            throw new IllegalArgumentException("access proof: issued-at must be in 0.." + MAX_ISSUED_AT
                    + ", got " + issuedAtEpochSecond);
        }
        if (type == ProofType.SERVER_MINTED) {
            MintingKey.requireKeyId(mintingKeyId);
        } else if (mintingKeyId != NO_MINTING_KEY) {
            throw new IllegalArgumentException("access proof: a device-signed proof names no minting key, got key id "
                    + mintingKeyId);
        }
        Objects.requireNonNull(signature, "signature");
        if (signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("access proof: expected a " + SIGNATURE_LENGTH
                    + "-byte signature, got " + signature.length + " bytes");
        }
        signature = signature.clone();
    }

    /**
     * Creates a device-signed proof from its fields.
     *
     * @throws NullPointerException if {@code credentialId} or {@code signature} is null
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static AccessProof deviceSigned(CredentialId credentialId, long issuedAtEpochSecond, long nonce,
            boolean userVerified, byte[] signature) {
        return new AccessProof(VERSION, ProofType.DEVICE_SIGNED, credentialId, issuedAtEpochSecond, nonce,
                userVerified, NO_MINTING_KEY, signature);
    }

    // ---- Encodings --------------------------------------------------------------------------------

    /**
     * Returns the body bytes (everything before the signature), without the domain label: 31 bytes for a
     * device-signed proof, 32 for a minted one.
     *
     * @return a new array, never null
     */
    public byte[] signedBytes() {
        return body(type, credentialId, issuedAtEpochSecond, nonce, userVerified, mintingKeyId);
    }

    /**
     * Returns the binary length of this proof.
     *
     * @return {@link #LENGTH} or {@link #MINTED_LENGTH}
     */
    public int length() {
        return bodyLength(type) + SIGNATURE_LENGTH;
    }

    /**
     * Returns the exact message the signature is computed over: the ASCII domain label followed by
     * the body (25 + 31 = 56 bytes, or 57 for a minted proof).
     *
     * @return a new array, never null
     */
    public byte[] signaturePayload() {
        return signaturePayload(signedBytes());
    }

    /**
     * Returns the binary form: 95 bytes, or 96 for a minted proof.
     *
     * @return a new array, never null
     */
    public byte[] toBytes() {
        return ByteBuffer.allocate(length()).put(signedBytes()).put(signature).array();
    }

    /**
     * Returns the Base45 text form that the QR code carries.
     *
     * @return 143 characters of the QR alphanumeric set (144 for a minted proof), never null
     */
    public String toText() {
        return Base45.encode(toBytes());
    }

    // ---- Record plumbing (arrays compared by content) -----------------------------------------

    /**
     * Returns a copy of the signature.
     *
     * @return a new 64-byte array, never null
     */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AccessProof that
                && version == that.version
                && type == that.type
                && credentialId.equals(that.credentialId)
                && issuedAtEpochSecond == that.issuedAtEpochSecond
                && nonce == that.nonce
                && userVerified == that.userVerified
                && mintingKeyId == that.mintingKeyId
                && MessageDigest.isEqual(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, type, credentialId, issuedAtEpochSecond, nonce, userVerified, mintingKeyId)
                * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "AccessProof[version=" + version + ", type=" + type + ", credentialId=" + credentialId
                + ", issuedAt=" + issuedAtEpochSecond + ", nonce=" + HexFormat.of().toHexDigits(nonce)
                + ", userVerified=" + userVerified
                + (type == ProofType.SERVER_MINTED ? ", mintingKeyId=" + mintingKeyId : "") + ", signature=" + HexFormat.of().formatHex(signature) + "]";
    }

    // ---- Package helpers --------------------------------------------------------------------------

    /** The body length of a type: 31 bytes, or 32 with a minted proof's key id. */
    static int bodyLength(ProofType type) {
        return type == ProofType.SERVER_MINTED ? MINTED_BODY_LENGTH : BODY_LENGTH;
    }

    /** Lays out the body bytes; shared by the record and by {@link ProofSigner}. */
    static byte[] body(ProofType type, CredentialId credentialId, long issuedAtEpochSecond, long nonce,
            boolean userVerified, int mintingKeyId) {
        ByteBuffer body = ByteBuffer.allocate(bodyLength(type))
                .put((byte) VERSION)
                .put((byte) type.code())
                .put(credentialId.bytes())
                .putInt((int) issuedAtEpochSecond) // the low 32 bits; the range was checked
                .putLong(nonce)
                .put((byte) (userVerified ? FLAG_USER_VERIFIED : 0));
        if (type == ProofType.SERVER_MINTED) {
            body.put((byte) mintingKeyId);
        }
        return body.array();
    }

    /** Prefixes a body with the domain label. */
    static byte[] signaturePayload(byte[] body) {
        return ByteBuffer.allocate(LABEL_BYTES.length + body.length).put(LABEL_BYTES).put(body).array();
    }
}
