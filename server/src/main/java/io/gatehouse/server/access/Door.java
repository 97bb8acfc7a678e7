package io.gatehouse.server.access;

import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.WeeklyWindow;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A door as stored, with its zone's site time zone: everything a decision at it needs. */
public record Door(String id, String zoneId, String siteId, String name, ZoneId timeZone, int proofLifetimeSeconds,
        int allowedSkewSeconds, boolean requireUserVerification, DeviceTrust minimumTrust, String offlineMode,
        int maxBundleAgeSeconds) {

    static final String SELECT = """
            SELECT d.*, z.site_id, s.time_zone FROM doors d JOIN zones z ON z.id = d.zone_id
            JOIN sites s ON s.id = z.site_id""";

    static Door from(ResultSet rs) throws SQLException {
        return new Door(rs.getString("id"), rs.getString("zone_id"), rs.getString("site_id"), rs.getString("name"),
                ZoneId.of(rs.getString("time_zone")), rs.getInt("proof_lifetime_seconds"),
                rs.getInt("allowed_skew_seconds"), rs.getBoolean("require_user_verification"),
                DeviceTrust.parse(rs.getString("minimum_device_trust")), rs.getString("offline_mode"),
                rs.getInt("max_bundle_age_seconds"));
    }

    public static Optional<Door> find(ReadTx tx, String doorId) {
        return tx.queryOne(SELECT + " WHERE d.id = ?", Door::from, doorId);
    }

    /** A door with the access rules of its zone. */
    record WithRules(Door door, List<AccessRule> rules) {
    }

    /** One row per rule of the door's zone, or a single row with null rule columns when the zone has none. */
    private static final String WITH_RULES = """
            SELECT d.*, z.site_id, s.time_zone, r.role AS rule_role, r.user_id AS rule_user,
                   r.schedule AS rule_schedule
            FROM doors d JOIN zones z ON z.id = d.zone_id JOIN sites s ON s.id = z.site_id
            LEFT JOIN access_rules r ON r.zone_id = d.zone_id WHERE d.id = ?""";

    private record RuleRow(Door door, Optional<AccessRule> rule) {
    }

    /** Reads a door and its zone's rules in one statement. */
    static Optional<WithRules> findWithRules(Tx tx, String doorId) {
        List<RuleRow> rows = tx.query(WITH_RULES, rs -> {
            Door door = from(rs);
            String role = rs.getString("rule_role");
            String user = rs.getString("rule_user");
            List<WeeklyWindow> schedule = Schedules.fromStored(rs.getString("rule_schedule"));
            return new RuleRow(door, role != null ? Optional.of(AccessRule.forRole(door.zoneId, role, schedule))
                    : user != null ? Optional.of(AccessRule.forUser(door.zoneId, user, schedule)) : Optional.empty());
        }, doorId);
        return rows.isEmpty() ? Optional.empty() : Optional.of(new WithRules(rows.get(0).door(),
                rows.stream().flatMap(row -> row.rule().stream()).toList()));
    }

    public DoorSettings settings() {
        return new DoorSettings(id, zoneId, timeZone, proofLifetimeSeconds, allowedSkewSeconds,
                requireUserVerification, minimumTrust);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("zoneId", zoneId);
        json.put("siteId", siteId);
        json.put("name", name);
        json.put("proofLifetimeSeconds", proofLifetimeSeconds);
        json.put("allowedSkewSeconds", allowedSkewSeconds);
        json.put("requireUserVerification", requireUserVerification);
        json.put("minimumDeviceTrust", minimumTrust.code());
        json.put("offlineMode", offlineMode);
        json.put("maxBundleAgeSeconds", maxBundleAgeSeconds);
        return json;
    }
}
