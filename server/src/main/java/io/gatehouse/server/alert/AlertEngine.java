package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.geo.GeoIp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the rules over the audit log. It reads sealed records in chain order from the position stored in
 * {@code alert_cursor}, and in ONE transaction evaluates every enabled rule on them, raises what they find (with the
 * deliveries) and moves the position: a crash loses nothing and raises nothing twice, and on several nodes the
 * locked position makes each record read once. It wakes when this node has sealed records (about every 100 ms
 * under load), and every {@link #POLL} for records other nodes sealed. A look that finds nothing new is a read, never
 * a write transaction: on SQLite the engine takes the one write lock only when it has records to read.
 *
 * <p>Rules about what did not happen (a reader gone quiet) read the clock instead: {@link #sweep()} runs them,
 * scheduled every {@link #SWEEP} and called by tests with a moved clock.
 */
public final class AlertEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    static final Duration POLL = Duration.ofMillis(250);
    static final int BATCH = 500;
    /** How often the rules that read the clock run. */
    public static final Duration SWEEP = Duration.ofMinutes(1);

    private final Database database;
    private final AuditLog audit;
    private final Alerts alerts;
    private final Clock clock;
    private final List<Detector> detectors;
    private final List<ClockRule> clockRules = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    /** {@code geoIp} places the addresses of sign-ins and verifications for the place rules. */
    public AlertEngine(Database database, AuditLog audit, Alerts alerts, GeoIp geoIp, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.alerts = alerts;
        this.clock = clock;
        this.detectors = List.of(new FailureSpike(), new NewDevice(), DeniedScanSpike.perDoor(), new OffSchedule(),
                new ReaderProblem(), new CounterRegression(), new UnusualPlace(geoIp), new ImpossibleTravel(geoIp),
                new NetworkFailureSpike(), new Lockout(), DeniedScanSpike.perReader());
        this.thread = new Thread(this::run, "gatehouse-alerts");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** A rule that reads the clock, not the audit log: what it finds at {@code nowMillis}, raised once per key. */
    public interface ClockRule {
        Rule rule();

        List<Alert.Raised> check(ReadTx tx, long nowMillis, Rule.Settings settings);
    }

    /** Adds a rule for {@link #sweep()} to run. */
    public void byClock(ClockRule rule) {
        clockRules.add(rule);
    }

    /** Runs the enabled rules that read the clock, in one transaction; how many alerts they raised. */
    public int sweep() {
        return database.inTransaction(tx -> {
            Map<Rule, Rule.Settings> settings = alerts.settings(tx);
            long now = clock.millis();
            int raised = 0;
            for (ClockRule rule : clockRules) {
                Rule.Settings in = settings.get(rule.rule());
                if (in.enabled()) {
                    for (Alert.Raised found : rule.check(tx, now, in)) {
                        raised += alerts.raise(tx, found).isPresent() ? 1 : 0;
                    }
                }
            }
            return raised;
        });
    }

    /** Reads the next batch of sealed records; how many it read. */
    public int step() {
        // 1. A read first: nothing sealed past the position means nothing to do, and no write lock taken.
        boolean due = database.read(tx -> !AuditTrail.sealedAfter(tx, AlertStore.cursor(tx), 1).isEmpty());
        if (!due) {
            return 0;
        }
        // 2. The position locked, so that one node reads each record once; then the batch and the rules.
        return database.inTransaction(tx -> {
            long position = AlertStore.lockCursor(tx);
            List<RecordView> records = AuditTrail.sealedAfter(tx, position, BATCH);
            if (records.isEmpty()) {
                return 0;
            }
            Map<Rule, Rule.Settings> settings = alerts.settings(tx);
            for (RecordView record : records) {
                for (Detector detector : detectors) {
                    Rule.Settings in = settings.get(detector.rule());
                    if (in.enabled()) {
                        detector.observe(tx, record, in).forEach(raised -> alerts.raise(tx, raised));
                    }
                }
            }
            AlertStore.moveCursor(tx, records.get(records.size() - 1).chainPosition());
            return records.size();
        });
    }

    private void run() {
        long sealed = 0;
        while (!closed) {
            try {
                sealed = audit.awaitSealed(sealed, POLL);
                while (!closed && step() == BATCH) {
                    // a full batch: more are waiting
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.error("the alert rules failed on a batch of audit records; trying again shortly", e);
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
