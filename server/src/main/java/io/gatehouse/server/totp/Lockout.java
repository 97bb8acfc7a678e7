package io.gatehouse.server.totp;

import io.gatehouse.server.config.GatehouseConfig;
import java.time.Duration;

/**
 * The throttling settings of second-factor checks (docs/security.md, "Brute force of TOTP codes: the bound").
 *
 * @param threshold counted failures per user, from all sources together, that fill one failure window
 * @param window how long a user's failure window lasts, from its first counted failure; also the first lock of a
 *     source
 * @param sourceThreshold counted failures in a row from one source that lock that source out for that user; below
 *     {@code threshold}, so that one source alone never fills the user's window
 * @param sourceMaxLock the longest lock of one source: each lock of the same source doubles, up to this
 */
public record Lockout(int threshold, Duration window, int sourceThreshold, Duration sourceMaxLock) {

    public static Lockout of(GatehouseConfig config) {
        return new Lockout(config.lockoutThreshold(), config.lockoutDuration(), config.lockoutSourceThreshold(),
                config.lockoutSourceMaxDuration());
    }

    /** How long the {@code lockNumber}-th lock in a row of one source lasts (1 for the first). */
    Duration sourceLock(int lockNumber) {
        Duration lock = window;
        for (int i = 1; i < lockNumber && lock.compareTo(sourceMaxLock) < 0; i++) {
            lock = lock.multipliedBy(2);
        }
        return lock.compareTo(sourceMaxLock) < 0 ? lock : sourceMaxLock;
    }
}
