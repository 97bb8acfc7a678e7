package io.gatehouse.server.codes;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.util.Optional;

/**
 * A feature's side of the codes of its own links (enrollment, provisioning), registered by the feature with
 * {@link ManagedCodes#register}: the codes package asks it, and never reads the feature's tables itself, so that
 * the features may depend on this package and not the other way round.
 */
public interface OwnLink {
    /**
     * Why the link {@code referenceId} ended ({@code used}, {@code expired}, {@code superseded}, {@code revoked}, or
     * {@code erased} when it is gone), or empty while it is live.
     */
    Optional<String> ended(ReadTx tx, String referenceId);

    /** Ends the link because an administrator revoked its code; the feature audits it as it audits its own ends. */
    void revoke(Tx tx, String referenceId, String actor, ClientInfo client);
}
