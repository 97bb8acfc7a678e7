package io.gatehouse.server.alert;

import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.List;

/**
 * {@link Rule#READER_PROBLEM}: the event merge found a reader's chain broken or an event forged
 * ({@code reader.events.alert}), or kept an event only as an untrusted claim ({@code reader.event.untrusted}).
 */
final class ReaderProblem implements Detector {
    @Override
    public Rule rule() {
        return Rule.READER_PROBLEM;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        if (!("reader.events.alert".equals(record.action()) || "reader.event.untrusted".equals(record.action()))
                || record.subject() == null || !record.subject().startsWith("reader:")) {
            return List.of();
        }
        long period = Instant.parse(record.time()).toEpochMilli() / settings.window().toMillis();
        return List.of(new Alert.Raised(rule(), settings.severity(), record.subject(), "reader events failed their"
                + " checks (" + record.reason() + ") at " + record.subject(), List.of(record.id()),
                rule().code() + "|" + record.subject() + "|" + period));
    }
}
