package io.gatehouse.server.kiosk;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.visitor.Visitor;
import java.time.Instant;

/** Tells a pass's host that their visitor checked in: an e-mail written to the outbox in the check-in's transaction. */
@FunctionalInterface
public interface HostNotices {
    void checkedIn(Tx tx, Visitor visitor, Kiosk kiosk, Instant at);
}
