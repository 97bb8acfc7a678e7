package io.gatehouse.protocol.bundle;

import io.gatehouse.protocol.access.PublicKeys;
import java.security.PublicKey;
import java.util.Objects;

/**
 * A bundle-signing public key of the server, with the id that bundles name it by. A reader pins the
 * keys it got at enrollment, and from then on the keys listed in each bundle it accepts, which is how
 * the server rotates its bundle key without reprovisioning readers.
 *
 * @param keyId the key id; not null, not blank, at most 65535 UTF-8 bytes
 * @param publicKey the EC P-256 public key; not null
 */
public record TrustedKey(String keyId, PublicKey publicKey) {

    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the key id is blank or the key is not an EC P-256 key
     */
    public TrustedKey {
        Objects.requireNonNull(keyId, "keyId");
        if (keyId.isBlank()) {
            throw new IllegalArgumentException("trusted key: keyId must not be blank");
        }
        Objects.requireNonNull(publicKey, "publicKey");
        PublicKeys.toSpki(publicKey); // checks the algorithm and the curve
    }
}
