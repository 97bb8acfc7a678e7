package io.gatehouse.protocol.codec;

import java.util.Objects;

/**
 * Base45 (RFC 9285): bytes written with the 45 characters of the QR code alphanumeric mode, so that a
 * QR code can carry binary data at 5.5 bits per character instead of the 8 bits of byte mode.
 *
 * <p>Every two bytes {@code a, b} become three characters {@code c d e} with
 * {@code a * 256 + b = c + d * 45 + e * 45²}; a final odd byte {@code a} becomes two characters
 * {@code c d} with {@code a = c + d * 45}. The alphabet is upper case only and includes the space
 * character, so an encoded text must never be trimmed, upper-cased or otherwise "cleaned".
 */
public final class Base45 {

    // ---- Constants --------------------------------------------------------------------------------

    /** The 45 characters in value order (RFC 9285 §4.2): digit value 0 is '0', value 44 is ':'. */
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

    private static final int BASE = 45;
    private static final int BASE_SQUARED = BASE * BASE; // 2025

    /** Character value by code point, -1 for characters outside the alphabet. */
    private static final byte[] VALUE_OF = new byte[128];

    static {
        java.util.Arrays.fill(VALUE_OF, (byte) -1);
        for (int value = 0; value < ALPHABET.length(); value++) {
            VALUE_OF[ALPHABET.charAt(value)] = (byte) value;
        }
    }

    private Base45() {
    }

    // ---- Encoding ---------------------------------------------------------------------------------

    /**
     * Encodes bytes as Base45.
     *
     * @param data the bytes to encode; not null, may be empty
     * @return the encoding, never null; {@code 3 * (n / 2) + 2 * (n % 2)} characters for n bytes,
     *     empty for empty input
     * @throws NullPointerException if {@code data} is null
     */
    public static String encode(byte[] data) {
        Objects.requireNonNull(data, "data");
        StringBuilder text = new StringBuilder(encodedLength(data.length));
        int index = 0;
        for (; index + 1 < data.length; index += 2) {
            // Two bytes read as one big-endian number in 0..65535 = 45³ - 26 (so three digits suffice).
            int value = (data[index] & 0xFF) << 8 | (data[index + 1] & 0xFF);
            text.append(ALPHABET.charAt(value % BASE));
            text.append(ALPHABET.charAt(value / BASE % BASE));
            text.append(ALPHABET.charAt(value / BASE_SQUARED));
        }
        if (index < data.length) {
            // A final odd byte in 0..255 needs only two digits (255 < 45²).
            int value = data[index] & 0xFF;
            text.append(ALPHABET.charAt(value % BASE));
            text.append(ALPHABET.charAt(value / BASE));
        }
        return text.toString();
    }

    /**
     * Returns how many Base45 characters encode {@code byteCount} bytes.
     *
     * @param byteCount the number of bytes; 0 or more, at most {@code 1_431_655_764} (so that the
     *     result fits an int)
     * @return {@code 3 * (byteCount / 2) + 2 * (byteCount % 2)}
     * @throws IllegalArgumentException if {@code byteCount} is negative or too large
     */
    public static int encodedLength(int byteCount) {
        if (byteCount < 0 || byteCount > 1_431_655_764) {
            throw new IllegalArgumentException(
                    "byte count must be in 0..1431655764, got " + byteCount);
        }
        return 3 * (byteCount / 2) + 2 * (byteCount % 2);
    }

    // ---- Decoding ---------------------------------------------------------------------------------

    /**
     * Decodes Base45 text strictly: no whitespace is skipped (space is a digit), no lower case is
     * accepted, and every group must be in range.
     *
     * @param text the text; not null, may be empty (yields an empty array)
     * @return a new array with the decoded bytes, never null
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException with the position and the reason if the text has a length of the
     *     form {@code 3k + 1} (no byte sequence encodes to it), contains a character outside
     *     {@link #ALPHABET}, or contains a three-character group whose value exceeds 65535 or a final
     *     two-character group whose value exceeds 255 (RFC 9285 §6: such input must be rejected)
     */
    public static byte[] decode(String text) {
        Objects.requireNonNull(text, "text");
        int length = text.length();
        if (length % 3 == 1) {
            throw new IllegalArgumentException("invalid Base45 length " + length
                    + ": expected a multiple of 3, or a multiple of 3 plus 2, got a multiple of 3 plus 1");
        }
        byte[] data = new byte[length / 3 * 2 + (length % 3 == 2 ? 1 : 0)];
        int out = 0;
        int position = 0;
        for (; position + 2 < length; position += 3) {
            int value = digit(text, position)
                    + digit(text, position + 1) * BASE
                    + digit(text, position + 2) * BASE_SQUARED;
            if (value > 0xFFFF) {
                throw new IllegalArgumentException("invalid Base45 group '" + text.substring(position, position + 3)
                        + "' at position " + position + ": value " + value
                        + " exceeds the maximum 65535 for three characters");
            }
            data[out++] = (byte) (value >>> 8);
            data[out++] = (byte) value;
        }
        if (position < length) {
            int value = digit(text, position) + digit(text, position + 1) * BASE;
            if (value > 0xFF) {
                throw new IllegalArgumentException("invalid Base45 group '" + text.substring(position, position + 2)
                        + "' at position " + position + ": value " + value
                        + " exceeds the maximum 255 for a final pair of characters");
            }
            data[out] = (byte) value;
        }
        return data;
    }

    // ---- Private helpers --------------------------------------------------------------------------

    private static int digit(String text, int position) {
        char character = text.charAt(position);
        int value = character < VALUE_OF.length ? VALUE_OF[character] : -1;
        if (value < 0) {
            throw new IllegalArgumentException("invalid Base45 character " + describe(character)
                    + " at position " + position + ": expected one of \"" + ALPHABET + "\"");
        }
        return value;
    }

    /** Names a character so that control and non-ASCII characters stay readable in a message. */
    private static String describe(char character) {
        String codePoint = String.format("U+%04X", (int) character);
        if (character >= 0x21 && character <= 0x7E) {
            return "'" + character + "' (" + codePoint + ")";
        }
        return codePoint;
    }
}
