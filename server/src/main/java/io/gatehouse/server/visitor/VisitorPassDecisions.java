package io.gatehouse.server.visitor;

import io.gatehouse.server.access.Door;
import io.gatehouse.server.access.PassDecisions;
import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.Optional;

/**
 * The online decision on a visitor pass, in numbered steps with one reason each (docs/protocol.md, "Visitor
 * passes"): 1 parse ({@code malformed_pass}), 2 known pass ({@code unknown_pass}), 3 not erased or revoked
 * ({@code pass_erased}, {@code pass_revoked}), 4 door invited, directly or by its zone ({@code door_not_invited}),
 * 4b at a door that demands a bound pass, a code minted for the pass's bound phone, not its QR code
 * ({@code pass_not_bound}), 5 inside the window with the door's allowed skew ({@code pass_not_yet_valid}, {@code pass_expired}), 6 an entry
 * left, counted by a conditional UPDATE in the decision's transaction ({@code entries_used_up}), 7 grant.
 */
public final class VisitorPassDecisions implements PassDecisions {

    @Override
    public PassDecision decide(Tx tx, String segment, Door door, Instant now) {
        // 1. The handle: the link's last segment has a handle's length (its alphabet is the link's form).
        if (!PassHandles.wellFormed(segment)) {
            return PassDecision.deny("malformed_pass", Optional.empty(), "the link does not end in a "
                    + PassHandles.HANDLE_LENGTH + "-character handle");
        }
        // 2. A pass with this handle (looked up by its SHA-256; the handle itself is not stored).
        Optional<Visitor> found = VisitorStore.byHandleHash(tx, PassHandles.hash(segment));
        if (found.isEmpty()) {
            return PassDecision.deny("unknown_pass", Optional.empty(), "no pass has this handle");
        }
        return decideEntry(tx, found.get(), door, now, false);
    }

    @Override
    public PassDecision decideBound(Tx tx, String visitorId, Door door, Instant now) {
        // 2. The pass the bound credential belongs to.
        Optional<Visitor> found = VisitorStore.byId(tx, visitorId);
        if (found.isEmpty()) {
            return PassDecision.deny("unknown_pass", Optional.of(visitorId), "no pass has this id");
        }
        return decideEntry(tx, found.get(), door, now, true);
    }

    /** Steps 3 to 7, for a pass shown as its QR code or ({@code bound}) as a code minted for its bound phone. */
    private static PassDecision decideEntry(Tx tx, Visitor pass, Door door, Instant now, boolean bound) {
        Optional<String> visitor = Optional.of(pass.id());
        // 3. Not erased, not revoked.
        if (pass.erased()) {
            return PassDecision.deny("pass_erased", visitor, "the visitor was erased");
        }
        if (pass.revoked()) {
            return PassDecision.deny("pass_revoked", visitor, "revoked at " + pass.revokedAt().orElseThrow());
        }
        // 4. The door, by itself or by its zone.
        if (!pass.invites(door.id(), door.zoneId())) {
            return PassDecision.deny("door_not_invited", visitor, "the pass does not name this door or its zone");
        }
        // 4b. A door that demands a bound pass takes only the code of the pass's bound phone, not the QR code.
        if (door.requireBoundPass() && !bound) {
            return PassDecision.deny("pass_not_bound", visitor, "door " + door.id() + " requires a pass bound to a"
                    + " phone; the plain QR code was shown");
        }
        // 5. The window, widened by the door's allowed skew at both ends as for access proofs.
        long skew = door.allowedSkewSeconds();
        if (now.isBefore(pass.from().minusSeconds(skew))) {
            return PassDecision.deny("pass_not_yet_valid", visitor, "valid from " + pass.from());
        }
        if (!now.isBefore(pass.until().plusSeconds(skew))) {
            return PassDecision.deny("pass_expired", visitor, "valid until " + pass.until());
        }
        // 6. An entry left: counted only if the row still has one as this transaction sees it when it writes.
        if (!VisitorStore.recordEntry(tx, pass.id(), now)) {
            return PassDecision.deny("entries_used_up", visitor, "all " + pass.maxEntries() + " entries used");
        }
        // 7. Granted.
        return new PassDecision(true, null, visitor, "an entry counted; " + pass.maxEntries() + " allowed");
    }
}
