package io.gatehouse.server.access;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides scans of visitor passes: what {@link ScanService} asks when the scanned text has a pass's form
 * ({@code …/q/<handle>}, {@link io.gatehouse.protocol.pass.PassText#segment}) instead of an access proof's.
 * Implemented by the visitor feature, so that access does not depend on it.
 */
public interface PassDecisions {

    /**
     * Decides a pass scanned at {@code door} at {@code now}, inside the scan's transaction, counting the entry it
     * grants there. Writes nothing else: the caller writes the audit record from the answer.
     *
     * @param segment the last segment of the scanned link, as the scan read it once; it may not have a handle's
     *     form, which is a denial
     */
    PassDecision decide(Tx tx, String segment, Door door, Instant now);

    /**
     * The pass whose bound phone holds {@code credential}: what {@link ScanService} asks when a minted proof names a
     * credential id that is not a device's. Empty when no pass has it (the proof is then an unknown credential).
     */
    default Optional<String> passOfCredential(ReadTx tx, CredentialId credential) {
        return Optional.empty();
    }

    /**
     * Decides the pass {@code visitorId} at {@code door} for a proof minted for its bound phone, after the proof
     * passed the verifier's steps; as {@link #decide} from the known pass on, counting the entry it grants, where a
     * door that demands a bound pass is satisfied.
     */
    default PassDecision decideBound(Tx tx, String visitorId, Door door, Instant now) {
        return PassDecision.deny("unknown_pass", Optional.of(visitorId), "bound passes are not decided here");
    }

    /**
     * A pass decision.
     *
     * @param reason the one reason of a denial (docs/protocol.md), null for a grant
     * @param visitorId the pass's visitor, once the handle named a known pass
     * @param detail what exactly failed or was granted, for the audit record
     */
    record PassDecision(boolean granted, String reason, Optional<String> visitorId, String detail) {
        public static PassDecision deny(String reason, Optional<String> visitorId, String detail) {
            return new PassDecision(false, reason, visitorId, detail);
        }
    }
}
