package io.gatehouse.bench;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock whose time each thread sets for itself; threads that never set it see the start time.
 *
 * <p>The durable benchmark gives every JMH thread its own users and its own simulated time, which it moves one TOTP
 * period forward per round over those users. So every verification is at a fresh time step for its user (never a
 * replay) without the threads racing on one shared clock. The server reads the clock only on the calling thread
 * during a verification (the step to match, audit and throttle timestamps), so this is all it sees.
 */
final class PerThreadClock extends Clock {
    private final long startMillis;
    private final ThreadLocal<long[]> now;

    PerThreadClock(Instant start) {
        this.startMillis = start.toEpochMilli();
        this.now = ThreadLocal.withInitial(() -> new long[] {startMillis});
    }

    /** Sets the calling thread's time. */
    void set(long epochMillis) {
        now.get()[0] = epochMillis;
    }

    long startMillis() {
        return startMillis;
    }

    @Override
    public long millis() {
        return now.get()[0];
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("PerThreadClock is always UTC");
    }
}
