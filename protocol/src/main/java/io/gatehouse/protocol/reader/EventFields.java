package io.gatehouse.protocol.reader;

import java.util.Objects;

/**
 * What a reader records about one decision, before it is numbered, chained and signed into a
 * {@link ReaderEvent} by {@link ReaderEvents#chain}.
 *
 * @param time when the reader decided, epoch milliseconds from its clock; 0 or more
 * @param mode {@value ReaderEvent#ONLINE} when the server decided, {@value ReaderEvent#OFFLINE} when the
 *     reader did; not null
 * @param decision {@value ReaderEvent#GRANT} or {@value ReaderEvent#DENY}; not null
 * @param reason a stable code: a deny reason ({@code revoked}, {@code no_bundle}, …), or for a grant
 *     either null or why the door opened without a check ({@code bundle_expired_fail_open}); may be null
 * @param credentialId the credential of the scanned proof, base64url, if it could be parsed; may be null
 * @param userId the credential's user, if known; may be null
 * @param doorId the door; not null
 * @param proofIssuedAt the proof's issued-at, epoch seconds, if it could be parsed; may be null
 * @param detail a sentence for the audit log; may be null
 */
public record EventFields(
        long time,
        String mode,
        String decision,
        String reason,
        String credentialId,
        String userId,
        String doorId,
        Long proofIssuedAt,
        String detail) {

    /**
     * @throws NullPointerException if {@code mode}, {@code decision} or {@code doorId} is null
     * @throws IllegalArgumentException if the time is negative, or mode or decision is not one of its
     *     two values
     */
    public EventFields {
        if (time < 0) {
            throw new IllegalArgumentException("event: time must be 0 or more epoch milliseconds, got " + time);
        }
        Objects.requireNonNull(mode, "mode");
        if (!mode.equals(ReaderEvent.ONLINE) && !mode.equals(ReaderEvent.OFFLINE)) {
            throw new IllegalArgumentException("event: mode must be \"online\" or \"offline\", got \"" + mode + "\"");
        }
        Objects.requireNonNull(decision, "decision");
        if (!decision.equals(ReaderEvent.GRANT) && !decision.equals(ReaderEvent.DENY)) {
            throw new IllegalArgumentException("event: decision must be \"grant\" or \"deny\", got \"" + decision + "\"");
        }
        Objects.requireNonNull(doorId, "doorId");
    }
}
