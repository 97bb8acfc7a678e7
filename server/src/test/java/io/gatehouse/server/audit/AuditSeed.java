package io.gatehouse.server.audit;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes audit records straight into the log, many per round trip, for tests of queries over many records. */
final class AuditSeed {
    private static final int PER_BATCH = 1_000;

    private AuditSeed() {
    }

    /** A door decision at {@code time}: result {@code grant} or {@code deny} with its reason. */
    static AuditEvent scan(String door, String user, String result, String reason) {
        return new AuditEvent("reader:rdr_test", "door.scan", user, "door:" + door, result, reason,
                new ClientInfo("192.0.2.1", "reader"), Map.of("mode", "online", "door", door));
    }

    /** Appends the events, each at its time, in transactions of {@value #PER_BATCH}. */
    static void append(Database database, AuditLog audit, List<Timed> events) {
        for (int start = 0; start < events.size(); start += PER_BATCH) {
            List<Timed> slice = events.subList(start, Math.min(events.size(), start + PER_BATCH));
            database.inTransaction(tx -> {
                Tx.Batch batch = new Tx.Batch();
                for (Timed timed : slice) {
                    audit.append(batch, timed.event(), UUID.randomUUID().toString(), timed.time().toEpochMilli());
                }
                tx.run(batch);
                return null;
            });
        }
    }

    record Timed(Instant time, AuditEvent event) {
    }
}
