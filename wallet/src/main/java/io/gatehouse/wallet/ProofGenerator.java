package io.gatehouse.wallet;

import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

/**
 * Makes the proofs a wallet shows: each one signed by the wallet's key, dated by the injected clock,
 * with 64 fresh random bits of nonce and the UV flag from the {@link UserVerifier}.
 *
 * <p>{@link #current()} keeps returning the same proof for one rotation period, then makes a new one;
 * {@link #next()} always makes a new one. Thread-safe.
 */
public final class ProofGenerator {

    /** The prompt shown by the {@link UserVerifier}. */
    public static final String VERIFICATION_REASON = "Show your access code";

    private final Wallet wallet;
    private final ProofSigner signer;
    private final UserVerifier userVerifier;
    private final Clock clock;
    private final SecureRandom random;

    private AccessProof current;

    /**
     * Creates a generator.
     *
     * @param wallet the wallet whose key signs; not null
     * @param userVerifier asked once per new proof; not null ({@link UserVerifier#NONE} never claims UV)
     * @param clock the source of issued-at times; not null
     * @param random the source of nonces; not null
     * @throws NullPointerException if an argument is null
     */
    public ProofGenerator(Wallet wallet, UserVerifier userVerifier, Clock clock, SecureRandom random) {
        this.wallet = Objects.requireNonNull(wallet, "wallet");
        this.signer = new ProofSigner(wallet.privateKey());
        this.userVerifier = Objects.requireNonNull(userVerifier, "userVerifier");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Makes and signs a new proof, issued now.
     *
     * @return the proof, never null
     * @throws WalletException if the clock is before 1970 or after 2106 (the range of the issued-at field)
     */
    public synchronized AccessProof next() {
        long now = clock.instant().getEpochSecond();
        if (now < 0 || now > AccessProof.MAX_ISSUED_AT) {
            throw new WalletException("clock_out_of_range", "the device clock reads epoch second " + now
                    + ", expected 0.." + AccessProof.MAX_ISSUED_AT);
        }
        byte[] nonce = new byte[Long.BYTES];
        random.nextBytes(nonce);
        boolean userVerified = userVerifier.verify(VERIFICATION_REASON);
        current = signer.sign(ProofType.DEVICE_SIGNED, wallet.credentialId(), now,
                ByteBuffer.wrap(nonce).getLong(), userVerified);
        return current;
    }

    /**
     * Returns the proof to show now: the last one while it is younger than the rotation period (and not
     * dated in the future, should the clock have gone back), else a new one.
     *
     * @return the proof, never null
     * @throws WalletException if the clock is out of range
     */
    public synchronized AccessProof current() {
        long now = clock.instant().getEpochSecond();
        if (current == null
                || now < current.issuedAtEpochSecond()
                || now - current.issuedAtEpochSecond() >= wallet.rotation().toSeconds()) {
            return next();
        }
        return current;
    }

    /**
     * Returns the epoch second at which {@link #current()} will next change, for a display that wants to
     * sleep until then.
     *
     * @return the issued-at of the current proof plus the rotation period, or now if there is none yet
     */
    public synchronized long nextRotationEpochSecond() {
        return current == null ? clock.instant().getEpochSecond()
                : current.issuedAtEpochSecond() + wallet.rotation().toSeconds();
    }
}
