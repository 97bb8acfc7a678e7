package io.gatehouse.server.codes;

import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SQL of {@code code_scans}: one row per scan, summaries by code and time, and their deletion. */
final class ScanStore {
    /** Rows deleted per statement by the retention job: keeps SQLite's write lock short. */
    static final int DELETE_BATCH = 5_000;

    /** Counts of one code's scans in {@code [from, until)}. */
    record Totals(long total, long counted) {
    }

    /** Scans in one interval starting at {@code startMillis}. */
    record Bucket(long startMillis, long total, long counted) {
    }

    void insert(Tx tx, Scan scan) {
        tx.update("INSERT INTO code_scans (code_id, scanned_at, device_type, os_family, browser_family, country,"
                + " network, outcome, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", scan.codeId(),
                scan.at().toEpochMilli(), scan.device().deviceType(), scan.device().osFamily(),
                scan.device().browserFamily(), scan.country(), scan.network(), scan.outcome(), scan.counted());
    }

    Totals totals(ReadTx tx, String codeId, long from, long until) {
        return tx.queryOne("SELECT COUNT(*), COALESCE(SUM(CASE WHEN counted THEN 1 ELSE 0 END), 0) FROM code_scans"
                + " WHERE code_id = ? AND scanned_at >= ? AND scanned_at < ?",
                rs -> new Totals(rs.getLong(1), rs.getLong(2)), codeId, from, until).orElseThrow();
    }

    /**
     * Scan counts by the values of {@code column} (one of this table's text columns, never a client's text), most
     * frequent first; a null value counts as {@code unknown}.
     */
    Map<String, Long> countsBy(ReadTx tx, Column column, String codeId, long from, long until) {
        Map<String, Long> counts = new LinkedHashMap<>();
        tx.query("SELECT COALESCE(" + column.sql + ", 'unknown'), COUNT(*) FROM code_scans WHERE code_id = ?"
                + " AND scanned_at >= ? AND scanned_at < ? GROUP BY 1 ORDER BY 2 DESC, 1",
                rs -> counts.put(rs.getString(1), rs.getLong(2)), codeId, from, until);
        return counts;
    }

    /** The intervals of {@code intervalMillis} (counted from the epoch, so whole UTC days or hours) that hold scans. */
    List<Bucket> buckets(ReadTx tx, String codeId, long from, long until, long intervalMillis) {
        return tx.query("SELECT (scanned_at / ?) * ?, COUNT(*), COALESCE(SUM(CASE WHEN counted THEN 1 ELSE 0 END), 0)"
                + " FROM code_scans WHERE code_id = ? AND scanned_at >= ? AND scanned_at < ? GROUP BY 1 ORDER BY 1",
                rs -> new Bucket(rs.getLong(1), rs.getLong(2), rs.getLong(3)), intervalMillis, intervalMillis,
                codeId, from, until);
    }

    /** Deletes up to {@link #DELETE_BATCH} scans from before {@code cutoff}; returns how many. */
    int deleteBefore(Tx tx, long cutoff) {
        return tx.update("DELETE FROM code_scans WHERE id IN (SELECT id FROM code_scans WHERE scanned_at < ?"
                + " ORDER BY id LIMIT ?)", cutoff, DELETE_BATCH);
    }

    /** The columns a summary groups by. */
    enum Column {
        DEVICE_TYPE("device_type"), OS_FAMILY("os_family"), BROWSER_FAMILY("browser_family"), COUNTRY("country"),
        OUTCOME("outcome");

        private final String sql;

        Column(String sql) {
            this.sql = sql;
        }
    }
}
