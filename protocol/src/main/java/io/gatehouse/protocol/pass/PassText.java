package io.gatehouse.protocol.pass;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * The text of a visitor pass's QR code: the managed code URL {@code <public base>/q/<handle>}. The one parser of that
 * form, used by the server (online decisions) and by the reader (offline decisions), so that both agree on what a
 * pass is. The handle is the secret; only its SHA-256 is stored or put in a bundle.
 *
 * <p>The form: any text without white space or control characters, then {@value #MARK}, then the handle: 22 to
 * {@value #MAX_HANDLE} base64url characters ({@code A-Z a-z 0-9 - _}), at least 128 bits, at the very end. An access
 * proof is Base45, which has no lower-case letters, so it never has this form.
 *
 * @param handle the handle; base64url characters only
 */
public record PassText(String handle) {

    /** What precedes the handle. */
    public static final String MARK = "/q/";

    /** The fewest handle characters: 22 base64url characters hold 128 bits. */
    public static final int MIN_HANDLE = 22;

    /** The most handle characters accepted. */
    public static final int MAX_HANDLE = 86;

    /** The longest scanned text that can be a pass. */
    public static final int MAX_TEXT = 2048;

    /**
     * @throws NullPointerException if {@code handle} is null
     * @throws IllegalArgumentException if the handle is not 22..86 base64url characters
     */
    public PassText {
        Objects.requireNonNull(handle, "handle");
        if (!isHandle(handle, 0, handle.length())) {
            throw new IllegalArgumentException("a pass handle is " + MIN_HANDLE + ".." + MAX_HANDLE
                    + " base64url characters, got " + handle.length() + " characters");
        }
    }

    /**
     * Reads a scanned text as a pass.
     *
     * @param text the scanned text, line terminators removed; may be null
     * @return the pass, or empty when the text does not have a pass's form; never null
     */
    public static Optional<PassText> parse(String text) {
        if (text == null || text.length() > MAX_TEXT) {
            return Optional.empty();
        }
        int mark = text.lastIndexOf(MARK);
        if (mark < 0 || !isHandle(text, mark + MARK.length(), text.length())) {
            return Optional.empty();
        }
        for (int i = 0; i < mark; i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == 0x7F || Character.isWhitespace(c)) {
                return Optional.empty();
            }
        }
        return Optional.of(new PassText(text.substring(mark + MARK.length())));
    }

    /** Whether the text has a pass's form; {@link #parse} is the one test. */
    public static boolean recognises(String text) {
        return parse(text).isPresent();
    }

    /**
     * The SHA-256 of the handle's UTF-8 bytes: what the server stores as the pass's {@code handle_hash} and what a
     * bundle lists.
     *
     * @return 32 bytes, a new array
     */
    public byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(handle.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        // The handle opens doors: never in a log line.
        return "PassText[handle of " + handle.length() + " characters]";
    }

    private static boolean isHandle(String text, int from, int to) {
        int length = to - from;
        if (length < MIN_HANDLE || length > MAX_HANDLE) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            boolean base64url = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                    || c == '_';
            if (!base64url) {
                return false;
            }
        }
        return true;
    }
}
