package io.gatehouse.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.WeeklyWindow;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Ids;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.user.Roles;
import io.gatehouse.server.user.UserService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;

/** Sites, zones, doors and access rules: the physical side's configuration. Every change is audited. */
public final class SiteAdmin {
    /** Upper bounds keep a proof's replay record short-lived (see {@link ScanService#pruneReplayRecords}). */
    public static final int MAX_PROOF_LIFETIME_SECONDS = 600;
    public static final int MAX_SKEW_SECONDS = 120;
    static final int MAX_BUNDLE_AGE_SECONDS = 30 * 86_400;

    private final Database database;
    private final AuditLog audit;
    private final UserService users;
    private final Clock clock;
    private final SecureRandom random;

    public SiteAdmin(Database database, AuditLog audit, UserService users, Clock clock, SecureRandom random) {
        this.database = database;
        this.audit = audit;
        this.users = users;
        this.clock = clock;
        this.random = random;
    }

    /** What an admin posts to create a site. */
    public record NewSite(String name, String timeZone) {
        public NewSite {
            checkName(name);
            Fields.required("timeZone", timeZone, "a string");
        }
    }

    /** What an admin posts to create a zone. */
    public record NewZone(String siteId, String name) {
        public NewZone {
            Fields.required("siteId", siteId, "a string");
            checkName(name);
        }
    }

    /** What an admin posts to create a door; every setting but the zone and the name has a default. */
    public record NewDoor(String zoneId, String name, Integer proofLifetimeSeconds, Integer allowedSkewSeconds,
            Boolean requireUserVerification, String minimumDeviceTrust, String offlineMode,
            Integer maxBundleAgeSeconds, Boolean requireBoundPass, Boolean requireUserVerificationWhenFlagged) {
        public NewDoor {
            Fields.required("zoneId", zoneId, "a string");
            checkName(name);
            proofLifetimeSeconds = range("proofLifetimeSeconds", proofLifetimeSeconds, 30, 5,
                    MAX_PROOF_LIFETIME_SECONDS);
            allowedSkewSeconds = range("allowedSkewSeconds", allowedSkewSeconds, 5, 0, MAX_SKEW_SECONDS);
            requireUserVerification = requireUserVerification != null && requireUserVerification;
            minimumDeviceTrust = minimumDeviceTrust == null ? DeviceTrust.SOFTWARE.code() : minimumDeviceTrust;
            trust(minimumDeviceTrust);
            offlineMode = checkOfflineMode(offlineMode == null ? "fail_secure" : offlineMode);
            maxBundleAgeSeconds = range("maxBundleAgeSeconds", maxBundleAgeSeconds, 86_400, 5, MAX_BUNDLE_AGE_SECONDS);
            requireBoundPass = requireBoundPass != null && requireBoundPass;
            requireUserVerificationWhenFlagged = requireUserVerificationWhenFlagged != null
                    && requireUserVerificationWhenFlagged;
        }
    }

    static DeviceTrust trust(String text) {
        try {
            return DeviceTrust.parse(text);
        } catch (IllegalArgumentException e) {
            throw GatehouseException.invalid("invalid_field", "field 'minimumDeviceTrust' must be software,"
                    + " hardware or hardware+biometric, got '" + text + "'");
        }
    }

    static String checkOfflineMode(String text) {
        if (!text.equals("fail_secure") && !text.equals("fail_open")) {
            throw GatehouseException.invalid("invalid_field", "field 'offlineMode' must be fail_secure or"
                    + " fail_open, got '" + text + "'");
        }
        return text;
    }

    /**
     * What an admin posts to create an access rule: exactly one of {@code role} and {@code userId}.
     *
     * @param schedule the weekly windows as {@link Schedules} reads them; absent or null means always
     */
    public record NewRule(String zoneId, String role, String userId, JsonNode schedule) {
        public NewRule {
            Fields.required("zoneId", zoneId, "a string");
            if ((role != null) == (userId != null)) {
                throw GatehouseException.invalid("invalid_field", "an access rule names exactly one of 'role' and"
                        + " 'userId', got " + (role != null ? "both" : "neither"));
            }
            if (role != null) {
                Roles.validate(role);
            }
        }
    }

    /** An access rule as the API shows it; {@code schedule} is null for "always". */
    public record RuleView(String id, String zoneId, String role, String userId, List<Schedules.Window> schedule) {
        static RuleView of(DoorStore.Rule rule) {
            return new RuleView(rule.id(), rule.zoneId(), rule.role(), rule.userId(),
                    rule.schedule().isEmpty() ? null : Schedules.toView(rule.schedule()));
        }
    }

    public DoorStore.Site createSite(NewSite request, Principal by, ClientInfo client) {
        DoorStore.Site site = new DoorStore.Site(Ids.newId(random, "site"), request.name(),
                timeZone(request.timeZone()));
        database.inTransaction(tx -> {
            DoorStore.insertSite(tx, site, clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "site.create", client).subject("site:" + site.id())
                    .detail("name", site.name()).detail("timeZone", site.timeZone()).success());
            return null;
        });
        return site;
    }

    public DoorStore.Zone createZone(NewZone request, Principal by, ClientInfo client) {
        DoorStore.Zone zone = new DoorStore.Zone(Ids.newId(random, "zone"), request.siteId(), request.name());
        database.inTransaction(tx -> {
            if (!DoorStore.siteExists(tx, zone.siteId())) {
                throw notFound("site_not_found", "site", zone.siteId());
            }
            DoorStore.insertZone(tx, zone, clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "zone.create", client).subject("zone:" + zone.id())
                    .detail("site", zone.siteId()).detail("name", zone.name()).success());
            return null;
        });
        return zone;
    }

    public Door.View createDoor(NewDoor request, Principal by, ClientInfo client) {
        DoorStore.DoorRow door = new DoorStore.DoorRow(Ids.newId(random, "door"), request.zoneId(), request.name(),
                request.proofLifetimeSeconds(), request.allowedSkewSeconds(), request.requireUserVerification(),
                DeviceTrust.parse(request.minimumDeviceTrust()), request.offlineMode(),
                request.maxBundleAgeSeconds(), request.requireBoundPass(), request.requireUserVerificationWhenFlagged());
        return database.inTransaction(tx -> {
            requireZone(tx, door.zoneId());
            DoorStore.insertDoor(tx, door, clock.millis());
            Door.View view = DoorStore.door(tx, door.id()).orElseThrow().view();
            audit.append(tx, AuditEvent.of(by.actor(), "door.create", client).subject("door:" + view.id())
                    .detail("id", view.id()).detail("zoneId", view.zoneId()).detail("siteId", view.siteId())
                    .detail("name", view.name()).detail("proofLifetimeSeconds", view.proofLifetimeSeconds())
                    .detail("allowedSkewSeconds", view.allowedSkewSeconds())
                    .detail("requireUserVerification", view.requireUserVerification())
                    .detail("minimumDeviceTrust", view.minimumDeviceTrust()).detail("offlineMode", view.offlineMode())
                    .detail("maxBundleAgeSeconds", view.maxBundleAgeSeconds())
                    .detail("requireBoundPass", view.requireBoundPass())
                    .detail("requireUserVerificationWhenFlagged", view.requireUserVerificationWhenFlagged()).success());
            return view;
        });
    }

    public RuleView createRule(NewRule request, Principal by, ClientInfo client) {
        List<WeeklyWindow> schedule = Schedules.parse(request.schedule());
        DoorStore.Rule rule = new DoorStore.Rule(Ids.newId(random, "rule"), request.zoneId(), request.role(),
                request.userId(), schedule);
        return database.inTransaction(tx -> {
            requireZone(tx, rule.zoneId());
            if (rule.userId() != null) {
                users.require(tx, rule.userId());
            }
            DoorStore.insertRule(tx, rule, clock.millis());
            DoorStore.raiseRevisionsOfZone(tx, rule.zoneId());
            RuleView view = RuleView.of(rule);
            audit.append(tx, AuditEvent.of(by.actor(), "access_rule.create", client).subject("rule:" + rule.id())
                    .user(rule.userId()).detail("id", view.id()).detail("zoneId", view.zoneId())
                    .detail("role", view.role()).detail("userId", view.userId()).detail("schedule", view.schedule())
                    .success());
            return view;
        });
    }

    /** Removes a rule; the next scan no longer sees it, and the next bundle of its zone's readers neither. */
    public void deleteRule(String ruleId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            DoorStore.Rule rule = DoorStore.rule(tx, ruleId).orElseThrow(() -> GatehouseException.notFound(
                    "rule_not_found", "no access rule with id '" + ruleId + "'"));
            DoorStore.deleteRule(tx, ruleId);
            DoorStore.raiseRevisionsOfZone(tx, rule.zoneId());
            RuleView view = RuleView.of(rule);
            audit.append(tx, AuditEvent.of(by.actor(), "access_rule.delete", client).subject("rule:" + ruleId)
                    .user(rule.userId()).detail("zoneId", view.zoneId()).detail("role", view.role())
                    .detail("schedule", view.schedule()).success());
            return null;
        });
    }

    /** One page of sites by name. */
    public Page.Slice<DoorStore.Site> sites(Page page) {
        return page.slice(database.read(tx -> DoorStore.sites(tx, page)));
    }

    /** One page of zones by name. */
    public Page.Slice<DoorStore.Zone> zones(Page page, DoorStore.ZoneFilter filter) {
        return page.slice(database.read(tx -> DoorStore.zones(tx, page, filter)));
    }

    /** One page of doors by name. */
    public Page.Slice<Door.View> doors(Page page, DoorStore.DoorFilter filter) {
        Page.Slice<Door> doors = page.slice(database.read(tx -> DoorStore.doors(tx, page, filter)));
        return new Page.Slice<>(doors.items().stream().map(Door::view).toList(), doors.next());
    }

    /** One page of access rules by creation time. */
    public Page.Slice<RuleView> rules(Page page, DoorStore.RuleFilter filter) {
        Page.Slice<DoorStore.Rule> rules = page.slice(database.read(tx -> DoorStore.rules(tx, page, filter)));
        return new Page.Slice<>(rules.items().stream().map(RuleView::of).toList(), rules.next());
    }

    static void requireZone(ReadTx tx, String zoneId) {
        if (!DoorStore.zoneExists(tx, zoneId)) {
            throw notFound("zone_not_found", "zone", zoneId);
        }
    }

    static GatehouseException notFound(String code, String what, String id) {
        return GatehouseException.notFound(code, "no " + what + " with id '" + id + "'");
    }

    /** The IANA time zone id {@code text} names, as {@link ZoneId} writes it. */
    static String timeZone(String text) {
        try {
            return ZoneId.of(text).getId();
        } catch (DateTimeException e) {
            throw GatehouseException.invalid("invalid_field", "field 'timeZone' must be an IANA time zone such as"
                    + " 'Europe/Berlin', got '" + text + "'");
        }
    }

    static void checkName(String name) {
        Fields.required("name", name, "a string");
        if (name.isBlank() || name.length() > 100) {
            throw GatehouseException.invalid("invalid_field", "field 'name' must be 1 to 100 characters, got "
                    + name.length());
        }
    }

    static Integer range(String field, Integer value, int fallback, int min, int max) {
        int checked = value == null ? fallback : value;
        if (checked < min || checked > max) {
            throw GatehouseException.invalid("invalid_field", "field '" + field + "' must be " + min + " to " + max
                    + ", got " + checked);
        }
        return checked;
    }
}
