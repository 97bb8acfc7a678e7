package io.gatehouse.protocol.codec;

import java.util.Base64;
import java.util.Objects;

/**
 * Base64 with the URL- and filename-safe alphabet (RFC 4648 §5), written without padding as
 * in JOSE and WebAuthn.
 */
public final class Base64Url {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {
    }

    /**
     * Encodes bytes as unpadded base64url.
     *
     * @param data the bytes to encode; not null, may be empty
     * @return the encoding, never null; empty for empty input
     * @throws NullPointerException if {@code data} is null
     */
    public static String encode(byte[] data) {
        Objects.requireNonNull(data, "data");
        return ENCODER.encodeToString(data);
    }

    /**
     * Decodes base64url text, with or without trailing {@code =} padding.
     *
     * @param text the text; not null, may be empty (yields an empty array)
     * @return a new array with the decoded bytes, never null
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if the text contains characters outside {@code A-Z a-z 0-9 - _}
     *     (for example {@code +} or {@code /} from the standard alphabet, or whitespace), has a
     *     length that is 1 modulo 4, or has misplaced padding
     */
    public static byte[] decode(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            // The JDK message ("Illegal base64 character 2b") does not say which alphabet was expected.
            throw new IllegalArgumentException(
                    "base64url: expected unpadded or padded A-Z a-z 0-9 - _ text, got " + text.length()
                            + " characters that do not decode: " + e.getMessage(), e);
        }
    }
}
