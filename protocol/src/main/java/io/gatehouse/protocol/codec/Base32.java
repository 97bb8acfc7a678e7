package io.gatehouse.protocol.codec;

import java.util.Objects;

/**
 * Base32 with the RFC 4648 §6 alphabet ({@code A-Z2-7}), as used for TOTP secrets.
 *
 * <p>{@link #encode} writes upper case without {@code =} padding because that is the form
 * authenticator apps expect in {@code otpauth://} URIs and in "enter the key manually" screens.
 * {@link #decode} is lenient about the things humans add when they retype a key (lower case,
 * spaces, padding) and strict about everything else.
 */
public final class Base32 {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    /** Maps an ASCII character to its 5-bit value, or -1. Both cases map to the same value. */
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
            VALUES[Character.toLowerCase(ALPHABET[i])] = (byte) i;
        }
    }

    private Base32() {
    }

    /**
     * Encodes bytes as upper-case Base32 without padding.
     *
     * @param data the bytes to encode; not null, may be empty
     * @return the encoding, never null; empty for empty input; {@code ceil(8 * data.length / 5)} characters
     * @throws NullPointerException if {@code data} is null
     */
    public static String encode(byte[] data) {
        Objects.requireNonNull(data, "data");
        char[] out = new char[(data.length * 8 + 4) / 5];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[o++] = ALPHABET[(buffer >>> bits) & 0x1F];
            }
        }
        if (bits > 0) {
            out[o++] = ALPHABET[(buffer << (5 - bits)) & 0x1F];
        }
        return new String(out, 0, o);
    }

    /**
     * Decodes Base32 text.
     *
     * <p>Accepted: upper or lower case letters, ASCII spaces anywhere (ignored), and trailing
     * {@code =} padding. If padding is present the text without spaces must be a whole number of
     * 8-character groups. Bits left over after the last whole byte are discarded rather than
     * required to be zero, so that keys produced by generators that pick random Base32
     * characters (rather than random bytes) still decode.
     *
     * @param text the Base32 text; not null, may be empty (yields an empty array)
     * @return a new array with the decoded bytes, never null
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if the text contains a character outside the alphabet
     *     (the message names the character and its index in {@code text}), has characters after
     *     padding, has a number of symbols that no byte string encodes to (1, 3 or 6 modulo 8),
     *     or has padding that does not complete an 8-character group
     */
    public static byte[] decode(String text) {
        Objects.requireNonNull(text, "text");
        // First pass validates and counts, so the output can be sized exactly and no partially
        // decoded secret is left behind in a discarded buffer.
        int symbols = 0;
        int padding = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                continue;
            }
            if (c == '=') {
                padding++;
                continue;
            }
            if (padding > 0) {
                throw new IllegalArgumentException(
                        "Base32: expected only '=' or spaces after padding, got " + describe(c) + " at index " + i);
            }
            if (c >= 128 || VALUES[c] < 0) {
                throw new IllegalArgumentException(
                        "Base32: expected A-Z, a-z, 2-7, '=' or space, got " + describe(c) + " at index " + i);
            }
            symbols++;
        }
        int remainder = symbols % 8;
        if (remainder == 1 || remainder == 3 || remainder == 6) {
            throw new IllegalArgumentException("Base32: " + symbols
                    + " symbols cannot encode whole bytes (expected a count of 0, 2, 4, 5 or 7 modulo 8, got "
                    + remainder + ")");
        }
        if (padding > 0 && (symbols + padding) % 8 != 0) {
            throw new IllegalArgumentException("Base32: padded text must be a multiple of 8 characters, got "
                    + symbols + " symbols and " + padding + " '='");
        }

        byte[] out = new byte[symbols * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < text.length() && o < out.length; i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '=') {
                continue;
            }
            buffer = (buffer << 5) | VALUES[c];
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (buffer >>> bits);
            }
        }
        return out;
    }

    private static String describe(char c) {
        if (c >= 0x20 && c < 0x7F) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }
}
