package io.gatehouse.server.totp;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The answer to a second-factor check. {@code reason} is null when accepted; otherwise one stable code:
 * {@code invalid_code}, {@code replayed}, {@code not_enrolled}, {@code suspended} or {@code locked}.
 *
 * @param retryAfterSeconds for {@code locked}: when the lock ends
 * @param remainingRecoveryCodes for recovery-code checks: unused codes left after this one
 */
public record Verdict(boolean accepted, String reason, OptionalLong retryAfterSeconds,
        OptionalInt remainingRecoveryCodes) {

    public static final String INVALID_CODE = "invalid_code";
    public static final String REPLAYED = "replayed";
    public static final String NOT_ENROLLED = "not_enrolled";
    public static final String SUSPENDED = "suspended";
    public static final String LOCKED = "locked";

    static Verdict accept() {
        return new Verdict(true, null, OptionalLong.empty(), OptionalInt.empty());
    }

    static Verdict acceptWithRemaining(int remaining) {
        return new Verdict(true, null, OptionalLong.empty(), OptionalInt.of(remaining));
    }

    static Verdict rejected(String reason) {
        return new Verdict(false, reason, OptionalLong.empty(), OptionalInt.empty());
    }

    static Verdict locked(long retryAfterSeconds) {
        return new Verdict(false, LOCKED, OptionalLong.of(retryAfterSeconds), OptionalInt.empty());
    }

    public String result() {
        return accepted ? "accepted" : "rejected";
    }
}
