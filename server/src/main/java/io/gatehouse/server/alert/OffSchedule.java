package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** {@link Rule#OFF_SCHEDULE}: one person repeatedly denied for trying doors outside their schedule. */
final class OffSchedule implements Detector {
    private static final Set<String> ACTIONS = Set.of("door.scan");
    private static final int MAX_EVIDENCE = 50;

    @Override
    public Rule rule() {
        return Rule.OFF_SCHEDULE;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        // 1. Only a scan of a known person denied for the schedule.
        if (!"door.scan".equals(record.action()) || !"deny".equals(record.result())
                || !"outside_schedule".equals(record.reason()) || record.user() == null) {
            return List.of();
        }
        // 2. That person's such denials within the window, this one included.
        long at = Instant.parse(record.time()).toEpochMilli();
        List<RecordView> burst = AuditTrail.recentOfUser(tx, record.user(), ACTIONS, "deny",
                at - settings.window().toMillis(), record.chainPosition(), MAX_EVIDENCE).stream()
                .filter(earlier -> "outside_schedule".equals(earlier.reason())).toList();
        if (burst.size() < settings.threshold()) {
            return List.of();
        }
        long period = at / settings.window().toMillis();
        return List.of(new Alert.Raised(rule(), settings.severity(), "user:" + record.user(), burst.size()
                + " scans outside the person's schedule denied within " + settings.window().toMinutes() + " min",
                burst.stream().map(RecordView::id).sorted().toList(),
                rule().code() + "|" + record.user() + "|" + period));
    }
}
