package io.gatehouse.protocol.access;

import java.util.Objects;

/**
 * Everything a decision depends on besides the scanned text: the door, the time, and the four
 * lookups. The server builds one per request; the offline reader builds one from its bundle.
 *
 * @param door the door that scanned; not null
 * @param nowEpochSecond the verifier's current time, from its {@link java.time.Clock}; 0..{@link #MAX_NOW}
 * @param credentials the enrolled credentials; not null
 * @param replay the single-use store; not null
 * @param rules the access rules; not null
 * @param mintingKeys the server's published minting keys, for minted proofs; not null
 */
public record AccessContext(
        DoorSettings door,
        long nowEpochSecond,
        CredentialDirectory credentials,
        ReplayGuard replay,
        RuleSource rules,
        MintingKeyDirectory mintingKeys) {

    /** The latest accepted current time, 9999-12-31T23:59:59Z; it keeps the freshness arithmetic exact. */
    public static final long MAX_NOW = 253_402_300_799L;

    /**
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if {@code nowEpochSecond} is outside 0..{@link #MAX_NOW}
     */
    public AccessContext {
        if (nowEpochSecond < 0 || nowEpochSecond > MAX_NOW) {
            throw new IllegalArgumentException("now must be in 0.." + MAX_NOW + " epoch seconds, got " + nowEpochSecond);
        }
        Objects.requireNonNull(door, "door");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(replay, "replay");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(mintingKeys, "mintingKeys");
    }

    /**
     * A context without minting keys, for a verifier that sees device-signed proofs only: every minted
     * proof is denied.
     *
     * @throws NullPointerException if a reference is null
     * @throws IllegalArgumentException if {@code nowEpochSecond} is outside 0..{@link #MAX_NOW}
     */
    public AccessContext(DoorSettings door, long nowEpochSecond, CredentialDirectory credentials, ReplayGuard replay,
            RuleSource rules) {
        this(door, nowEpochSecond, credentials, replay, rules, MintingKeyDirectory.NONE);
    }
}
