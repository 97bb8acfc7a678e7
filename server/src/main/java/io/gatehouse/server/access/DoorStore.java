package io.gatehouse.server.access;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.WeeklyWindow;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.device.DeviceStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The only class that reads or writes {@code sites}, {@code zones}, {@code doors}, {@code access_rules} and the
 * single-use records of scans ({@code access_replay}).
 */
public final class DoorStore {
    private static final String DOORS = """
            SELECT d.id, d.zone_id, d.name, d.proof_lifetime_seconds, d.allowed_skew_seconds,
                   d.require_user_verification, d.minimum_device_trust, d.offline_mode, d.max_bundle_age_seconds,
                   d.require_bound_pass, d.require_uv_when_flagged, z.site_id, s.time_zone
            FROM doors d JOIN zones z ON z.id = d.zone_id JOIN sites s ON s.id = z.site_id""";

    /**
     * A reader with its door and the door zone's rules: one row per rule, or a single row with null rule columns when
     * the zone has none (and null door columns when the reader names no door that exists).
     */
    private static final String READER_AT_DOOR = "SELECT " + ReaderStore.CREDENTIAL_COLUMNS + """
            , d.id, d.zone_id, d.name, d.proof_lifetime_seconds, d.allowed_skew_seconds,
                   d.require_user_verification, d.minimum_device_trust, d.offline_mode, d.max_bundle_age_seconds,
                   d.require_bound_pass, d.require_uv_when_flagged, z.site_id, s.time_zone,
                   r.role AS rule_role, r.user_id AS rule_user, r.schedule AS rule_schedule
            FROM readers rd LEFT JOIN doors d ON d.id = rd.door_id LEFT JOIN zones z ON z.id = d.zone_id
            LEFT JOIN sites s ON s.id = z.site_id LEFT JOIN access_rules r ON r.zone_id = d.zone_id
            WHERE rd.id = ?""";

    private DoorStore() {
    }

    /** A site as stored. */
    public record Site(String id, String name, String timeZone) {
    }

    /** A zone as stored. */
    public record Zone(String id, String siteId, String name) {
    }

    /** An access rule as stored: exactly one of {@code role} and {@code userId} is set. */
    record Rule(String id, String zoneId, String role, String userId, List<WeeklyWindow> schedule) {
    }

    /** A door's own columns, as inserted or updated. */
    record DoorRow(String id, String zoneId, String name, int proofLifetimeSeconds, int allowedSkewSeconds,
            boolean requireUserVerification, DeviceTrust minimumTrust, String offlineMode, int maxBundleAgeSeconds,
            boolean requireBoundPass, boolean requireUserVerificationWhenFlagged) {
    }

    static void insertSite(Tx tx, Site site, long nowMillis) {
        tx.update("INSERT INTO sites (id, name, time_zone, created_at) VALUES (?, ?, ?, ?)", site.id(), site.name(),
                site.timeZone(), nowMillis);
    }

    static void insertZone(Tx tx, Zone zone, long nowMillis) {
        tx.update("INSERT INTO zones (id, site_id, name, created_at) VALUES (?, ?, ?, ?)", zone.id(), zone.siteId(),
                zone.name(), nowMillis);
    }

    static void insertDoor(Tx tx, DoorRow door, long nowMillis) {
        tx.update("""
                INSERT INTO doors (id, zone_id, name, proof_lifetime_seconds, allowed_skew_seconds,
                                   require_user_verification, minimum_device_trust, offline_mode,
                                   max_bundle_age_seconds, require_bound_pass, require_uv_when_flagged, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", door.id(), door.zoneId(), door.name(),
                door.proofLifetimeSeconds(), door.allowedSkewSeconds(), door.requireUserVerification(),
                door.minimumTrust().code(), door.offlineMode(), door.maxBundleAgeSeconds(), door.requireBoundPass(),
                door.requireUserVerificationWhenFlagged(), nowMillis);
    }

    static void insertRule(Tx tx, Rule rule, long nowMillis) {
        tx.update("INSERT INTO access_rules (id, zone_id, role, user_id, schedule, created_at) VALUES (?, ?, ?, ?,"
                + " ?, ?)", rule.id(), rule.zoneId(), rule.role(), rule.userId(), Schedules.toJson(rule.schedule()),
                nowMillis);
    }

    /** Deletes a rule; false when there was none with this id. */
    static boolean deleteRule(Tx tx, String ruleId) {
        return tx.update("DELETE FROM access_rules WHERE id = ?", ruleId) == 1;
    }

    static boolean siteExists(ReadTx tx, String siteId) {
        return tx.queryLong("SELECT COUNT(*) FROM sites WHERE id = ?", siteId) > 0;
    }

    static boolean zoneExists(ReadTx tx, String zoneId) {
        return tx.queryLong("SELECT COUNT(*) FROM zones WHERE id = ?", zoneId) > 0;
    }

    static boolean doorExists(ReadTx tx, String doorId) {
        return tx.queryLong("SELECT COUNT(*) FROM doors WHERE id = ?", doorId) > 0;
    }

    /** What a list of zones is narrowed to; empty means every zone. */
    public record ZoneFilter(Optional<String> siteId) {
    }

    /** What a list of doors is narrowed to; empty means every door. */
    public record DoorFilter(Optional<String> zoneId, Optional<String> siteId) {
    }

    /** What a list of rules is narrowed to: the rules of a door's zone, of a zone, of a user, of a role. */
    public record RuleFilter(Optional<String> doorId, Optional<String> zoneId, Optional<String> userId,
            Optional<String> role) {
    }

    static List<Page.Keyed<Site>> sites(ReadTx tx, Page page) {
        List<Object> args = new ArrayList<>();
        return tx.query("SELECT id, name, time_zone FROM sites" + page.sql("name", false, "id", false, args),
                rs -> new Page.Keyed<>(new Site(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getString(2),
                        rs.getString(1)), args.toArray());
    }

    static List<Page.Keyed<Zone>> zones(ReadTx tx, Page page, ZoneFilter filter) {
        Conditions where = new Conditions().add("site_id = ?", filter.siteId());
        return tx.query("SELECT id, site_id, name FROM zones" + where.sql() + page.sql("name", false, "id",
                where.any(), where.args()), rs -> new Page.Keyed<>(new Zone(rs.getString(1), rs.getString(2),
                rs.getString(3)), rs.getString(3), rs.getString(1)), where.args().toArray());
    }

    static List<Page.Keyed<Door>> doors(ReadTx tx, Page page, DoorFilter filter) {
        Conditions where = new Conditions().add("d.zone_id = ?", filter.zoneId()).add("z.site_id = ?",
                filter.siteId());
        return tx.query(DOORS + where.sql() + page.sql("d.name", false, "d.id", where.any(), where.args()),
                rs -> new Page.Keyed<>(door(rs), rs.getString("name"), rs.getString("id")), where.args().toArray());
    }

    /** Rules by creation time. */
    static List<Page.Keyed<Rule>> rules(ReadTx tx, Page page, RuleFilter filter) {
        Conditions where = new Conditions().add("zone_id = (SELECT zone_id FROM doors WHERE id = ?)",
                filter.doorId()).add("zone_id = ?", filter.zoneId()).add("user_id = ?", filter.userId())
                .add("role = ?", filter.role());
        return tx.query("SELECT id, zone_id, role, user_id, schedule, created_at FROM access_rules" + where.sql()
                + page.sql("created_at", true, "id", where.any(), where.args()), rs -> new Page.Keyed<>(rule(rs),
                rs.getLong("created_at"), rs.getString("id")), where.args().toArray());
    }

    static Optional<Site> site(ReadTx tx, String siteId) {
        return tx.queryOne("SELECT id, name, time_zone FROM sites WHERE id = ?", rs -> new Site(rs.getString(1),
                rs.getString(2), rs.getString(3)), siteId);
    }

    public static Optional<Zone> zone(ReadTx tx, String zoneId) {
        return tx.queryOne("SELECT id, site_id, name FROM zones WHERE id = ?", rs -> new Zone(rs.getString(1),
                rs.getString(2), rs.getString(3)), zoneId);
    }

    static Optional<Rule> rule(ReadTx tx, String ruleId) {
        return tx.queryOne("SELECT id, zone_id, role, user_id, schedule FROM access_rules WHERE id = ?",
                DoorStore::rule, ruleId);
    }

    static void updateSite(Tx tx, Site site) {
        tx.update("UPDATE sites SET name = ?, time_zone = ? WHERE id = ?", site.name(), site.timeZone(), site.id());
    }

    static void updateZone(Tx tx, Zone zone) {
        tx.update("UPDATE zones SET name = ? WHERE id = ?", zone.name(), zone.id());
    }

    static void updateDoor(Tx tx, DoorRow door) {
        tx.update("""
                UPDATE doors SET zone_id = ?, name = ?, proof_lifetime_seconds = ?, allowed_skew_seconds = ?,
                                 require_user_verification = ?, minimum_device_trust = ?, offline_mode = ?,
                                 max_bundle_age_seconds = ?, require_bound_pass = ?, require_uv_when_flagged = ?
                WHERE id = ?""", door.zoneId(), door.name(), door.proofLifetimeSeconds(), door.allowedSkewSeconds(),
                door.requireUserVerification(), door.minimumTrust().code(), door.offlineMode(),
                door.maxBundleAgeSeconds(), door.requireBoundPass(), door.requireUserVerificationWhenFlagged(),
                door.id());
    }

    static void updateRuleSchedule(Tx tx, String ruleId, List<WeeklyWindow> schedule) {
        tx.update("UPDATE access_rules SET schedule = ? WHERE id = ?", Schedules.toJson(schedule), ruleId);
    }

    static boolean deleteSite(Tx tx, String siteId) {
        return tx.update("DELETE FROM sites WHERE id = ?", siteId) == 1;
    }

    static boolean deleteZone(Tx tx, String zoneId) {
        return tx.update("DELETE FROM zones WHERE id = ?", zoneId) == 1;
    }

    static boolean deleteDoor(Tx tx, String doorId) {
        return tx.update("DELETE FROM doors WHERE id = ?", doorId) == 1;
    }

    static long zonesOfSite(ReadTx tx, String siteId) {
        return tx.queryLong("SELECT COUNT(*) FROM zones WHERE site_id = ?", siteId);
    }

    static long doorsOfZone(ReadTx tx, String zoneId) {
        return tx.queryLong("SELECT COUNT(*) FROM doors WHERE zone_id = ?", zoneId);
    }

    static long rulesInZone(ReadTx tx, String zoneId) {
        return tx.queryLong("SELECT COUNT(*) FROM access_rules WHERE zone_id = ?", zoneId);
    }

    /** The door's revision: raised by every change to what decides at it, so that older bundles show as stale. */
    public static long revision(ReadTx tx, String doorId) {
        return tx.queryLong("SELECT revision FROM doors WHERE id = ?", doorId);
    }

    /**
     * Raises the revision of every door some rule names the user at, by id or by one of {@code roles}: for a change
     * to the user that their doors' bundles carry (roles, suspension, devices), so that those bundles show as stale.
     */
    public static void raiseRevisionsForUser(Tx tx, String userId, Collection<String> roles) {
        List<Object> args = new ArrayList<>(List.of(userId));
        args.addAll(roles);
        String byRole = roles.isEmpty() ? "" : " OR role IN (" + String.join(", ", Collections.nCopies(roles.size(),
                "?")) + ")";
        tx.update("UPDATE doors SET revision = revision + 1 WHERE zone_id IN (SELECT zone_id FROM access_rules WHERE"
                + " user_id = ?" + byRole + ")", args.toArray());
    }

    /**
     * Deletes the rules that name the user by id, raising the revision of their zones' doors: for deleting the
     * user, whose row these rules reference. Returns how many there were.
     */
    public static int deleteRulesOfUser(Tx tx, String userId) {
        tx.update("UPDATE doors SET revision = revision + 1 WHERE zone_id IN (SELECT zone_id FROM access_rules WHERE"
                + " user_id = ?)", userId);
        return tx.update("DELETE FROM access_rules WHERE user_id = ?", userId);
    }

    static void raiseRevisionOfDoor(Tx tx, String doorId) {
        tx.update("UPDATE doors SET revision = revision + 1 WHERE id = ?", doorId);
    }

    static void raiseRevisionsOfZone(Tx tx, String zoneId) {
        tx.update("UPDATE doors SET revision = revision + 1 WHERE zone_id = ?", zoneId);
    }

    static void raiseRevisionsOfSite(Tx tx, String siteId) {
        tx.update("UPDATE doors SET revision = revision + 1 WHERE zone_id IN (SELECT id FROM zones WHERE site_id = ?)",
                siteId);
    }

    public static Optional<Door> door(ReadTx tx, String doorId) {
        return tx.queryOne(DOORS + " WHERE d.id = ?", DoorStore::door, doorId);
    }

    /** The access rules of a zone, as the verifier reads them. */
    public static List<AccessRule> rulesOfZone(ReadTx tx, String zoneId) {
        return tx.query("SELECT role, user_id, schedule FROM access_rules WHERE zone_id = ?",
                rs -> rule(zoneId, rs.getString("role"), rs.getString("user_id"), rs.getString("schedule")), zoneId);
    }

    /** The users some rule of the zone names, by user id or by one of their roles. */
    public static DeviceStore.UserIds usersNamedIn(String zoneId) {
        return new DeviceStore.UserIds("""
                SELECT ur.user_id FROM user_roles ur JOIN access_rules a ON a.role = ur.role WHERE a.zone_id = ?
                UNION SELECT a.user_id FROM access_rules a WHERE a.zone_id = ? AND a.user_id IS NOT NULL""",
                List.of(zoneId, zoneId));
    }

    /** A reader's credential as a decision reads it, with its door and the zone's rules (empty: no such door). */
    record ReaderAtDoor(ReaderStore.StoredCredential reader, Optional<Door.WithRules> door) {
    }

    /**
     * The reader {@code readerId}, its door and the zone's rules, as one statement of a batch: the reader's row is
     * read once, and the door is the one that row names in the same snapshot. Empty when there is no such reader.
     */
    static Tx.Result<Optional<ReaderAtDoor>> readerAtDoor(Tx.Batch batch, String readerId) {
        record Row(ReaderStore.StoredCredential reader, Optional<Door> door, Optional<AccessRule> rule) {
        }
        return batch.query(READER_AT_DOOR, rs -> {
            ReaderStore.StoredCredential reader = ReaderStore.credential(rs);
            if (rs.getString("id") == null) {
                return new Row(reader, Optional.empty(), Optional.empty());
            }
            Door door = door(rs);
            String role = rs.getString("rule_role");
            String user = rs.getString("rule_user");
            return new Row(reader, Optional.of(door), role == null && user == null ? Optional.empty()
                    : Optional.of(rule(door.zoneId(), role, user, rs.getString("rule_schedule"))));
        }, readerId).map(rows -> rows.isEmpty() ? Optional.empty() : Optional.of(new ReaderAtDoor(
                rows.get(0).reader(), rows.get(0).door().map(door -> new Door.WithRules(door,
                        rows.stream().flatMap(row -> row.rule().stream()).toList())))));
    }

    /** Whether the proof with this nonce was presented before, as one statement of a batch. */
    static Tx.Result<Boolean> presentedBefore(Tx.Batch batch, CredentialId credential, long nonce) {
        return batch.query("SELECT 1 FROM access_replay WHERE credential_id = ? AND nonce = ?", rs -> true,
                credential.toString(), nonce).map(rows -> !rows.isEmpty());
    }

    /**
     * Records a proof's single use, as one statement of a batch; its count is 0 when a concurrent decision recorded
     * it first (on PostgreSQL the insert waits for that decision's commit, so 0 means it committed).
     */
    static Tx.Result<Integer> recordUse(Tx.Batch batch, CredentialId credential, long nonce, long expiresAt) {
        return batch.update("INSERT INTO access_replay (credential_id, nonce, expires_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (credential_id, nonce) DO NOTHING", credential.toString(), nonce, expiresAt);
    }

    static int pruneUses(Tx tx, long expiredBefore) {
        return tx.update("DELETE FROM access_replay WHERE expires_at < ?", expiredBefore);
    }

    private static Rule rule(ResultSet rs) throws SQLException {
        return new Rule(rs.getString("id"), rs.getString("zone_id"), rs.getString("role"), rs.getString("user_id"),
                Schedules.fromStored(rs.getString("schedule")));
    }

    private static AccessRule rule(String zoneId, String role, String userId, String schedule) {
        List<WeeklyWindow> windows = Schedules.fromStored(schedule);
        if (role != null) {
            return AccessRule.forRole(zoneId, role, windows);
        }
        if (userId != null) {
            return AccessRule.forUser(zoneId, userId, windows);
        }
        throw GatehouseException.corrupt("an access rule of zone " + zoneId + " names neither a role nor a user",
                null);
    }

    private static Door door(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        ZoneId timeZone;
        DeviceTrust trust;
        try {
            timeZone = ZoneId.of(rs.getString("time_zone"));
            trust = DeviceTrust.parse(rs.getString("minimum_device_trust"));
        } catch (DateTimeException | IllegalArgumentException | NullPointerException e) {
            throw GatehouseException.corrupt("the settings of door " + id, e);
        }
        String offlineMode = rs.getString("offline_mode");
        if (!"fail_secure".equals(offlineMode) && !"fail_open".equals(offlineMode)) {
            throw GatehouseException.corrupt("offline mode '" + offlineMode + "' of door " + id, null);
        }
        return new Door(id, rs.getString("zone_id"), rs.getString("site_id"), rs.getString("name"), timeZone,
                rs.getInt("proof_lifetime_seconds"), rs.getInt("allowed_skew_seconds"),
                rs.getBoolean("require_user_verification"), trust, offlineMode, rs.getInt("max_bundle_age_seconds"),
                rs.getBoolean("require_bound_pass"), rs.getBoolean("require_uv_when_flagged"));
    }
}
