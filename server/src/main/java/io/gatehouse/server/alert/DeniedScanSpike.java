package io.gatehouse.server.alert;

import io.gatehouse.server.audit.AuditTrail;
import io.gatehouse.server.audit.RecordView;
import io.gatehouse.server.db.ReadTx;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Rule#DENIED_SCAN_SPIKE}: denied scans at one door against that door's own history at the same time of the
 * week. The baseline is the count in the same window one, two, three and four weeks earlier; the score is robust
 * (median and median absolute deviation), so one unusual week in the history does not hide or raise an alarm, and
 * its spread is at least that of counting noise (the square root of the median, as for Poisson counts). Weeks before
 * the door's first recorded scan are not history: until a door has a week of it the rule only learns.
 *
 * <p>{@link Rule#READER_DENIED_SCAN_SPIKE} is the same count and score per reader: the scans a reader relayed are
 * the ones it wrote (their actor {@code reader:<id>}).
 */
final class DeniedScanSpike implements Detector {
    static final int BASELINE_WEEKS = 4;
    static final double MIN_SCORE = 3.0;
    private static final long WEEK = Duration.ofDays(7).toMillis();
    /** The MAD of a normal distribution is 0.6745 σ; this scales it to σ. */
    private static final double MAD_TO_SIGMA = 1.4826;

    /** What the denials are counted at: a door (the subject of its scans) or a reader (their writer). */
    private enum Scope {
        DOOR, READER
    }

    private final Rule rule;
    private final Scope scope;

    private DeniedScanSpike(Rule rule, Scope scope) {
        this.rule = rule;
        this.scope = scope;
    }

    static DeniedScanSpike perDoor() {
        return new DeniedScanSpike(Rule.DENIED_SCAN_SPIKE, Scope.DOOR);
    }

    static DeniedScanSpike perReader() {
        return new DeniedScanSpike(Rule.READER_DENIED_SCAN_SPIKE, Scope.READER);
    }

    @Override
    public Rule rule() {
        return rule;
    }

    @Override
    public List<Alert.Raised> observe(ReadTx tx, RecordView record, Rule.Settings settings) {
        // 1. Only a denied scan at a door, or relayed by a reader.
        String key = scope == Scope.DOOR ? record.subject() : record.actor();
        if (!"door.scan".equals(record.action()) || !"deny".equals(record.result()) || key == null
                || !key.startsWith(scope == Scope.DOOR ? "door:" : "reader:")) {
            return List.of();
        }
        // 2. The denials in the window that ends with this one.
        long at = Instant.parse(record.time()).toEpochMilli() + 1;
        long window = settings.window().toMillis();
        long now = count(tx, key, at - window, at, record.chainPosition());
        if (now < settings.threshold()) {
            return List.of();
        }
        // 3. The same window in the weeks before, as far as the door or reader has history.
        long since = (scope == Scope.DOOR ? AuditTrail.firstTime(tx, "door.scan", key)
                : AuditTrail.firstTimeByActor(tx, "door.scan", key)).map(Instant::toEpochMilli).orElse(at);
        int weeks = (int) Math.min(BASELINE_WEEKS, Math.max(0, (at - window - since) / WEEK));
        if (weeks == 0) {
            return List.of();
        }
        long[] baseline = new long[weeks];
        for (int week = 1; week <= weeks; week++) {
            baseline[week - 1] = count(tx, key, at - window - week * WEEK, at - week * WEEK, record.chainPosition());
        }
        // 4. The robust z-score against that baseline.
        double score = score(now, baseline);
        if (score < MIN_SCORE) {
            return List.of();
        }
        long period = at / window;
        String summary = now + " denied scans at " + key + " within " + settings.window().toMinutes()
                + " min; the same time in the " + weeks + " week" + (weeks == 1 ? "" : "s") + " before saw " + Arrays.toString(baseline)
                + " (robust z-score " + String.format(java.util.Locale.ROOT, "%.1f", score) + ")";
        List<Long> evidence = List.of(record.id());
        return List.of(new Alert.Raised(rule(), settings.severity(), key, summary, evidence,
                rule().code() + "|" + key + "|" + period));
    }

    private long count(ReadTx tx, String key, long fromMillis, long toMillis, long upTo) {
        return scope == Scope.DOOR ? AuditTrail.count(tx, "door.scan", "deny", key, fromMillis, toMillis, upTo)
                : AuditTrail.countByActor(tx, "door.scan", "deny", key, fromMillis, toMillis, upTo);
    }

    /**
     * (x − median) / spread, the spread being the largest of 1.4826 × MAD, √median (counting noise) and 1 (so that
     * an empty history does not divide by zero).
     */
    static double score(long observed, long[] baseline) {
        double median = median(Arrays.stream(baseline).asDoubleStream().toArray());
        double mad = median(Arrays.stream(baseline).mapToDouble(b -> Math.abs(b - median)).toArray());
        return (observed - median) / Math.max(1.0, Math.max(MAD_TO_SIGMA * mad, Math.sqrt(median)));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
