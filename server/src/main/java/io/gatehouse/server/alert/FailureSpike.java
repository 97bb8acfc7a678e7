package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@link Rule#FAILURE_SPIKE}: failed second-factor verifications for one person from one network. The failures
 * counted are the ones the verifier audits one by one: wrong codes, replayed codes, and the first {@code locked}
 * answer of each lockout window (the verifier counts repeats inside a window without a record each).
 */
final class FailureSpike implements Detector {
    static final Set<String> ACTIONS = Set.of("totp.verify", "recovery.verify");
    private static final Set<String> FAILURES = Set.of("invalid_code", "replayed", "locked");
    /** Evidence kept per alert: the burst's most recent records. */
    private static final int MAX_EVIDENCE = 50;
    /** One alert per person and network for this many windows, however long the burst goes on. */
    private static final int QUIET_WINDOWS = 10;

    @Override
    public Rule rule() {
        return Rule.FAILURE_SPIKE;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        // 1. Only a counted failure of a known person can start or extend a burst.
        if (!counted(record) || record.user() == null) {
            return List.of();
        }
        // 2. The person's failures within the window before this one (this one included), from the same network.
        String network = ClientInfo.of(record.clientAddress(), null).network();
        long at = Instant.parse(record.time()).toEpochMilli();
        long windowMillis = settings.window().toMillis();
        List<RecordView> burst = AuditTrail.recentOfUser(tx, record.user(), ACTIONS, "rejected", at - windowMillis,
                record.chainPosition(), Math.max(settings.threshold(), MAX_EVIDENCE)).stream()
                .filter(FailureSpike::counted)
                .filter(earlier -> network.equals(ClientInfo.of(earlier.clientAddress(), null).network()))
                .toList();
        // 3. Below the threshold: nothing yet.
        if (burst.size() < settings.threshold()) {
            return List.of();
        }
        // 4. One alert per person, network and quiet period: the dedupe key names the period the burst is in.
        long period = at / (windowMillis * QUIET_WINDOWS);
        String summary = burst.size() + " failed verifications for one person from " + network + " within "
                + settings.window().toSeconds() + " s";
        return List.of(new Alert.Raised(rule(), settings.severity(), "user:" + record.user(), summary,
                burst.stream().map(RecordView::id).sorted().toList(),
                rule().code() + "|" + record.user() + "|" + network + "|" + period));
    }

    /** A failure the verifier audits one by one: what the failure rules count. */
    static boolean counted(RecordView record) {
        return ACTIONS.contains(record.action()) && "rejected".equals(record.result())
                && FAILURES.contains(record.reason());
    }
}
