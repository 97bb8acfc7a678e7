package io.gatehouse.server.access;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.WeeklyWindow;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.Tx;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.user.Roles;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sites, zones, doors and access rules: the physical side's configuration. Every change is audited. */
public final class SiteAdmin {
    /** Upper bounds keep a proof's replay record short-lived (see {@link ScanService#pruneReplayRecords}). */
    public static final int MAX_PROOF_LIFETIME_SECONDS = 600;
    public static final int MAX_SKEW_SECONDS = 120;

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public SiteAdmin(Database database, AuditLog audit, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    public Map<String, Object> createSite(JsonBody body, Principal by, ClientInfo client) {
        String name = name(body);
        String zoneText = body.requiredString("timeZone");
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneText);
        } catch (DateTimeException e) {
            throw GatehouseException.invalid("invalid_field", "field 'timeZone' must be an IANA time zone such as"
                    + " 'Europe/Berlin', got '" + zoneText + "'");
        }
        String id = Ids.newId(random, "site");
        database.inTransaction(tx -> {
            tx.update("INSERT INTO sites (id, name, time_zone, created_at) VALUES (?, ?, ?, ?)", id, name,
                    zone.getId(), clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "site.create", client).subject("site:" + id)
                    .detail("name", name).detail("timeZone", zone.getId()).success());
            return null;
        });
        return Map.of("id", id, "name", name, "timeZone", zone.getId());
    }

    public Map<String, Object> createZone(JsonBody body, Principal by, ClientInfo client) {
        String siteId = body.requiredString("siteId");
        String name = name(body);
        String id = Ids.newId(random, "zone");
        database.inTransaction(tx -> {
            requireRow(tx, "sites", siteId, "site_not_found", "site");
            tx.update("INSERT INTO zones (id, site_id, name, created_at) VALUES (?, ?, ?, ?)", id, siteId, name,
                    clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "zone.create", client).subject("zone:" + id)
                    .detail("site", siteId).detail("name", name).success());
            return null;
        });
        return Map.of("id", id, "siteId", siteId, "name", name);
    }

    public Map<String, Object> createDoor(JsonBody body, Principal by, ClientInfo client) {
        String zoneId = body.requiredString("zoneId");
        String name = name(body);
        int lifetime = range(body, "proofLifetimeSeconds", 30, 5, MAX_PROOF_LIFETIME_SECONDS);
        int skew = range(body, "allowedSkewSeconds", 5, 0, MAX_SKEW_SECONDS);
        boolean uv = body.optionalBoolean("requireUserVerification").orElse(false);
        DeviceTrust trust;
        String trustText = body.optionalString("minimumDeviceTrust").orElse("software");
        try {
            trust = DeviceTrust.parse(trustText);
        } catch (IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_field", "field 'minimumDeviceTrust' must be software, hardware"
                    + " or hardware+biometric, got '" + trustText + "'");
        }
        String offline = body.optionalString("offlineMode").orElse("fail_secure");
        if (!offline.equals("fail_secure") && !offline.equals("fail_open")) {
            throw GatehouseException.invalid("invalid_field", "field 'offlineMode' must be fail_secure or fail_open,"
                    + " got '" + offline + "'");
        }
        int maxAge = range(body, "maxBundleAgeSeconds", 86_400, 5, 30 * 86_400);
        String id = Ids.newId(random, "door");
        return database.inTransaction(tx -> {
            requireRow(tx, "zones", zoneId, "zone_not_found", "zone");
            tx.update("""
                    INSERT INTO doors (id, zone_id, name, proof_lifetime_seconds, allowed_skew_seconds,
                                       require_user_verification, minimum_device_trust, offline_mode,
                                       max_bundle_age_seconds, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", id, zoneId, name, lifetime, skew, uv, trust.code(),
                    offline, maxAge, clock.millis());
            Door door = Door.find(tx, id).orElseThrow();
            AuditEvent.Builder event = AuditEvent.of(by.actor(), "door.create", client).subject("door:" + id);
            door.toJson().forEach(event::detail);
            audit.append(tx, event.success());
            return door.toJson();
        });
    }

    public Map<String, Object> createRule(JsonBody body, Principal by, ClientInfo client) {
        String zoneId = body.requiredString("zoneId");
        Optional<String> role = body.optionalString("role");
        Optional<String> userId = body.optionalString("userId");
        if (role.isPresent() == userId.isPresent()) {
            throw GatehouseException.invalid("invalid_field", "an access rule names exactly one of 'role' and"
                    + " 'userId', got " + (role.isPresent() ? "both" : "neither"));
        }
        role.ifPresent(Roles::validate);
        List<WeeklyWindow> schedule = Schedules.parse(body.node("schedule").orElse(null));
        String id = Ids.newId(random, "rule");
        return database.inTransaction(tx -> {
            requireRow(tx, "zones", zoneId, "zone_not_found", "zone");
            userId.ifPresent(user -> requireRow(tx, "users", user, "user_not_found", "user"));
            tx.update("INSERT INTO access_rules (id, zone_id, role, user_id, schedule, created_at) VALUES (?, ?, ?, ?,"
                    + " ?, ?)", id, zoneId, role.orElse(null), userId.orElse(null), Schedules.toJson(schedule),
                    clock.millis());
            Map<String, Object> json = ruleJson(id, zoneId, role.orElse(null), userId.orElse(null), schedule);
            AuditEvent.Builder event = AuditEvent.of(by.actor(), "access_rule.create", client).subject("rule:" + id)
                    .user(userId.orElse(null));
            json.forEach(event::detail);
            audit.append(tx, event.success());
            return json;
        });
    }

    /** Removes a rule; the next scan no longer sees it. */
    public void deleteRule(String ruleId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            if (tx.update("DELETE FROM access_rules WHERE id = ?", ruleId) == 0) {
                throw GatehouseException.notFound("rule_not_found", "no access rule with id '" + ruleId + "'");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "access_rule.delete", client).subject("rule:" + ruleId)
                    .success());
            return null;
        });
    }

    /** One page of sites, zones or doors by name, or of rules by creation time. */
    public Page.Slice<Map<String, Object>> list(String what, Page page) {
        List<Object> args = new ArrayList<>();
        return page.slice(database.read(tx -> switch (what) {
            case "sites" -> tx.query("SELECT id, name, time_zone FROM sites" + page.sql("name", false, "id", false,
                    args), rs -> new Page.Keyed<>(Map.<String, Object>of("id", rs.getString(1), "name",
                    rs.getString(2), "timeZone", rs.getString(3)), rs.getString(2), rs.getString(1)), args.toArray());
            case "zones" -> tx.query("SELECT id, site_id, name FROM zones" + page.sql("name", false, "id", false,
                    args), rs -> new Page.Keyed<>(Map.<String, Object>of("id", rs.getString(1), "siteId",
                    rs.getString(2), "name", rs.getString(3)), rs.getString(3), rs.getString(1)), args.toArray());
            case "doors" -> tx.query(Door.SELECT + page.sql("d.name", false, "d.id", false, args),
                    rs -> new Page.Keyed<>(Door.from(rs).toJson(), rs.getString("name"), rs.getString("id")),
                    args.toArray());
            case "rules" -> tx.query("SELECT * FROM access_rules" + page.sql("created_at", true, "id", false, args),
                    rs -> new Page.Keyed<>(ruleJson(rs.getString("id"), rs.getString("zone_id"), rs.getString("role"),
                            rs.getString("user_id"), Schedules.fromStored(rs.getString("schedule"))),
                            rs.getLong("created_at"), rs.getString("id")), args.toArray());
            default -> throw new IllegalArgumentException(what);
        }));
    }

    private static Map<String, Object> ruleJson(String id, String zoneId, String role, String userId,
            List<WeeklyWindow> schedule) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("zoneId", zoneId);
        json.put("role", role);
        json.put("userId", userId);
        json.put("schedule", schedule.isEmpty() ? null : Schedules.toView(schedule));
        return json;
    }

    static void requireRow(Tx tx, String table, String id, String code, String what) {
        if (tx.queryLong("SELECT COUNT(*) FROM " + table + " WHERE id = ?", id) == 0) {
            throw GatehouseException.notFound(code, "no " + what + " with id '" + id + "'");
        }
    }

    private static String name(JsonBody body) {
        String name = body.requiredString("name");
        if (name.isBlank() || name.length() > 100) {
            throw GatehouseException.invalid("invalid_field", "field 'name' must be 1 to 100 characters, got "
                    + name.length());
        }
        return name;
    }

    private static int range(JsonBody body, String field, int fallback, int min, int max) {
        int value = body.optionalInt(field).orElse(fallback);
        if (value < min || value > max) {
            throw GatehouseException.invalid("invalid_field", "field '" + field + "' must be " + min + " to " + max
                    + ", got " + value);
        }
        return value;
    }

}
