package io.gatehouse.server.audit;

import io.gatehouse.server.db.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of the audit chain for the API and the console: the last full verification ({@link AuditVerifier}, the
 * same as {@code gatehouse audit verify}), with when it ran and how long it took.
 *
 * <p>A full verification reads and MACs every record, so it is not run per request: the server runs it on a
 * schedule, and a request gets the last result unless it is older than {@link #MAX_AGE}, when it verifies anew. One
 * verification runs at a time; requests that arrive meanwhile wait for it and share its result.
 */
public final class ChainVerification {
    /** How old a result may be before a request verifies again. */
    public static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final Database database;
    private final AuditVerifier verifier;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();
    private volatile Result latest;

    public ChainVerification(Database database, AuditVerifier verifier, Clock clock) {
        this.database = database;
        this.verifier = verifier;
        this.clock = clock;
    }

    /** One verification: its report, when it finished, and how long it took. */
    public record Result(AuditVerifier.AuditReport report, Instant verifiedAt, Duration took) {
    }

    /** The last result if it is younger than {@link #MAX_AGE}, else a new one. */
    public Result current() {
        Result known = latest;
        if (known != null && known.verifiedAt().plus(MAX_AGE).isAfter(clock.instant())) {
            return known;
        }
        return verifyAfter(known);
    }

    /** Verifies now, unless another verification finished while this one waited; the scheduled run. */
    public Result verifyNow() {
        return verifyAfter(latest);
    }

    /** The last result, without verifying. */
    public Optional<Result> latest() {
        return Optional.ofNullable(latest);
    }

    private Result verifyAfter(Result seen) {
        running.lock();
        try {
            if (latest != seen) {
                return latest;
            }
            long start = System.nanoTime();
            AuditVerifier.AuditReport report = verifier.verify(database);
            Result result = new Result(report, clock.instant(), Duration.ofNanos(System.nanoTime() - start));
            latest = result;
            return result;
        } finally {
            running.unlock();
        }
    }
}
