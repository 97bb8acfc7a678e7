package io.gatehouse.server.codes;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a code stands, as the API shows it. Only {@link #ACTIVE} codes answer with a redirect. The database stores
 * {@code active}, {@code disabled}, {@code revoked} and {@code ended}; {@link #EXPIRED} and {@link #USED_UP} follow
 * from the expiry and the use count, and an own-purpose code whose feature ended its link (activated, expired,
 * superseded, revoked there) is {@link #ENDED} whatever its row says.
 */
public enum CodeState {
    ACTIVE,
    /** Paused by an administrator; may be enabled again. */
    DISABLED,
    /** Ended by an administrator, for good. */
    REVOKED,
    EXPIRED,
    USED_UP,
    /** The feature's own link ended (see the code's {@code endReason}). */
    ENDED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<CodeState> parse(String code) {
        return Arrays.stream(values()).filter(state -> state.code().equals(code)).findFirst();
    }

    /** Whether the state is for good: nothing brings such a code back. */
    public boolean terminal() {
        return this == REVOKED || this == ENDED;
    }
}
