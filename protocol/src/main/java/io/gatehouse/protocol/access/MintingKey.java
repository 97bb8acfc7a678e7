package io.gatehouse.protocol.access;

import java.security.PublicKey;
import java.util.Objects;

/**
 * A public server minting key with the id that minted proofs name it by (byte 31 of a type-2 proof).
 *
 * @param keyId the key id; {@link #MIN_KEY_ID}..{@link #MAX_KEY_ID}
 * @param publicKey the EC P-256 public key; not null
 */
public record MintingKey(int keyId, PublicKey publicKey) {

    /** The smallest key id; 0 is never assigned, so an all-zero byte is not a key id. */
    public static final int MIN_KEY_ID = 1;

    /** The largest key id that fits the proof's one-byte field. */
    public static final int MAX_KEY_ID = 255;

    /**
     * @throws NullPointerException if {@code publicKey} is null
     * @throws IllegalArgumentException if the key id is outside 1..255 or the key is not an EC P-256 key
     */
    public MintingKey {
        requireKeyId(keyId);
        Objects.requireNonNull(publicKey, "publicKey");
        PublicKeys.toSpki(publicKey); // checks the algorithm and the curve
    }

    /**
     * Checks a minting key id.
     *
     * @param keyId the id, any int
     * @return the id
     * @throws IllegalArgumentException if the id is outside 1..255
     */
    public static int requireKeyId(int keyId) {
        if (keyId < MIN_KEY_ID || keyId > MAX_KEY_ID) {
            throw new IllegalArgumentException("minting key id must be in " + MIN_KEY_ID + ".." + MAX_KEY_ID
                    + ", got " + keyId);
        }
        return keyId;
    }
}
