package io.gatehouse.protocol.access;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.Objects;

/**
 * Signs access proofs with a P-256 private key: the device key on a phone or in the wallet, or a
 * server minting key for the web wallet's minted proofs. Immutable and safe to share between threads.
 */
public final class ProofSigner {

    /** ECDSA over SHA-256 with the signature in IEEE P1363 form (r || s, 64 bytes), not DER. */
    static final String ALGORITHM = "SHA256withECDSAinP1363Format";

    private final PrivateKey key;

    /**
     * Creates a signer.
     *
     * @param p256Key the private key; not null; an EC key on P-256 (a hardware-backed key that does not
     *     reveal its curve is accepted on its algorithm name alone)
     * @throws NullPointerException if {@code p256Key} is null
     * @throws IllegalArgumentException if the key is not an EC P-256 key
     */
    public ProofSigner(PrivateKey p256Key) {
        Objects.requireNonNull(p256Key, "p256Key");
        PublicKeys.requireP256(p256Key, "signing key");
        this.key = p256Key;
    }

    /**
     * Generates a new P-256 key pair; the same as {@link PublicKeys#generateP256(SecureRandom)}.
     *
     * @param random the source of randomness; not null
     * @return a new key pair, never null
     * @throws NullPointerException if {@code random} is null
     */
    public static KeyPair generateP256(SecureRandom random) {
        return PublicKeys.generateP256(random);
    }

    /**
     * Makes and signs a version 1 proof of a type that names no minting key.
     *
     * @param type who signs: {@link ProofType#DEVICE_SIGNED}; a minted proof names its key, see {@link #mint}
     * @param id the credential; not null
     * @param issuedAt the current time in epoch seconds, taken from the caller's clock; 0..4294967295
     * @param nonce 64 fresh random bits; the caller draws them from a {@link SecureRandom}
     * @param userVerified whether the user passed a biometric or PIN check for this proof
     * @return the signed proof, never null
     * @throws NullPointerException if {@code type} or {@code id} is null
     * @throws IllegalArgumentException if {@code issuedAt} is out of range, or {@code type} is
     *     {@link ProofType#SERVER_MINTED}
     * @throws IllegalStateException if the key refuses to sign (for example a hardware key whose
     *     user-authentication window has passed)
     */
    public AccessProof sign(ProofType type, CredentialId id, long issuedAt, long nonce, boolean userVerified) {
        Objects.requireNonNull(type, "type");
        if (type == ProofType.SERVER_MINTED) {
            throw new IllegalArgumentException("a minted proof names its minting key: use mint(keyId, ...)");
        }
        return signed(type, id, issuedAt, nonce, userVerified, AccessProof.NO_MINTING_KEY);
    }

    /**
     * Makes and signs a minted proof with this signer's key, which must be the server minting key of
     * {@code mintingKeyId}.
     *
     * @param mintingKeyId the id the readers know this key by; 1..255
     * @param id the passkey credential; not null
     * @param issuedAt the current time in epoch seconds, taken from the caller's clock; 0..4294967295
     * @param nonce 64 fresh random bits; the caller draws them from a {@link SecureRandom}
     * @param userVerified the UV flag of the WebAuthn assertion the server verified, and nothing else
     * @return the signed proof, never null
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalArgumentException if {@code issuedAt} or {@code mintingKeyId} is out of range
     * @throws IllegalStateException if the key refuses to sign
     */
    public AccessProof mint(int mintingKeyId, CredentialId id, long issuedAt, long nonce, boolean userVerified) {
        MintingKey.requireKeyId(mintingKeyId);
        return signed(ProofType.SERVER_MINTED, id, issuedAt, nonce, userVerified, mintingKeyId);
    }

    private AccessProof signed(ProofType type, CredentialId id, long issuedAt, long nonce, boolean userVerified,
            int mintingKeyId) {
        Objects.requireNonNull(id, "id");
        if (issuedAt < 0 || issuedAt > AccessProof.MAX_ISSUED_AT) {
            throw new IllegalArgumentException("issued-at must be in 0.." + AccessProof.MAX_ISSUED_AT + ", got " + issuedAt);
        }
        byte[] body = AccessProof.body(type, id, issuedAt, nonce, userVerified, mintingKeyId);
        byte[] signature;
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(AccessProof.signaturePayload(body));
            signature = signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign the access proof with the " + key.getAlgorithm()
                    + " key: " + e.getMessage(), e);
        }
        return new AccessProof(AccessProof.VERSION, type, id, issuedAt, nonce, userVerified, mintingKeyId, signature);
    }
}
