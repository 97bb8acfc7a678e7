package io.gatehouse.protocol.access;

import io.gatehouse.protocol.codec.Base64Url;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/**
 * The random 16-byte identifier of an enrolled credential (one device key of one user). It is not a
 * secret, carries no personal data, and appears in every access proof.
 *
 * @param bytes the 16 identifier bytes; copied on the way in and on the way out
 */
public record CredentialId(byte[] bytes) {

    /** The identifier length in bytes. */
    public static final int LENGTH = 16;

    /** The length of the unpadded base64url text form. */
    public static final int TEXT_LENGTH = 22;

    /**
     * Creates an identifier from its bytes.
     *
     * @param bytes exactly 16 bytes; not null; copied
     * @throws NullPointerException if {@code bytes} is null
     * @throws IllegalArgumentException if {@code bytes} is not 16 bytes long
     */
    public CredentialId {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException(
                    "credential id: expected " + LENGTH + " bytes, got " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /**
     * Draws a new random identifier.
     *
     * @param random the source of randomness; not null
     * @return a new identifier, never null
     * @throws NullPointerException if {@code random} is null
     */
    public static CredentialId random(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] bytes = new byte[LENGTH];
        random.nextBytes(bytes);
        return new CredentialId(bytes);
    }

    /**
     * Parses the text form written by {@link #toString()}: exactly 22 characters of unpadded
     * base64url in its canonical form (the unused low 4 bits of the last character are zero).
     *
     * @param text the text; not null
     * @return the identifier, never null
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException if the text is not 22 canonical base64url characters
     */
    public static CredentialId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() != TEXT_LENGTH) {
            throw new IllegalArgumentException("credential id: expected " + TEXT_LENGTH
                    + " base64url characters, got " + text.length());
        }
        if (text.indexOf('=') >= 0) {
            throw new IllegalArgumentException("credential id: expected unpadded base64url, got '='");
        }
        byte[] bytes = Base64Url.decode(text);
        CredentialId id = new CredentialId(bytes);
        // 22 characters carry 132 bits for 128; a decoder ignores the 4 spare bits, so two texts
        // would name one id. Only the canonical text (spare bits zero) is accepted.
        if (!id.toString().equals(text)) {
            throw new IllegalArgumentException("credential id: non-canonical base64url '" + text
                    + "', expected '" + id + "'");
        }
        return id;
    }

    /**
     * Returns a copy of the identifier bytes.
     *
     * @return a new 16-byte array, never null
     */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Compares by content (identifiers are not secret, but the comparison costs nothing more). */
    @Override
    public boolean equals(Object other) {
        return other instanceof CredentialId that && MessageDigest.isEqual(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /**
     * Returns the unpadded base64url form, 22 characters, as used in the API and in logs.
     *
     * @return the text form, never null
     */
    @Override
    public String toString() {
        return Base64Url.encode(bytes);
    }
}
