package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditFeed;
import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.Database;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the rules over the audit log. It reads sealed records in chain order from the position stored in
 * {@code alert_cursor}, and in ONE transaction evaluates every enabled rule on them, raises what they find (with the
 * deliveries) and moves the position: a crash loses nothing and raises nothing twice, and on several nodes the
 * locked position makes each record read once. It wakes when this node commits an audit record, and every
 * {@link #POLL} for records other nodes wrote (they become readable when sealed, within about 100 ms).
 */
public final class AlertEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    static final Duration POLL = Duration.ofMillis(250);
    static final int BATCH = 500;

    private final Database database;
    private final AuditFeed feed;
    private final Alerts alerts;
    private final List<Detector> detectors = List.of(new FailureSpike(), new NewDevice(), new DeniedScanSpike(),
            new OffSchedule(), new ReaderProblem(), new CounterRegression());
    private final Thread thread;
    private volatile boolean closed;

    public AlertEngine(Database database, AuditFeed feed, Alerts alerts) {
        this.database = database;
        this.feed = feed;
        this.alerts = alerts;
        this.thread = new Thread(this::run, "gatehouse-alerts");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Reads the next batch of sealed records; how many it read. */
    public int step() {
        // A look on a read handle first: most wake-ups (one per commit of this node) come before the sealer has
        // linked anything new, and a write transaction for nothing would make the next group commit wait for the
        // write lock. The locked cursor below still decides what is read.
        if (database.read(tx -> AuditTrail.sealedAfter(tx, AlertStore.cursor(tx), 1).isEmpty())) {
            return 0;
        }
        return database.inTransaction(tx -> {
            long position = AlertStore.lockCursor(tx);
            List<RecordView> records = AuditTrail.sealedAfter(tx, position, BATCH);
            if (records.isEmpty()) {
                return 0;
            }
            Map<Rule, Rule.Settings> settings = Alerts.settings(tx);
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
        Optional<AuditFeed.Subscription> subscription = Optional.empty();
        while (!closed) {
            try {
                if (subscription.isEmpty()) {
                    subscription = feed.subscribe();
                }
                if (subscription.isPresent()) {
                    subscription.get().next(POLL);
                    drain(subscription.get());
                } else {
                    TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
                }
                while (!closed && step() == BATCH) {
                    // a full batch: more are waiting
                }
            } catch (AuditFeed.Ended ended) {
                subscription = Optional.empty();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.error("the alert rules failed on a batch of audit records; trying again shortly", e);
                sleepQuietly();
            }
        }
        subscription.ifPresent(AuditFeed.Subscription::close);
    }

    /** The wake-up only says "something committed": what was published is read from the log itself. */
    private static void drain(AuditFeed.Subscription subscription) throws AuditFeed.Ended, InterruptedException {
        while (subscription.next(Duration.ZERO).isPresent()) {
            // skip
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
