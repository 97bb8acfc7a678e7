package io.gatehouse.server.wallet;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Mints the web wallet's door codes: a minted access proof for a passkey credential, signed with the active minting
 * key and naming it. The caller has verified the WebAuthn assertion (and that the passkey's device is active) before;
 * the UV flag is the assertion's, never the page's.
 */
public final class Minter {

    /** The longest lifetime a code may be shown for: the longest proof lifetime a door accepts. */
    public static final Duration MAX_TTL = Duration.ofSeconds(600);

    private final MintingKeys keys;
    private final SecureRandom random;

    public Minter(MintingKeys keys, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * A minted code.
     *
     * @param text the proof's Base45 text: what the QR code carries and a reader relays
     * @param mintingKeyId the key that signed it
     * @param issuedAt the proof's issued-at (whole seconds)
     * @param expiresAt until when the wallet should show it: issued-at plus the ttl; doors decide by their own lifetime
     */
    public record MintedCode(String text, int mintingKeyId, Instant issuedAt, Instant expiresAt) {
    }

    /**
     * Mints one code.
     *
     * @param credentialId the passkey credential the code is bound to
     * @param userVerified the UV flag of the verified assertion
     * @param issuedAt the server's current time, from its clock; truncated to the second
     * @param ttl how long the wallet shows the code, 1 s to {@link #MAX_TTL} (the door default is 30 s)
     * @throws IllegalArgumentException if the ttl is out of range or issued-at does not fit the proof
     * @throws io.gatehouse.server.crypto.CryptoException if there is no active minting key
     */
    public MintedCode mint(CredentialId credentialId, boolean userVerified, Instant issuedAt, Duration ttl) {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be 1 s to " + MAX_TTL.toSeconds() + " s, got " + ttl);
        }
        MintingKeys.SigningKey key = keys.signingKey();
        long second = issuedAt.getEpochSecond();
        AccessProof proof = new ProofSigner(key.privateKey()).mint(key.keyId(), credentialId, second,
                random.nextLong(), userVerified);
        Instant issued = Instant.ofEpochSecond(second);
        return new MintedCode(proof.toText(), key.keyId(), issued, issued.plus(ttl));
    }
}
