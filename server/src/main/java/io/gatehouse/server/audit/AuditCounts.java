package io.gatehouse.server.audit;

import io.gatehouse.server.db.ReadTx;
import java.time.Instant;
import java.util.List;

/**
 * Counts over the audit log for the console's Overview and Analytics: door decisions (the {@code door.scan} records,
 * online and uploaded from readers, result {@code grant} or {@code deny}) and TOTP failures. Each query reads one
 * range of the covering index {@code audit_log_outcomes} (action, time, result, reason, subject), not the rows, so
 * its cost grows with the records in the range, not with the log. Ranges are {@code [from, to)}.
 */
public final class AuditCounts {
    public static final String SCAN = "door.scan";
    public static final String GRANT = "grant";
    public static final String DENY = "deny";
    private static final long HOUR_MILLIS = 3_600_000L;

    static final String DECISIONS_PER_HOUR = "SELECT created_at / " + HOUR_MILLIS + " AS hour,"
            + " SUM(CASE WHEN result = 'grant' THEN 1 ELSE 0 END) AS grants,"
            + " SUM(CASE WHEN result = 'deny' THEN 1 ELSE 0 END) AS denies"
            + " FROM audit_log WHERE action = ? AND created_at >= ? AND created_at < ?"
            + " GROUP BY created_at / " + HOUR_MILLIS + " ORDER BY hour";
    static final String DECISIONS = "SELECT SUM(CASE WHEN result = 'grant' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN result = 'deny' THEN 1 ELSE 0 END)"
            + " FROM audit_log WHERE action = ? AND created_at >= ? AND created_at < ?";
    static final String DENY_REASONS = "SELECT reason, COUNT(*) AS denies FROM audit_log"
            + " WHERE action = ? AND created_at >= ? AND created_at < ? AND result = ?"
            + " GROUP BY reason ORDER BY denies DESC, reason";
    static final String DOORS = "SELECT subject,"
            + " SUM(CASE WHEN result = 'grant' THEN 1 ELSE 0 END) AS grants,"
            + " SUM(CASE WHEN result = 'deny' THEN 1 ELSE 0 END) AS denies"
            + " FROM audit_log WHERE action = ? AND created_at >= ? AND created_at < ? AND subject LIKE 'door:%'"
            + " GROUP BY subject ORDER BY denies DESC, grants DESC, subject LIMIT ?";
    static final String TOTP_PER_HOUR = "SELECT created_at / " + HOUR_MILLIS + " AS hour,"
            + " SUM(CASE WHEN reason = 'invalid_code' THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN details LIKE '%\"lockStarted\":true%' THEN 1 ELSE 0 END)"
            + " FROM audit_log WHERE action IN ('totp.verify', 'recovery.verify') AND created_at >= ?"
            + " AND created_at < ? AND result = 'rejected'"
            + " GROUP BY created_at / " + HOUR_MILLIS + " ORDER BY hour";

    private AuditCounts() {
    }

    /** Grants and denies in one hour (its start); hours without decisions are not returned. */
    public record HourlyDecisions(Instant hour, long grants, long denies) {
    }

    /** Denies for one reason. */
    public record ReasonCount(String reason, long count) {
    }

    /** Grants and denies at one door. */
    public record DoorCounts(String doorId, long grants, long denies) {
    }

    /** Failed TOTP and recovery codes in one hour, and the lockouts they started. */
    public record HourlyTotp(Instant hour, long failures, long lockouts) {
    }

    /** Grants and denies in a range. */
    public record Decisions(long grants, long denies) {
    }

    public static List<HourlyDecisions> decisionsPerHour(ReadTx tx, Instant from, Instant to) {
        return tx.query(DECISIONS_PER_HOUR,
                rs -> new HourlyDecisions(Instant.ofEpochMilli(rs.getLong(1) * HOUR_MILLIS), rs.getLong(2),
                        rs.getLong(3)), SCAN, from.toEpochMilli(), to.toEpochMilli());
    }

    public static Decisions decisions(ReadTx tx, Instant from, Instant to) {
        return tx.queryOne(DECISIONS,
                rs -> new Decisions(rs.getLong(1), rs.getLong(2)), SCAN, from.toEpochMilli(), to.toEpochMilli())
                .orElseThrow();
    }

    /** Deny reasons, most frequent first; a deny without a reason counts under null. */
    public static List<ReasonCount> denyReasons(ReadTx tx, Instant from, Instant to) {
        return tx.query(DENY_REASONS,
                rs -> new ReasonCount(rs.getString(1), rs.getLong(2)), SCAN, from.toEpochMilli(), to.toEpochMilli(),
                DENY);
    }

    /** The {@code limit} doors with the most denies (then the most grants, then by id). */
    public static List<DoorCounts> doors(ReadTx tx, Instant from, Instant to, int limit) {
        return tx.query(DOORS,
                rs -> new DoorCounts(rs.getString(1).substring(AuditFilter.DOOR_SUBJECT.length()), rs.getLong(2),
                        rs.getLong(3)), SCAN, from.toEpochMilli(), to.toEpochMilli(), limit);
    }

    /**
     * Per hour, the codes refused as wrong ({@code invalid_code}: each consumes a guess) and the refusals that
     * started a lockout (their details say {@code lockStarted}), for TOTP and recovery codes alike.
     */
    public static List<HourlyTotp> totpPerHour(ReadTx tx, Instant from, Instant to) {
        return tx.query(TOTP_PER_HOUR,
                rs -> new HourlyTotp(Instant.ofEpochMilli(rs.getLong(1) * HOUR_MILLIS), rs.getLong(2), rs.getLong(3)),
                from.toEpochMilli(), to.toEpochMilli());
    }
}
