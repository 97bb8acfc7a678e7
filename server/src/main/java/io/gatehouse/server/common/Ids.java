package io.gatehouse.server.common;

import io.gatehouse.protocol.codec.Base32;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;

/** Random identifiers and secrets. Identifiers carry a type prefix ({@code usr_…}) so logs and audit read easily. */
public final class Ids {
    private Ids() {
    }

    /** {@code prefix_} followed by 128 random bits in lower-case Base32 (26 characters). */
    public static String newId(SecureRandom random, String prefix) {
        return prefix + "_" + randomBase32(random, 16);
    }

    /** {@code bytes} random bytes as lower-case Base32 without padding. */
    public static String randomBase32(SecureRandom random, int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base32.encode(raw).toLowerCase(Locale.ROOT);
    }

    public static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
