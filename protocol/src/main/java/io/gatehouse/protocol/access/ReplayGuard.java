package io.gatehouse.protocol.access;

/**
 * Remembers which (credential, nonce) pairs were presented, so each proof opens a door once.
 *
 * <p>Implementations must make {@link #firstUse} atomic: two readers presenting the same proof at the
 * same instant get exactly one {@code true}. The server inserts a uniquely keyed row in the decision's
 * transaction; a reader keeps a persisted cache. Records may be discarded from
 * {@code expiresAtEpochSecond} on, because the freshness step rejects the proof from then on anyway;
 * implementations must stay bounded in memory.
 */
@FunctionalInterface
public interface ReplayGuard {

    /**
     * Records a use and tells whether it is the first.
     *
     * @param id the credential; not null
     * @param nonce the proof's nonce, any long
     * @param expiresAtEpochSecond the first second at which the proof is expired at this door
     *     (issued-at + lifetime + skew + 1); the record is needed until then
     * @return true if the pair had not been recorded before (and is now), false if it had
     * @throws RuntimeException if the store fails; the verifier lets it propagate, and the caller must
     *     then deny (fail closed)
     */
    boolean firstUse(CredentialId id, long nonce, long expiresAtEpochSecond);
}
