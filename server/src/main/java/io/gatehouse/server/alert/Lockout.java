package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Rule#LOCKOUT}: a person's verification lockout started: their failures from all sources together filled the
 * per-user window, so every source is locked out, the person too. The verifier marks the counted failure that starts
 * a lock ({@code lockStarted}, with {@code lockScope} {@code source}, {@code user} or {@code source,user}). A lock of
 * one source alone is left to {@link FailureSpike}, whose default is the per-source lockout's threshold: the burst
 * that locks a source raises that alert already. A user lock is what failures spread over many networks lead to,
 * which no per-network count sees.
 */
final class Lockout implements Detector {
    /** Evidence kept per alert: the most recent lock starts. */
    private static final int MAX_EVIDENCE = 50;

    @Override
    public Rule rule() {
        return Rule.LOCKOUT;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        // 1. Only the failure that started a lock of the person (not only of one source), of a known person.
        if (!lockStart(record) || record.user() == null) {
            return List.of();
        }
        // 2. The person's lock starts within the window before this one (this one included).
        long at = Instant.parse(record.time()).toEpochMilli();
        long windowMillis = settings.window().toMillis();
        List<RecordView> starts = AuditTrail.recentOfUser(tx, record.user(), FailureSpike.ACTIONS, "rejected",
                at - windowMillis, record.chainPosition(), Math.max(settings.threshold(), MAX_EVIDENCE)).stream()
                .filter(Lockout::lockStart)
                .toList();
        if (starts.size() < settings.threshold()) {
            return List.of();
        }
        String summary = "a lockout of one person started (all their sources are locked); " + starts.size()
                + " lock start" + (starts.size() == 1 ? "" : "s") + " within " + settings.window().toMinutes() + " min";
        return List.of(new Alert.Raised(rule(), settings.severity(), "user:" + record.user(), summary,
                starts.stream().map(RecordView::id).sorted().toList(),
                rule().code() + "|" + record.user() + "|" + at / windowMillis));
    }

    private static boolean lockStart(RecordView record) {
        return FailureSpike.ACTIONS.contains(record.action()) && "rejected".equals(record.result())
                && record.details() != null && record.details().path("lockStarted").asBoolean(false)
                && Arrays.asList(record.details().path("lockScope").asText("").split(",")).contains("user");
    }
}
