package io.gatehouse.server.codes;

import io.gatehouse.server.common.Ids;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Handles of managed codes: 160 random bits in base64url (27 characters), the only secret of a code's URL. The
 * database keeps their SHA-256; an own-purpose code's handle is its feature's link token, hashed the same way.
 */
final class Handles {
    static final int BYTES = 20;
    /** Longer than any handle or link token Gatehouse issues; anything longer is not looked up at all. */
    static final int MAX_LENGTH = 128;
    private static final Pattern PLAUSIBLE = Pattern.compile("[A-Za-z0-9_.-]{16," + MAX_LENGTH + "}");

    private Handles() {
    }

    static String newHandle(SecureRandom random) {
        byte[] raw = new byte[BYTES];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    static byte[] hash(String handle) {
        return Ids.sha256(handle);
    }

    /** True when {@code text} could be a handle or a link token: worth a lookup. */
    static boolean plausible(String text) {
        return text != null && PLAUSIBLE.matcher(text).matches();
    }
}
