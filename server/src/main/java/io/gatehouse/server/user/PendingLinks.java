package io.gatehouse.server.user;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import java.time.Clock;

/**
 * Ends a user's pending enrollment links when the user is suspended or a credential of theirs is revoked. A link
 * handed out before such an event must not outlive it: a suspended user's TOTP link would otherwise still show the
 * seed and activate after a resume. Ended links are {@code revoked}, TOTP seeds erased, and their pages answer 410
 * like any used link. Every feature that issues links for a user is listed here, in one place.
 */
public final class PendingLinks {
    private final AuditLog audit;
    private final Clock clock;

    PendingLinks(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** How many links of each kind were ended. */
    public record Ended(int totpEnrollments, int deviceEnrollments) {
        public static final Ended NONE = new Ended(0, 0);
    }

    /** Ends them in {@code tx}, which should hold the user's row lock; each ended link is audited. */
    Ended endAll(Tx tx, String userId, String cause, String actor, ClientInfo client) {
        long now = clock.millis();
        int totp = end(tx, userId, cause, actor, client, now, UserStore.LinkTable.TOTP_ENROLLMENTS,
                "totp.enrollment.end", "enrollment:");
        int device = end(tx, userId, cause, actor, client, now, UserStore.LinkTable.DEVICE_ENROLLMENTS,
                "device.enrollment.end", "device-enrollment:");
        return new Ended(totp, device);
    }

    private int end(Tx tx, String userId, String cause, String actor, ClientInfo client, long now,
            UserStore.LinkTable links, String action, String subjectPrefix) {
        int ended = 0;
        for (String id : UserStore.lockPendingLinks(tx, links, userId)) {
            if (UserStore.revokePendingLink(tx, links, id, now)) {
                audit.append(tx, AuditEvent.of(actor, action, client).user(userId).subject(subjectPrefix + id)
                        .reason(cause).success());
                ended++;
            }
        }
        return ended;
    }
}
