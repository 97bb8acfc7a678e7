package io.gatehouse.server.access;

import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides scans of visitor passes: what {@link ScanService} asks when the scanned text is not an access proof but has
 * a pass's form ({@code …/q/<handle>}). Implemented by the visitor feature, so that access does not depend on it.
 */
public interface PassDecisions {

    /** Whether {@code payload} has a pass's form; only then is {@link #decide} asked. */
    boolean recognises(String payload);

    /**
     * Decides a pass scanned at {@code door} at {@code now}, inside the scan's transaction, counting the entry it
     * grants there. Writes nothing else: the caller writes the audit record from the answer.
     */
    PassDecision decide(Tx tx, String payload, Door door, Instant now);

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
