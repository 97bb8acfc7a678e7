package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@link Rule#NETWORK_FAILURE_SPIKE}: failed second-factor verifications from one network, whoever they were for:
 * the shape of credential stuffing, which {@link FailureSpike} (per person) does not see when each person gets only a
 * guess or two. The failures counted are {@link FailureSpike}'s. The window's failures are read newest first up to
 * {@link #MAX_READ} across all networks and then narrowed to this record's: during a flood from many networks at
 * once, a network may be counted on its share of the newest only.
 */
final class NetworkFailureSpike implements Detector {
    static final int MAX_READ = 2000;
    /** Evidence kept per alert: the burst's most recent records. */
    private static final int MAX_EVIDENCE = 50;
    /** One alert per network for this many windows, however long the burst goes on. */
    private static final int QUIET_WINDOWS = 10;

    @Override
    public Rule rule() {
        return Rule.NETWORK_FAILURE_SPIKE;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        // 1. Only a counted failure, of anyone, from a known address.
        if (!FailureSpike.counted(record) || record.clientAddress() == null) {
            return List.of();
        }
        // 2. Once the network has its alert for this period, its further failures need no counting.
        String network = ClientInfo.of(record.clientAddress(), null).network();
        long at = Instant.parse(record.time()).toEpochMilli();
        long windowMillis = settings.window().toMillis();
        String dedupeKey = rule().code() + "|" + network + "|" + at / (windowMillis * QUIET_WINDOWS);
        if (AlertStore.exists(tx, dedupeKey)) {
            return List.of();
        }
        // 3. The window's failures (this one included) from the same network.
        List<RecordView> burst = AuditTrail.recent(tx, FailureSpike.ACTIONS, "rejected", at - windowMillis,
                record.chainPosition(), MAX_READ).stream()
                .filter(FailureSpike::counted)
                .filter(earlier -> earlier.clientAddress() != null
                        && network.equals(ClientInfo.of(earlier.clientAddress(), null).network()))
                .toList();
        if (burst.size() < settings.threshold()) {
            return List.of();
        }
        long people = burst.stream().map(RecordView::user).filter(Objects::nonNull).distinct().count();
        String summary = burst.size() + " failed verifications from " + network + " for " + people + " "
                + (people == 1 ? "person" : "people") + " within " + settings.window().toSeconds() + " s";
        return List.of(new Alert.Raised(rule(), settings.severity(), "network:" + network, summary,
                burst.stream().limit(MAX_EVIDENCE).map(RecordView::id).sorted().toList(), dedupeKey));
    }
}
