package io.gatehouse.server.visitor;

import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The only class that reads or writes {@code visitors}, {@code visitor_doors} and {@code visitor_zones} (migration
 * V26). Times are epoch milliseconds. Every change of a pass is conditional on the state it changes from.
 */
public final class VisitorStore {
    private static final String COLUMNS = "id, name, email, note, host_user_id, valid_from, valid_until, max_entries,"
            + " entries_used, state, invitation_id, created_by, created_at, revoked_at, last_entry_at, erased_at";

    /** A pass neither revoked nor erased. */
    private static final String LIVE = "state = 'active' AND erased_at IS NULL";

    private VisitorStore() {
    }

    /** A pass to insert; its handle only as its SHA-256 and, for resending, sealed. */
    public record NewVisitor(String id, byte[] handleHash, byte[] handleSealed, String name, String email,
            Optional<String> note, Optional<String> hostUserId, Instant from, Instant until, int maxEntries,
            List<String> doorIds, List<String> zoneIds, String createdBy, Instant createdAt) {
    }

    /**
     * A pass as a door's offline list carries it: the digest of its handle, its window and its entries.
     *
     * @param entriesUsed the entries counted online so far
     */
    public record DoorPass(String visitorId, byte[] handleHash, Instant from, Instant until, int maxEntries,
            int entriesUsed) {
    }

    public static void insert(Tx tx, NewVisitor visitor) {
        tx.update("INSERT INTO visitors (id, handle_hash, handle_sealed, name, email, note, host_user_id, valid_from,"
                + " valid_until, max_entries, entries_used, state, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, 0, 'active', ?, ?)", visitor.id(), visitor.handleHash(), visitor.handleSealed(),
                visitor.name(), visitor.email(), visitor.note().orElse(null), visitor.hostUserId().orElse(null),
                visitor.from().toEpochMilli(), visitor.until().toEpochMilli(), visitor.maxEntries(),
                visitor.createdBy(), visitor.createdAt().toEpochMilli());
        for (String doorId : visitor.doorIds()) {
            tx.update("INSERT INTO visitor_doors (visitor_id, door_id) VALUES (?, ?)", visitor.id(), doorId);
        }
        for (String zoneId : visitor.zoneIds()) {
            tx.update("INSERT INTO visitor_zones (visitor_id, zone_id) VALUES (?, ?)", visitor.id(), zoneId);
        }
    }

    public static Optional<Visitor> byId(ReadTx tx, String id) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM visitors WHERE id = ?", VisitorStore::row, id)
                .map(row -> withPlaces(tx, List.of(row)).get(0));
    }

    /** The pass whose handle has this SHA-256, erased or not. */
    public static Optional<Visitor> byHandleHash(ReadTx tx, byte[] handleHash) {
        return tx.queryOne("SELECT " + COLUMNS + " FROM visitors WHERE handle_hash = ?", VisitorStore::row,
                handleHash).map(row -> withPlaces(tx, List.of(row)).get(0));
    }

    /** Passes by creation time, narrowed to those in {@code state} at {@code now} if given. */
    public static List<Page.Keyed<Visitor>> list(ReadTx tx, Page page, Optional<PassState> state, Instant now) {
        long at = now.toEpochMilli();
        List<Object> args = new ArrayList<>();
        String where = state.map(wanted -> switch (wanted) {
            case REVOKED -> " WHERE state = 'revoked'";
            case EXPIRED -> {
                args.add(at);
                yield " WHERE state = 'active' AND valid_until <= ?";
            }
            case USED_UP -> {
                args.add(at);
                yield " WHERE state = 'active' AND valid_until > ? AND entries_used >= max_entries";
            }
            case UPCOMING -> {
                args.add(at);
                args.add(at);
                yield " WHERE state = 'active' AND valid_until > ? AND entries_used < max_entries AND valid_from > ?";
            }
            case ACTIVE -> {
                args.add(at);
                args.add(at);
                yield " WHERE state = 'active' AND valid_until > ? AND entries_used < max_entries"
                        + " AND valid_from <= ?";
            }
        }).orElse("");
        List<Row> rows = tx.query("SELECT " + COLUMNS + " FROM visitors" + where + page.sql("created_at", true, "id",
                !where.isEmpty(), args), VisitorStore::row, args.toArray());
        List<Visitor> visitors = withPlaces(tx, rows);
        List<Page.Keyed<Visitor>> keyed = new ArrayList<>();
        for (Visitor visitor : visitors) {
            keyed.add(new Page.Keyed<>(visitor, visitor.createdAt().toEpochMilli(), visitor.id()));
        }
        return keyed;
    }

    /**
     * Counts one entry if one is left: a conditional UPDATE, so that concurrent decisions (two readers, two nodes)
     * never count past {@code max_entries}; false when none is left, or the pass was revoked or erased meanwhile.
     */
    public static boolean recordEntry(Tx tx, String id, Instant at) {
        return tx.update("UPDATE visitors SET entries_used = entries_used + 1, last_entry_at = ? WHERE id = ? AND "
                + LIVE + " AND entries_used < max_entries", at.toEpochMilli(), id) == 1;
    }

    /**
     * Counts one entry a reader granted offline and uploaded, if one is left, whatever the pass's state now (the
     * visitor went in). A conditional UPDATE, so that online decisions and other uploads never make it count past
     * {@code max_entries}; false when none was left (or no such pass): the entry was one too many.
     */
    public static boolean recordOfflineEntry(Tx tx, String id, Instant at) {
        return tx.update("UPDATE visitors SET entries_used = entries_used + 1, last_entry_at = CASE WHEN last_entry_at"
                + " IS NULL OR last_entry_at < ? THEN ? ELSE last_entry_at END WHERE id = ? AND entries_used <"
                + " max_entries", at.toEpochMilli(), at.toEpochMilli(), id) == 1;
    }

    /** Ends a live pass at once; its sealed handle goes with it. False when it was revoked or erased already. */
    public static boolean revoke(Tx tx, String id, Instant at) {
        return tx.update("UPDATE visitors SET state = 'revoked', revoked_at = ?, handle_sealed = NULL WHERE id = ? AND "
                + LIVE, at.toEpochMilli(), id) == 1;
    }

    /** The sealed handle of a live pass whose window has not ended: what resending the invitation needs. */
    public static Optional<byte[]> sealedHandle(ReadTx tx, String id, Instant now) {
        return tx.queryOne("SELECT handle_sealed FROM visitors WHERE id = ? AND " + LIVE + " AND valid_until > ?"
                + " AND handle_sealed IS NOT NULL", rs -> rs.getBytes(1), id, now.toEpochMilli());
    }

    /** Wipes the sealed handles of passes whose window has ended: nobody can be sent them again. */
    public static int wipeEndedHandles(Tx tx, Instant now) {
        return tx.update("UPDATE visitors SET handle_sealed = NULL WHERE handle_sealed IS NOT NULL AND valid_until <= ?",
                now.toEpochMilli());
    }

    public static void setInvitation(Tx tx, String id, String messageId) {
        tx.update("UPDATE visitors SET invitation_id = ? WHERE id = ?", messageId, id);
    }

    /**
     * Erases a pass's personal data (name, e-mail, the host's note, the sealed handle) and ends it (a pass not
     * revoked yet counts as revoked now); the row stays. False when it was erased already.
     */
    public static boolean erase(Tx tx, String id, Instant at) {
        return tx.update("UPDATE visitors SET name = NULL, email = NULL, note = NULL, handle_sealed = NULL,"
                + " state = 'revoked', revoked_at = COALESCE(revoked_at, ?), erased_at = ? WHERE id = ? AND erased_at"
                + " IS NULL", at.toEpochMilli(), at.toEpochMilli(), id) == 1;
    }

    /** Passes not erased whose window ended before {@code endedBefore}, oldest first, at most {@code limit}. */
    public static List<String> dueForErasure(ReadTx tx, Instant endedBefore, int limit) {
        return tx.query("SELECT id FROM visitors WHERE erased_at IS NULL AND valid_until < ? ORDER BY valid_until, id"
                + " LIMIT ?", rs -> rs.getString(1), endedBefore.toEpochMilli(), limit);
    }

    /**
     * The live passes that invite {@code doorId} (directly or through its zone {@code zoneId}) and whose window has
     * not ended at {@code now}: what an offline reader at the door is to carry.
     */
    public static List<DoorPass> passesForDoor(ReadTx tx, String doorId, String zoneId, Instant now) {
        return tx.query("SELECT v.id, v.handle_hash, v.valid_from, v.valid_until, v.max_entries, v.entries_used FROM"
                + " visitors v WHERE v.state = 'active' AND v.erased_at IS NULL AND v.valid_until > ? AND (EXISTS"
                + " (SELECT 1 FROM visitor_doors d WHERE d.visitor_id = v.id AND d.door_id = ?) OR EXISTS (SELECT 1"
                + " FROM visitor_zones z WHERE z.visitor_id = v.id AND z.zone_id = ?)) ORDER BY v.id",
                rs -> new DoorPass(rs.getString(1), rs.getBytes(2), Instant.ofEpochMilli(rs.getLong(3)),
                        Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5), rs.getInt(6)),
                now.toEpochMilli(), doorId, zoneId);
    }

    /** A visitors row before its doors and zones are read. */
    private record Row(String id, String name, String email, String note, String hostUserId, long from, long until,
            int maxEntries, int entriesUsed, String state, String invitationId, String createdBy, long createdAt,
            Long revokedAt, Long lastEntryAt, Long erasedAt) {
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("name"), rs.getString("email"), rs.getString("note"),
                rs.getString("host_user_id"), rs.getLong("valid_from"), rs.getLong("valid_until"),
                rs.getInt("max_entries"), rs.getInt("entries_used"), rs.getString("state"),
                rs.getString("invitation_id"), rs.getString("created_by"), rs.getLong("created_at"),
                Tx.nullableLong(rs, "revoked_at"), Tx.nullableLong(rs, "last_entry_at"),
                Tx.nullableLong(rs, "erased_at"));
    }

    private static List<Visitor> withPlaces(ReadTx tx, List<Row> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, List<String>> doors = new LinkedHashMap<>();
        Map<String, List<String>> zones = new LinkedHashMap<>();
        List<Object> ids = rows.stream().<Object>map(Row::id).toList();
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        tx.query("SELECT visitor_id, door_id FROM visitor_doors WHERE visitor_id IN (" + marks + ") ORDER BY door_id",
                rs -> doors.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)),
                ids.toArray());
        tx.query("SELECT visitor_id, zone_id FROM visitor_zones WHERE visitor_id IN (" + marks + ") ORDER BY zone_id",
                rs -> zones.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2)),
                ids.toArray());
        return rows.stream().map(row -> visitor(row, doors.getOrDefault(row.id(), List.of()),
                zones.getOrDefault(row.id(), List.of()))).toList();
    }

    private static Visitor visitor(Row row, List<String> doorIds, List<String> zoneIds) {
        boolean revoked = switch (row.state()) {
            case "active" -> false;
            case "revoked" -> true;
            default -> throw io.gatehouse.server.common.GatehouseException.corrupt("visitor state '" + row.state()
                    + "'", null);
        };
        return new Visitor(row.id(), Optional.ofNullable(row.name()), Optional.ofNullable(row.email()),
                Optional.ofNullable(row.note()), Optional.ofNullable(row.hostUserId()), Instant.ofEpochMilli(row.from()),
                Instant.ofEpochMilli(row.until()), row.maxEntries(), row.entriesUsed(), revoked,
                Optional.ofNullable(row.invitationId()), row.createdBy(), Instant.ofEpochMilli(row.createdAt()),
                Optional.ofNullable(row.revokedAt()).map(Instant::ofEpochMilli),
                Optional.ofNullable(row.lastEntryAt()).map(Instant::ofEpochMilli),
                Optional.ofNullable(row.erasedAt()).map(Instant::ofEpochMilli), doorIds, zoneIds);
    }
}
