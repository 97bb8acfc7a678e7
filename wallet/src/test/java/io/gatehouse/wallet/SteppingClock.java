package io.gatehouse.wallet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A test clock that moves only when told to, and optionally by a fixed step on every read. */
public final class SteppingClock extends Clock {

    private Instant now;
    private final Duration stepPerRead;

    public SteppingClock(Instant start, Duration stepPerRead) {
        this.now = start;
        this.stepPerRead = stepPerRead;
    }

    public static SteppingClock fixed(Instant start) {
        return new SteppingClock(start, Duration.ZERO);
    }

    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public synchronized Instant instant() {
        Instant read = now;
        now = now.plus(stepPerRead);
        return read;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a test clock stays in UTC");
    }
}
