package io.gatehouse.server.access;

import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.server.db.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
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

    public static Optional<Door> find(Tx tx, String doorId) {
        return tx.queryOne(SELECT + " WHERE d.id = ?", Door::from, doorId);
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
