package io.gatehouse.server.visitor;

import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.pass.PassText;
import io.gatehouse.server.common.Ids;
import java.net.URI;
import java.security.SecureRandom;

/**
 * A pass's handle: 160 random bits, base64url (27 characters), the only thing its QR code holds, as the managed-code
 * link {@code <public base>/q/<handle>}. The database keeps its SHA-256.
 */
public final class PassHandles {
    static final int HANDLE_BYTES = 20;
    public static final int HANDLE_LENGTH = PassText.HANDLE_LENGTH;

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

    /** Whether {@code text} has a handle's form, for the page at {@code /visit/<handle>}. */
    static boolean wellFormed(String text) {
        return PassText.isHandle(text);
    }
}
