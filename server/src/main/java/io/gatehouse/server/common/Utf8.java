package io.gatehouse.server.common;

import io.gatehouse.server.common.GatehouseException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one check that text from a client is well-formed before anything looks at it: strict UTF-8 (no encoded
 * surrogates, nothing above U+10FFFF, no overlong forms), no lone surrogate from an escape, and no NUL. A lenient
 * decoder would turn each bad sequence into U+FFFD, so two different inputs would become the same stored name.
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * Decodes {@code bytes} as strict UTF-8.
     *
     * @param where what the bytes are, for the detail ("the body", "the path")
     * @throws GatehouseException 400 {@code invalid_encoding} naming the offset of the first bad byte
     */
    public static String decode(byte[] bytes, String where) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw invalidEncoding(where + " is not valid UTF-8: the byte sequence at offset " + in.position()
                    + " is malformed or encodes a surrogate or a code point above U+10FFFF");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /**
     * Percent-decodes {@code raw} (a path, query string or form body, which are ASCII on the wire) into bytes and
     * decodes those as strict UTF-8; {@code plusIsSpace} for form and query encoding.
     */
    public static String percentDecode(String raw, boolean plusIsSpace, String where) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || !isAsciiHex(raw.charAt(i + 1)) || !isAsciiHex(raw.charAt(i + 2))) {
                    throw invalidEncoding(where + " has a '%' at offset " + i + " that is not followed by two"
                            + " hexadecimal digits");
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                throw invalidEncoding(where + " has the raw character U+" + Integer.toHexString(c).toUpperCase(
                        java.util.Locale.ROOT) + " at offset " + i + "; expected ASCII, with other characters"
                        + " percent-encoded as UTF-8");
            }
        }
        String text = decode(bytes.toByteArray(), where);
        requireNoNul(text, where);
        return text;
    }

    private static boolean isAsciiHex(char c) {
        return c < 0x80 && Character.digit(c, 16) >= 0;
    }

    /**
     * Checks a string that came through a decoder which accepts escapes (JSON's backslash-u): every surrogate must
     * be half of a pair.
     *
     * @throws GatehouseException 400 {@code invalid_encoding}
     */
    public static void requireWholeCharacters(String text, String where) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalidEncoding(where + " holds a lone surrogate U+" + Integer.toHexString(c).toUpperCase(
                        java.util.Locale.ROOT) + " at character " + i + "; expected whole Unicode characters");
            }
        }
    }

    /**
     * No identifier or name contains NUL, and PostgreSQL refuses it in text: refuse it as a client error on both
     * databases alike.
     *
     * @throws GatehouseException 400 {@code nul_character}
     */
    public static void requireNoNul(String text, String where) {
        int nul = text.indexOf('\u0000');
        if (nul >= 0) {
            throw GatehouseException.invalid("nul_character", where + " holds a NUL character (U+0000) at"
                    + " character " + nul + "; expected text without NUL");
        }
    }

    /** At most {@code maxChars} chars of {@code text}, never ending in half a surrogate pair. */
    public static String truncate(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }

    private static GatehouseException invalidEncoding(String detail) {
        return GatehouseException.invalid("invalid_encoding", detail);
    }
}
