package io.gatehouse.protocol.pass;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a visitor pass's QR code: the managed code URL {@code <public base>/q/<handle>}. The one parser of that
 * form, used by the server (online decisions) and by the reader (offline decisions), so that both agree on what a
 * pass is. The handle is the secret; only its SHA-256 is stored or put in a bundle.
 *
 * <p>A text is <em>recognised</em> as a pass when it is an {@code http} or {@code https} URL without white space
 * whose path ends in {@value #MARK} and base64url characters ({@code A-Z a-z 0-9 - _}); it is a well-formed pass when
 * that last segment has a handle's {@value #HANDLE_LENGTH} characters (160 bits). A recognised text that is not well
 * formed is denied {@code malformed_pass}. An access proof is Base45, which has no lower-case letters, so it is never
 * recognised.
 *
 * @param handle the handle; {@value #HANDLE_LENGTH} base64url characters
 */
public record PassText(String handle) {

    /** What precedes the handle. */
    public static final String MARK = "/q/";

    /** A handle's length: 160 random bits in base64url. */
    public static final int HANDLE_LENGTH = 27;

    /** The longest scanned text that can be a pass. */
    public static final int MAX_TEXT = 2048;

    private static final Pattern LINK = Pattern.compile("https?://[^\\s/]+(?:/[^\\s]*)?/q/([A-Za-z0-9_-]+)");
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]{" + HANDLE_LENGTH + "}");

    /**
     * @throws NullPointerException if {@code handle} is null
     * @throws IllegalArgumentException if the handle is not {@value #HANDLE_LENGTH} base64url characters
     */
    public PassText {
        Objects.requireNonNull(handle, "handle");
        if (!isHandle(handle)) {
            throw new IllegalArgumentException("a pass handle is " + HANDLE_LENGTH + " base64url characters, got "
                    + handle.length() + " characters");
        }
    }

    /**
     * Whether a scanned text has a pass's form (its handle may still be malformed).
     *
     * @param text the scanned text, line terminators removed; may be null
     */
    public static boolean recognises(String text) {
        return segment(text).isPresent();
    }

    /**
     * The last path segment of a text that has a pass's form: base64url characters, of a handle's length or not
     * ({@link #isHandle} tells). One look at the text serves both questions: is it a pass, and which.
     *
     * @param text the scanned text, line terminators removed; may be null
     * @return the segment, or empty when the text is not recognised; never null
     */
    public static Optional<String> segment(String text) {
        return link(text).map(link -> link.group(1));
    }

    /**
     * Reads a scanned text as a pass.
     *
     * @param text the scanned text, line terminators removed; may be null
     * @return the pass, or empty when the text is not recognised or its handle is malformed; never null
     */
    public static Optional<PassText> parse(String text) {
        return segment(text).filter(PassText::isHandle).map(PassText::new);
    }

    /** Whether {@code text} has a handle's form. */
    public static boolean isHandle(String text) {
        return text != null && HANDLE.matcher(text).matches();
    }

    private static Optional<Matcher> link(String text) {
        if (text == null || text.length() > MAX_TEXT) {
            return Optional.empty();
        }
        Matcher link = LINK.matcher(text);
        return link.matches() ? Optional.of(link) : Optional.empty();
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
}
