package io.gatehouse.protocol.access;

import io.gatehouse.protocol.codec.Base45;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Total parsing of access proofs: every input, however hostile, yields a {@link ParseResult} and never
 * an exception, and no input makes the parser allocate more than a few hundred bytes.
 *
 * <h2>Text handling</h2>
 * QR scanners return exactly the text that was encoded, so the text form is accepted only as written
 * by {@link AccessProof#toText()}: 143 characters of the Base45 alphabet (144 for a minted proof), upper case. The one
 * variation accepted is a single trailing line terminator ({@code "\n"}, {@code "\r"} or
 * {@code "\r\n"}), because keyboard-wedge scanners type one after the code. Nothing else is trimmed or
 * normalised: the space is a Base45 digit (so leading or trailing spaces are data, not padding), and a
 * lower-case letter cannot come from a QR alphanumeric segment, so it means the text was altered.
 */
public final class AccessProofCodec {

    /**
     * The longest text looked at: the 144 Base45 characters of a minted proof plus a two-character line
     * terminator. Longer text is rejected before any decoding.
     */
    public static final int MAX_TEXT_LENGTH = AccessProof.MINTED_TEXT_LENGTH + 2;

    private AccessProofCodec() {
    }

    /**
     * Parses the text of a scanned QR code.
     *
     * @param text the scanned text; may be null (yields {@link ParseResult.Malformed})
     * @return {@link ParseResult.Parsed} with the proof, or {@link ParseResult.Malformed} with what was
     *     wrong; never null
     */
    public static ParseResult parse(String text) {
        if (text == null) {
            return new ParseResult.Malformed("no text (null)");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            return new ParseResult.Malformed("text too long: expected at most " + MAX_TEXT_LENGTH
                    + " characters (" + AccessProof.MINTED_TEXT_LENGTH + " plus a line terminator), got " + text.length());
        }
        String code = withoutLineTerminator(text);
        byte[] bytes;
        try {
            bytes = Base45.decode(code);
        } catch (IllegalArgumentException notBase45) {
            return new ParseResult.Malformed("not Base45: " + notBase45.getMessage());
        }
        return parse(bytes);
    }

    /**
     * Parses the binary form.
     *
     * @param bytes the bytes; may be null (yields {@link ParseResult.Malformed}); not modified and not
     *     retained
     * @return {@link ParseResult.Parsed} with the proof, or {@link ParseResult.Malformed} with what was
     *     wrong; never null
     */
    public static ParseResult parse(byte[] bytes) {
        if (bytes == null) {
            return new ParseResult.Malformed("no bytes (null)");
        }
        // 1. The version comes first, so that a proof of a later format (possibly with another length)
        //    is reported as such rather than as a length error.
        if (bytes.length == 0) {
            return new ParseResult.Malformed("expected " + AccessProof.LENGTH + " bytes, got 0");
        }
        int version = bytes[0] & 0xFF;
        if (version != AccessProof.VERSION) {
            return new ParseResult.Malformed("unsupported version " + version
                    + " (expected " + AccessProof.VERSION + ")");
        }
        // 2. Type, which decides the length.
        if (bytes.length < 2) {
            return new ParseResult.Malformed("expected " + AccessProof.LENGTH + " bytes, got " + bytes.length);
        }
        int typeCode = bytes[1] & 0xFF;
        Optional<ProofType> type = ProofType.fromCode(typeCode);
        if (type.isEmpty()) {
            return new ParseResult.Malformed("unknown proof type " + typeCode
                    + " (expected 1 = device-signed or 2 = server-minted)");
        }
        // 3. Length.
        int bodyLength = AccessProof.bodyLength(type.get());
        int length = bodyLength + AccessProof.SIGNATURE_LENGTH;
        if (bytes.length != length) {
            return new ParseResult.Malformed("expected " + length + " bytes, got " + bytes.length + " (the length of a "
                    + describe(type.get()) + " proof)");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 2, length - 2);
        byte[] credentialId = new byte[CredentialId.LENGTH];
        buffer.get(credentialId);
        long issuedAt = Integer.toUnsignedLong(buffer.getInt());
        long nonce = buffer.getLong();
        // 4. Flags: in version 1 only bit 0 (UV) has a meaning; a set reserved bit means a writer we do
        //    not understand, so the proof is refused rather than half-read.
        int flags = buffer.get() & 0xFF;
        int reserved = flags & ~AccessProof.FLAG_USER_VERIFIED;
        if (reserved != 0) {
            return new ParseResult.Malformed(String.format(
                    "reserved flag bits set: 0x%02X (flags 0x%02X; only bit 0, user verified, is defined)",
                    reserved, flags));
        }
        // 5. A minted proof's key id: 0 is never assigned.
        int mintingKeyId = AccessProof.NO_MINTING_KEY;
        if (type.get() == ProofType.SERVER_MINTED) {
            mintingKeyId = buffer.get() & 0xFF;
            if (mintingKeyId < MintingKey.MIN_KEY_ID) {
                return new ParseResult.Malformed("minting key id 0 is reserved (expected "
                        + MintingKey.MIN_KEY_ID + ".." + MintingKey.MAX_KEY_ID + ")");
            }
        }
        byte[] signature = Arrays.copyOfRange(bytes, bodyLength, length);
        return new ParseResult.Parsed(new AccessProof(AccessProof.VERSION, type.get(),
                new CredentialId(credentialId), issuedAt, nonce, (flags & AccessProof.FLAG_USER_VERIFIED) != 0,
                mintingKeyId, signature));
    }

    private static String describe(ProofType type) {
        return type == ProofType.SERVER_MINTED ? "minted" : "device-signed";
    }

    /** Removes one trailing "\r\n", "\n" or "\r", and nothing else. */
    private static String withoutLineTerminator(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        if (text.endsWith("\n") || text.endsWith("\r")) {
            return text.substring(0, text.length() - 1);
        }
        return text;
    }
}
