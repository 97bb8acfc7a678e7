package io.gatehouse.server.codes;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL of {@code managed_codes}. */
final class CodeStore {
    private static final String COLUMNS = "id, purpose, target, reference_id, label, state, end_reason, expires_at,"
            + " max_uses, uses, scans, created_by, created_at, updated_at, handle_sealed";
    /** The rows that may redirect at {@code ?} (now): what the use count's conditional update requires. */
    private static final String LIVE = "state = 'active' AND (expires_at IS NULL OR expires_at > ?)"
            + " AND (max_uses IS NULL OR uses < max_uses)";

    /** What a list asks for; empty parts do not filter. */
    record Filter(Optional<Purpose> purpose, Optional<CodeState> state) {
    }

    void insert(Tx tx, ManagedCode code, byte[] handleHash) {
        tx.update("INSERT INTO managed_codes (id, handle_hash, handle_sealed, purpose, target, reference_id, label,"
                + " state, expires_at, max_uses, uses, scans, created_by, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)",
                code.id(), handleHash, code.handleSealed(), code.purpose().code(), code.target(), code.referenceId(),
                code.label(), code.storedState().code(), millis(code.expiresAt()), code.maxUses(), code.createdBy(),
                code.createdAt().toEpochMilli(), code.updatedAt().toEpochMilli());
    }

    Optional<ManagedCode> byId(ReadTx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM managed_codes WHERE id = ?", CodeStore::code, id);
    }

    /** The row, locked until the transaction ends (an administrator's change reads, checks and writes it). */
    Optional<ManagedCode> lock(Tx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM managed_codes WHERE id = ?" + tx.dialect().forUpdate(),
                CodeStore::code, id);
    }

    Optional<ManagedCode> byHandleHash(ReadTx tx, byte[] handleHash) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM managed_codes WHERE handle_hash = ?", CodeStore::code,
                handleHash);
    }

    /** A page of codes, oldest first, as of {@code now} (expired and used-up codes are told by their counters). */
    List<Page.Keyed<ManagedCode>> list(ReadTx tx, Filter filter, Page page, Instant now) {
        List<String> where = new ArrayList<>();
        List<Object> args = new ArrayList<>();
        filter.purpose().ifPresent(purpose -> {
            where.add("purpose = ?");
            args.add(purpose.code());
        });
        filter.state().ifPresent(state -> {
            long at = now.toEpochMilli();
            switch (state) {
                case ACTIVE -> {
                    where.add(LIVE);
                    args.add(at);
                }
                case EXPIRED -> {
                    where.add("state = 'active' AND expires_at IS NOT NULL AND expires_at <= ?");
                    args.add(at);
                }
                case USED_UP -> {
                    where.add("state = 'active' AND (expires_at IS NULL OR expires_at > ?) AND max_uses IS NOT NULL"
                            + " AND uses >= max_uses");
                    args.add(at);
                }
                default -> {
                    where.add("state = ?");
                    args.add(state.code());
                }
            }
        });
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM managed_codes");
        if (!where.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", where));
        }
        sql.append(page.sql("created_at", true, "id", !where.isEmpty(), args));
        return tx.query(sql.toString(), rs -> {
            ManagedCode code = code(rs);
            return new Page.Keyed<>(code, code.createdAt().toEpochMilli(), code.id());
        }, args.toArray());
    }

    /**
     * Counts one use and one scan if the code may redirect now; false (and nothing counted) otherwise. One
     * conditional statement: two nodes redirecting the last use at once cannot both succeed, because the second
     * update waits for the first's row lock and then finds the limit reached.
     */
    boolean countUse(Tx tx, String id, Instant now) {
        return tx.update("UPDATE managed_codes SET uses = uses + 1, scans = scans + 1 WHERE id = ? AND " + LIVE,
                id, now.toEpochMilli()) == 1;
    }

    void countRefusal(Tx tx, String id) {
        tx.update("UPDATE managed_codes SET scans = scans + 1 WHERE id = ?", id);
    }

    void update(Tx tx, ManagedCode changed) {
        tx.update("UPDATE managed_codes SET target = ?, label = ?, state = ?, end_reason = ?, expires_at = ?,"
                + " max_uses = ?, updated_at = ? WHERE id = ?", changed.target(), changed.label(),
                changed.storedState().code(), changed.endReason(), millis(changed.expiresAt()), changed.maxUses(),
                changed.updatedAt().toEpochMilli(), changed.id());
    }

    /** Ends the live codes of a feature's link; returns how many. */
    int endByReference(Tx tx, Purpose purpose, String referenceId, String reason, Instant now) {
        return tx.update("UPDATE managed_codes SET state = 'ended', end_reason = ?, updated_at = ?"
                + " WHERE purpose = ? AND reference_id = ? AND state IN ('active', 'disabled')", reason,
                now.toEpochMilli(), purpose.code(), referenceId);
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static ManagedCode code(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        Long expiresAt = Tx.nullableLong(rs, "expires_at");
        Long maxUses = Tx.nullableLong(rs, "max_uses");
        String state = rs.getString("state");
        return new ManagedCode(id, Purpose.stored(rs.getString("purpose"), id), rs.getString("target"),
                rs.getString("reference_id"), rs.getString("label"), CodeState.parse(state)
                        .filter(parsed -> parsed != CodeState.EXPIRED && parsed != CodeState.USED_UP)
                        .orElseThrow(() -> GatehouseException.corrupt("managed code " + id + " has the unknown state '"
                                + state + "'", null)),
                rs.getString("end_reason"), expiresAt == null ? null : Instant.ofEpochMilli(expiresAt),
                maxUses == null ? null : maxUses.intValue(), rs.getInt("uses"), rs.getLong("scans"),
                rs.getString("created_by"), Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("updated_at")), rs.getBytes("handle_sealed"));
    }
}
