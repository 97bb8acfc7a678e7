package io.gatehouse.server.totp;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The answer to a second-factor check. {@code reason} is null when accepted; otherwise one stable code:
 * {@code invalid_code}, {@code replayed}, {@code not_enrolled}, {@code suspended} or {@code locked}; for a step-up
 * (a correct code of a flagged person whose policy wants more) the rule of the alert that flagged them.
 *
 * @param retryAfterSeconds for {@code locked}: when the lock ends
 * @param remainingRecoveryCodes for recovery-code checks: unused codes left after this one
 * @param stepUpRequired the code was correct, and spent, but is not enough: the application must ask for a stronger
 *     method
 */
public record Verdict(boolean accepted, String reason, OptionalLong retryAfterSeconds,
        OptionalInt remainingRecoveryCodes, boolean stepUpRequired) {

    public static final String INVALID_CODE = "invalid_code";
    public static final String REPLAYED = "replayed";
    public static final String NOT_ENROLLED = "not_enrolled";
    public static final String SUSPENDED = "suspended";
    public static final String LOCKED = "locked";

    static Verdict accept() {
        return new Verdict(true, null, OptionalLong.empty(), OptionalInt.empty(), false);
    }

    static Verdict acceptWithRemaining(int remaining) {
        return new Verdict(true, null, OptionalLong.empty(), OptionalInt.of(remaining), false);
    }

    static Verdict rejected(String reason) {
        return new Verdict(false, reason, OptionalLong.empty(), OptionalInt.empty(), false);
    }

    static Verdict locked(long retryAfterSeconds) {
        return new Verdict(false, LOCKED, OptionalLong.of(retryAfterSeconds), OptionalInt.empty(), false);
    }

    /** A correct code that is not enough now: {@code rule} is the alert's rule that flagged the person. */
    static Verdict stepUp(String rule, OptionalInt remainingRecoveryCodes) {
        return new Verdict(false, rule, OptionalLong.empty(), remainingRecoveryCodes, true);
    }

    public String result() {
        return accepted ? "accepted" : stepUpRequired ? "step_up_required" : "rejected";
    }
}
