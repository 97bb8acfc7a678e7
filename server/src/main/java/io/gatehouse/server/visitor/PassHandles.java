package io.gatehouse.server.visitor;

import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.common.Ids;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass's handle: 160 random bits, base64url (27 characters), the only thing its QR code holds, as the managed-code
 * link {@code <public base>/q/<handle>}. The database keeps its SHA-256.
 */
public final class PassHandles {
    static final int HANDLE_BYTES = 20;
    public static final int HANDLE_LENGTH = 27;
    /** A managed-code link as a reader relays it: any base, then {@code /q/} and a handle. */
    private static final Pattern LINK = Pattern.compile("https?://[^\\s/]+(?:/[^\\s]*)?/q/([A-Za-z0-9_-]+)");
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]{" + HANDLE_LENGTH + "}");

    private PassHandles() {
    }

    /** A new handle; the one place passes get theirs (managed codes will issue it instead). */
    static String newHandle(SecureRandom random) {
        byte[] raw = new byte[HANDLE_BYTES];
        random.nextBytes(raw);
        return Base64Url.encode(raw);
    }

    static byte[] hash(String handle) {
        return Ids.sha256(handle);
    }

    /** The text of the pass's QR code. */
    static String link(URI base, String handle) {
        return base.toString().replaceAll("/+$", "") + "/q/" + handle;
    }

    /** Whether {@code payload} has the form of a managed-code link; the handle in it may still be malformed. */
    static boolean looksLikeLink(String payload) {
        return payload != null && LINK.matcher(payload).matches();
    }

    /** The handle of a managed-code link, when it has a handle's length and alphabet. */
    static Optional<String> handleOf(String payload) {
        Matcher link = LINK.matcher(payload == null ? "" : payload);
        if (!link.matches() || !HANDLE.matcher(link.group(1)).matches()) {
            return Optional.empty();
        }
        return Optional.of(link.group(1));
    }

    /** Whether {@code text} has a handle's form, for the page at {@code /visit/<handle>}. */
    static boolean wellFormed(String text) {
        return text != null && HANDLE.matcher(text).matches();
    }
}
