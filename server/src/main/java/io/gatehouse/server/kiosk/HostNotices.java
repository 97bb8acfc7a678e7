package io.gatehouse.server.kiosk;

import io.gatehouse.server.db.Tx;
import io.gatehouse.server.visitor.Visitor;
import java.time.Instant;
import java.util.Optional;

/** Tells a pass's host that their visitor checked in: an e-mail written to the outbox in the check-in's transaction. */
@FunctionalInterface
public interface HostNotices {
    /** Queues the notice in {@code tx}; the outbox message's id, or empty when the host cannot be told. */
    Optional<String> checkedIn(Tx tx, Visitor visitor, Kiosk kiosk, Instant at);
}
