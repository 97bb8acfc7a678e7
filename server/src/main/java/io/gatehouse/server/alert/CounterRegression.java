package io.gatehouse.server.alert;

import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.List;

/** {@link Rule#COUNTER_REGRESSION}: a passkey presented a signature counter below the one stored. */
final class CounterRegression implements Detector {
    @Override
    public Rule rule() {
        return Rule.COUNTER_REGRESSION;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        if (!"passkey.clone_suspected".equals(record.action()) || record.subject() == null) {
            return List.of();
        }
        long period = Instant.parse(record.time()).toEpochMilli() / settings.window().toMillis();
        String subject = record.user() != null ? "user:" + record.user() : record.subject();
        return List.of(new Alert.Raised(rule(), settings.severity(), subject, "the signature counter of "
                + record.subject() + " went backwards: the authenticator may have been cloned", List.of(record.id()),
                rule().code() + "|" + record.subject() + "|" + period));
    }
}
