package io.gatehouse.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.WeeklyWindow;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.db.ReadTx;
import io.gatehouse.server.db.Tx;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reading one site, zone, door or access rule, changing it in part, and deleting it. A change is audited with the old
 * and the new value of each field it changed; one that changes how a door decides raises the door's revision, so
 * that a reader still holding a bundle built before it shows as {@code stale_bundle} until its next fetch (every
 * fetch builds a new bundle from the current configuration). Nothing is deleted while something depends on it: a
 * site with zones, a zone with doors or rules, a door with readers answer 409 {@code in_use} with the count of each.
 */
public final class SiteEdits {
    private final Database database;
    private final AuditLog audit;

    public SiteEdits(Database database, AuditLog audit) {
        this.database = database;
        this.audit = audit;
    }

    /** What a change to a site may hold; an absent field stays as it is. */
    public record SitePatch(String name, String timeZone) {
        public SitePatch {
            if (name != null) {
                SiteAdmin.checkName(name);
            }
        }
    }

    /** What a change to a zone may hold. */
    public record ZonePatch(String name) {
        public ZonePatch {
            if (name != null) {
                SiteAdmin.checkName(name);
            }
        }
    }

    /** What a change to a door may hold: its zone (a move to another zone, even of another site), name, settings. */
    public record DoorPatch(String zoneId, String name, Integer proofLifetimeSeconds, Integer allowedSkewSeconds,
            Boolean requireUserVerification, String minimumDeviceTrust, String offlineMode,
            Integer maxBundleAgeSeconds, Boolean requireBoundPass, Boolean requireUserVerificationWhenFlagged) {
        public DoorPatch {
            if (name != null) {
                SiteAdmin.checkName(name);
            }
            if (proofLifetimeSeconds != null) {
                SiteAdmin.range("proofLifetimeSeconds", proofLifetimeSeconds, 0, 5,
                        SiteAdmin.MAX_PROOF_LIFETIME_SECONDS);
            }
            if (allowedSkewSeconds != null) {
                SiteAdmin.range("allowedSkewSeconds", allowedSkewSeconds, 0, 0, SiteAdmin.MAX_SKEW_SECONDS);
            }
            if (minimumDeviceTrust != null) {
                SiteAdmin.trust(minimumDeviceTrust);
            }
            if (offlineMode != null) {
                SiteAdmin.checkOfflineMode(offlineMode);
            }
            if (maxBundleAgeSeconds != null) {
                SiteAdmin.range("maxBundleAgeSeconds", maxBundleAgeSeconds, 0, 5, SiteAdmin.MAX_BUNDLE_AGE_SECONDS);
            }
        }
    }

    /**
     * What a change to an access rule may hold: its schedule, where null means always. Whom and where a rule grants
     * is what the rule is; to change that, delete it and create another.
     */
    public record RulePatch(JsonNode schedule) {
    }

    /** One changed field: its value before and after. */
    public record Change(Object from, Object to) {
    }

    public DoorStore.Site site(String siteId) {
        return database.read(tx -> requireSite(tx, siteId));
    }

    public DoorStore.Zone zone(String zoneId) {
        return database.read(tx -> requireZone(tx, zoneId));
    }

    public Door.View door(String doorId) {
        return database.read(tx -> requireDoor(tx, doorId)).view();
    }

    public SiteAdmin.RuleView rule(String ruleId) {
        return SiteAdmin.RuleView.of(database.read(tx -> requireRule(tx, ruleId)));
    }

    /** Renames a site or changes its time zone; the latter changes when every schedule of its zones applies. */
    public DoorStore.Site updateSite(String siteId, SitePatch patch, Principal by, ClientInfo client) {
        String timeZone = patch.timeZone() == null ? null : SiteAdmin.timeZone(patch.timeZone());
        return database.inTransaction(tx -> {
            DoorStore.Site before = requireSite(tx, siteId);
            DoorStore.Site after = new DoorStore.Site(siteId, Objects.requireNonNullElse(patch.name(), before.name()),
                    Objects.requireNonNullElse(timeZone, before.timeZone()));
            Map<String, Change> changes = new LinkedHashMap<>();
            compare(changes, "name", before.name(), after.name());
            compare(changes, "timeZone", before.timeZone(), after.timeZone());
            if (!changes.isEmpty()) {
                DoorStore.updateSite(tx, after);
                if (changes.containsKey("timeZone")) {
                    DoorStore.raiseRevisionsOfSite(tx, siteId);
                }
                audited(tx, by, client, "site.update", "site:" + siteId, changes);
            }
            return after;
        });
    }

    public DoorStore.Zone updateZone(String zoneId, ZonePatch patch, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            DoorStore.Zone before = requireZone(tx, zoneId);
            DoorStore.Zone after = new DoorStore.Zone(zoneId, before.siteId(),
                    Objects.requireNonNullElse(patch.name(), before.name()));
            Map<String, Change> changes = new LinkedHashMap<>();
            compare(changes, "name", before.name(), after.name());
            if (!changes.isEmpty()) {
                DoorStore.updateZone(tx, after);
                audited(tx, by, client, "zone.update", "zone:" + zoneId, changes);
            }
            return after;
        });
    }

    public Door.View updateDoor(String doorId, DoorPatch patch, Principal by, ClientInfo client) {
        return database.inTransaction(tx -> {
            Door.View before = requireDoor(tx, doorId).view();
            String siteId = patch.zoneId() == null ? before.siteId() : requireZone(tx, patch.zoneId()).siteId();
            Door.View after = new Door.View(doorId, Objects.requireNonNullElse(patch.zoneId(), before.zoneId()),
                    siteId, Objects.requireNonNullElse(patch.name(), before.name()),
                    Objects.requireNonNullElse(patch.proofLifetimeSeconds(), before.proofLifetimeSeconds()),
                    Objects.requireNonNullElse(patch.allowedSkewSeconds(), before.allowedSkewSeconds()),
                    Objects.requireNonNullElse(patch.requireUserVerification(), before.requireUserVerification()),
                    patch.minimumDeviceTrust() == null ? before.minimumDeviceTrust()
                            : SiteAdmin.trust(patch.minimumDeviceTrust()).code(),
                    Objects.requireNonNullElse(patch.offlineMode(), before.offlineMode()),
                    Objects.requireNonNullElse(patch.maxBundleAgeSeconds(), before.maxBundleAgeSeconds()),
                    Objects.requireNonNullElse(patch.requireBoundPass(), before.requireBoundPass()),
                    Objects.requireNonNullElse(patch.requireUserVerificationWhenFlagged(),
                            before.requireUserVerificationWhenFlagged()));
            Map<String, Change> changes = changes(before, after);
            if (!changes.isEmpty()) {
                DoorStore.updateDoor(tx, new DoorStore.DoorRow(doorId, after.zoneId(), after.name(),
                        after.proofLifetimeSeconds(), after.allowedSkewSeconds(), after.requireUserVerification(),
                        SiteAdmin.trust(after.minimumDeviceTrust()), after.offlineMode(),
                        after.maxBundleAgeSeconds(), after.requireBoundPass(),
                        after.requireUserVerificationWhenFlagged()));
                if (!changes.keySet().equals(Set.of("name"))) {
                    DoorStore.raiseRevisionOfDoor(tx, doorId);
                }
                audited(tx, by, client, "door.update", "door:" + doorId, changes);
            }
            return after;
        });
    }

    /** Changes a rule's schedule; the next scan applies it, and the next bundle of its zone's readers carries it. */
    public SiteAdmin.RuleView updateRule(String ruleId, RulePatch patch, Principal by, ClientInfo client) {
        List<WeeklyWindow> schedule = patch.schedule() == null ? null : Schedules.parse(patch.schedule());
        return database.inTransaction(tx -> {
            DoorStore.Rule before = requireRule(tx, ruleId);
            DoorStore.Rule after = schedule == null ? before : new DoorStore.Rule(ruleId, before.zoneId(),
                    before.role(), before.userId(), schedule);
            Map<String, Change> changes = new LinkedHashMap<>();
            compare(changes, "schedule", SiteAdmin.RuleView.of(before).schedule(),
                    SiteAdmin.RuleView.of(after).schedule());
            if (!changes.isEmpty()) {
                DoorStore.updateRuleSchedule(tx, ruleId, after.schedule());
                DoorStore.raiseRevisionsOfZone(tx, before.zoneId());
                audit.append(tx, AuditEvent.of(by.actor(), "access_rule.update", client).subject("rule:" + ruleId)
                        .user(before.userId()).detail("changes", changes).success());
            }
            return SiteAdmin.RuleView.of(after);
        });
    }

    /** Deletes a site without zones. */
    public void deleteSite(String siteId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            DoorStore.Site site = requireSite(tx, siteId);
            refuseInUse("site", siteId, Map.of("zones", DoorStore.zonesOfSite(tx, siteId)));
            DoorStore.deleteSite(tx, siteId);
            audit.append(tx, AuditEvent.of(by.actor(), "site.delete", client).subject("site:" + siteId)
                    .detail("name", site.name()).detail("timeZone", site.timeZone()).success());
            return null;
        });
    }

    /** Deletes a zone without doors and rules. */
    public void deleteZone(String zoneId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            DoorStore.Zone zone = requireZone(tx, zoneId);
            Map<String, Long> dependents = new LinkedHashMap<>();
            dependents.put("doors", DoorStore.doorsOfZone(tx, zoneId));
            dependents.put("accessRules", DoorStore.rulesInZone(tx, zoneId));
            refuseInUse("zone", zoneId, dependents);
            DoorStore.deleteZone(tx, zoneId);
            audit.append(tx, AuditEvent.of(by.actor(), "zone.delete", client).subject("zone:" + zoneId)
                    .detail("siteId", zone.siteId()).detail("name", zone.name()).success());
            return null;
        });
    }

    /** Deletes a door without readers (revoked ones count: delete them first, which keeps their audit records). */
    public void deleteDoor(String doorId, Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            Door.View door = requireDoor(tx, doorId).view();
            refuseInUse("door", doorId, Map.of("readers", ReaderStore.readersOfDoor(tx, doorId)));
            DoorStore.deleteDoor(tx, doorId);
            audit.append(tx, AuditEvent.of(by.actor(), "door.delete", client).subject("door:" + doorId)
                    .fields(door).success());
            return null;
        });
    }

    /**
     * Refuses to delete what others still depend on, naming them and how many of each: the caller deletes or moves
     * them first, so that deleting never takes anything else along unnoticed.
     */
    private static void refuseInUse(String what, String id, Map<String, Long> dependents) {
        Map<String, Long> present = new LinkedHashMap<>();
        dependents.forEach((kind, count) -> {
            if (count > 0) {
                present.put(kind, count);
            }
        });
        if (!present.isEmpty()) {
            StringBuilder detail = new StringBuilder(what + " '" + id + "' still has ");
            present.forEach((kind, count) -> detail.append(count).append(' ').append(kind).append(", "));
            detail.setLength(detail.length() - 2);
            detail.append("; delete or move them first");
            throw new GatehouseException(GatehouseException.Kind.CONFLICT, "in_use", detail.toString(),
                    Map.of("dependents", present));
        }
    }

    private void audited(Tx tx, Principal by, ClientInfo client, String action, String subject,
            Map<String, Change> changes) {
        audit.append(tx, AuditEvent.of(by.actor(), action, client).subject(subject).detail("changes", changes)
                .success());
    }

    private static Map<String, Change> changes(Door.View before, Door.View after) {
        Map<String, Change> changes = new LinkedHashMap<>();
        compare(changes, "zoneId", before.zoneId(), after.zoneId());
        compare(changes, "siteId", before.siteId(), after.siteId());
        compare(changes, "name", before.name(), after.name());
        compare(changes, "proofLifetimeSeconds", before.proofLifetimeSeconds(), after.proofLifetimeSeconds());
        compare(changes, "allowedSkewSeconds", before.allowedSkewSeconds(), after.allowedSkewSeconds());
        compare(changes, "requireUserVerification", before.requireUserVerification(),
                after.requireUserVerification());
        compare(changes, "minimumDeviceTrust", before.minimumDeviceTrust(), after.minimumDeviceTrust());
        compare(changes, "offlineMode", before.offlineMode(), after.offlineMode());
        compare(changes, "requireBoundPass", before.requireBoundPass(), after.requireBoundPass());
        compare(changes, "requireUserVerificationWhenFlagged", before.requireUserVerificationWhenFlagged(),
                after.requireUserVerificationWhenFlagged());
        compare(changes, "maxBundleAgeSeconds", before.maxBundleAgeSeconds(), after.maxBundleAgeSeconds());
        return changes;
    }

    private static void compare(Map<String, Change> changes, String field, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changes.put(field, new Change(before, after));
        }
    }

    private static DoorStore.Site requireSite(ReadTx tx, String siteId) {
        return DoorStore.site(tx, siteId).orElseThrow(() -> SiteAdmin.notFound("site_not_found", "site", siteId));
    }

    private static DoorStore.Zone requireZone(ReadTx tx, String zoneId) {
        return DoorStore.zone(tx, zoneId).orElseThrow(() -> SiteAdmin.notFound("zone_not_found", "zone", zoneId));
    }

    private static Door requireDoor(ReadTx tx, String doorId) {
        return DoorStore.door(tx, doorId).orElseThrow(() -> SiteAdmin.notFound("door_not_found", "door", doorId));
    }

    private static DoorStore.Rule requireRule(ReadTx tx, String ruleId) {
        return DoorStore.rule(tx, ruleId).orElseThrow(() -> GatehouseException.notFound("rule_not_found",
                "no access rule with id '" + ruleId + "'"));
    }
}
