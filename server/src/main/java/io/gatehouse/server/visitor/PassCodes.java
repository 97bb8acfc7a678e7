package io.gatehouse.server.visitor;

import io.gatehouse.server.db.Tx;

/**
 * Gives a pass a short code for its invitation, to type at a lobby kiosk instead of showing the QR code. Implemented
 * by the kiosk feature (which keeps the codes' hashes), so that this feature does not depend on it.
 */
@FunctionalInterface
public interface PassCodes {
    /** Issues a new code for {@code visitorId} in {@code tx} (replacing any earlier one) and returns it as shown. */
    String issue(Tx tx, String visitorId);
}
