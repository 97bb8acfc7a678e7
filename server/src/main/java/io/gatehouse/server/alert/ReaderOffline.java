package io.gatehouse.server.alert;

import io.gatehouse.server.db.ReadTx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@link Rule#READER_OFFLINE}: a provisioned reader silent for longer than its door's bundle lifetime. Nothing is
 * audited when a reader goes quiet, so this rule reads the clock ({@link AlertEngine#sweep()}), not the log. The
 * dedupe key names the reader and the time it was last seen: one alert per outage, however often the sweep runs
 * and on however many nodes; a reader that comes back and goes quiet again raises a new one.
 */
public final class ReaderOffline implements AlertEngine.ClockRule {
    /** A reader not seen since {@code lastSeen}, whose door's bundles are valid for {@code bundleLifetime}. */
    public record Silence(String readerId, String doorId, Instant lastSeen, Duration bundleLifetime) {
    }

    /** The readers silent past their bundle's lifetime at {@code nowMillis}: read from the readers' own store. */
    @FunctionalInterface
    public interface QuietReaders {
        List<Silence> silentPastBundle(ReadTx tx, long nowMillis);
    }

    private final QuietReaders readers;

    public ReaderOffline(QuietReaders readers) {
        this.readers = readers;
    }

    @Override
    public Rule rule() {
        return Rule.READER_OFFLINE;
    }

    @Override
    public List<Alert.Raised> check(ReadTx tx, long nowMillis, Rule.Settings settings) {
        return readers.silentPastBundle(tx, nowMillis).stream().map(silence -> new Alert.Raised(rule(),
                settings.severity(), "reader:" + silence.readerId(), "reader " + silence.readerId() + " at door:"
                + silence.doorId() + " not seen since " + silence.lastSeen() + " ("
                + Duration.ofMillis(nowMillis - silence.lastSeen().toEpochMilli()).toMinutes() + " min); its door's"
                + " bundles are valid offline for " + silence.bundleLifetime().toMinutes() + " min", List.of(),
                rule().code() + "|" + silence.readerId() + "|" + silence.lastSeen().toEpochMilli())).toList();
    }
}
