package io.gatehouse.server.kiosk;

import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.server.access.Door;
import io.gatehouse.server.access.PassDecisions;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.Optional;

/**
 * The pass decisions with bound passes: the visitor feature decides passes; this adds which pass a bound phone's
 * credential belongs to, from the passes' passkeys this feature keeps.
 */
public final class BoundPassDecisions implements PassDecisions {
    private final PassDecisions passes;

    public BoundPassDecisions(PassDecisions passes) {
        this.passes = passes;
    }

    @Override
    public PassDecision decide(Tx tx, String segment, Door door, Instant now) {
        return passes.decide(tx, segment, door, now);
    }

    @Override
    public Optional<String> passOfCredential(ReadTx tx, CredentialId credential) {
        return PassPasskeyStore.byCredentialId(tx, credential).map(PassPasskeyStore.PassPasskey::visitorId);
    }

    @Override
    public PassDecision decideBound(Tx tx, String visitorId, Door door, Instant now) {
        return passes.decideBound(tx, visitorId, door, now);
    }
}
