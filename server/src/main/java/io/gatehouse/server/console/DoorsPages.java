package io.gatehouse.server.console;

import io.gatehouse.server.access.Door;
import io.gatehouse.server.access.DoorStore;
import io.gatehouse.server.access.ReaderHealth;
import io.gatehouse.server.access.ReaderStore;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.access.SiteAdmin;
import io.gatehouse.server.access.SiteEdits;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.reader.ReaderSync;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The console's Doors section: sites, zones, doors and their settings, access rules with a weekly schedule in the
 * site's time zone, and readers with their status, provisioning QR code, revocation and deletion. It calls the
 * services the API calls; every form posts, then the browser is sent back to the page with a notice, or the page is
 * shown again with the refusal.
 */
public final class DoorsPages {
    static final String ROOT = "/console/doors";
    private static final Page ALL = Page.of(Page.MAX_LIMIT, null);
    private static final Map<String, String> NOTICES = Map.ofEntries(Map.entry("site_created", "The site was created."),
            Map.entry("site_saved", "The site was saved."), Map.entry("site_deleted", "The site was deleted."),
            Map.entry("zone_created", "The zone was created."), Map.entry("zone_saved", "The zone was saved."),
            Map.entry("zone_deleted", "The zone was deleted."), Map.entry("door_created", "The door was created."),
            Map.entry("door_saved", "The door was saved; readers get it with their next bundle."),
            Map.entry("door_deleted", "The door was deleted."), Map.entry("rule_created", "The access rule was"
                    + " created."), Map.entry("rule_saved", "The schedule was saved; readers get it with their next"
                    + " bundle."), Map.entry("rule_deleted", "The access rule was deleted."),
            Map.entry("reader_saved", "The reader was renamed."), Map.entry("reader_revoked", "The reader was"
                    + " revoked: its credential stopped working."), Map.entry("reader_deleted", "The reader was"
                    + " deleted."));

    private final SiteAdmin sites;
    private final SiteEdits edits;
    private final Readers readers;
    private final ReaderSync sync;
    private final Links links;
    private final DoorForms forms;

    public DoorsPages(SiteAdmin sites, SiteEdits edits, Readers readers, ReaderSync sync, Links links, int maxBody) {
        this.sites = sites;
        this.edits = edits;
        this.readers = readers;
        this.sync = sync;
        this.links = links;
        this.forms = new DoorForms(maxBody);
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, ROOT, ctx -> index(ctx, null))
                .page(HandlerType.POST, ROOT + "/sites", ctx -> change(ctx, Permission.DOORS_WRITE, by -> sites.createSite(
                        forms.newSite(ctx), by, Requests.client(ctx)), created -> ROOT + "/sites/"
                        + created.id(), "site_created", error -> index(ctx, error)))
                .page(HandlerType.GET, ROOT + "/sites/{id}", ctx -> site(ctx, null))
                .page(HandlerType.POST, ROOT + "/sites/{id}", ctx -> change(ctx, Permission.DOORS_WRITE, by -> edits.updateSite(id(ctx),
                        forms.sitePatch(ctx), by, Requests.client(ctx)), saved -> ROOT + "/sites/"
                        + saved.id(), "site_saved", error -> site(ctx, error)))
                .page(HandlerType.POST, ROOT + "/sites/{id}/delete", ctx -> change(ctx, Permission.DOORS_WRITE, by -> {
                    edits.deleteSite(id(ctx), by, Requests.client(ctx));
                    return ROOT;
                }, Function.identity(), "site_deleted", error -> site(ctx, error)))
                .page(HandlerType.POST, ROOT + "/zones", ctx -> change(ctx, Permission.DOORS_WRITE, by -> sites.createZone(forms.newZone(ctx),
                        by, Requests.client(ctx)), created -> ROOT + "/zones/" + created.id(),
                        "zone_created", error -> index(ctx, error)))
                .page(HandlerType.GET, ROOT + "/zones/{id}", ctx -> zone(ctx, null))
                .page(HandlerType.POST, ROOT + "/zones/{id}", ctx -> change(ctx, Permission.DOORS_WRITE, by -> edits.updateZone(id(ctx),
                        forms.zonePatch(ctx), by, Requests.client(ctx)), saved -> ROOT + "/zones/"
                        + saved.id(), "zone_saved", error -> zone(ctx, error)))
                .page(HandlerType.POST, ROOT + "/zones/{id}/delete", ctx -> change(ctx, Permission.DOORS_WRITE, by -> {
                    String siteId = edits.zone(id(ctx)).siteId();
                    edits.deleteZone(id(ctx), by, Requests.client(ctx));
                    return ROOT + "/sites/" + siteId;
                }, Function.identity(), "zone_deleted", error -> zone(ctx, error)))
                .page(HandlerType.POST, ROOT + "/doors", ctx -> change(ctx, Permission.DOORS_WRITE, by -> sites.createDoor(forms.newDoor(ctx),
                        by, Requests.client(ctx)), created -> ROOT + "/doors/" + created.id(),
                        "door_created", error -> index(ctx, error)))
                .page(HandlerType.GET, ROOT + "/doors/{id}", ctx -> door(ctx, null))
                .page(HandlerType.POST, ROOT + "/doors/{id}", ctx -> change(ctx, Permission.DOORS_WRITE, by -> edits.updateDoor(id(ctx),
                        forms.doorPatch(ctx), by, Requests.client(ctx)), saved -> ROOT + "/doors/"
                        + saved.id(), "door_saved", error -> door(ctx, error)))
                .page(HandlerType.POST, ROOT + "/doors/{id}/delete", ctx -> change(ctx, Permission.DOORS_WRITE, by -> {
                    String zoneId = edits.door(id(ctx)).zoneId();
                    edits.deleteDoor(id(ctx), by, Requests.client(ctx));
                    return ROOT + "/zones/" + zoneId;
                }, Function.identity(), "door_deleted", error -> door(ctx, error)))
                .page(HandlerType.POST, ROOT + "/rules", ctx -> change(ctx, Permission.DOORS_WRITE, by -> sites.createRule(forms.newRule(ctx),
                        by, Requests.client(ctx)), created -> ROOT + "/rules/" + created.id(),
                        "rule_created", error -> index(ctx, error)))
                .page(HandlerType.GET, ROOT + "/rules/{id}", ctx -> rule(ctx, null))
                .page(HandlerType.POST, ROOT + "/rules/{id}", ctx -> change(ctx, Permission.DOORS_WRITE, by -> edits.updateRule(id(ctx),
                        forms.rulePatch(ctx), by, Requests.client(ctx)), saved -> ROOT + "/rules/"
                        + saved.id(), "rule_saved", error -> rule(ctx, error)))
                .page(HandlerType.POST, ROOT + "/rules/{id}/delete", ctx -> change(ctx, Permission.DOORS_WRITE, by -> {
                    String zoneId = edits.rule(id(ctx)).zoneId();
                    sites.deleteRule(id(ctx), by, Requests.client(ctx));
                    return ROOT + "/zones/" + zoneId;
                }, Function.identity(), "rule_deleted", error -> rule(ctx, error)))
                .page(HandlerType.POST, ROOT + "/readers", this::createReader)
                .page(HandlerType.GET, ROOT + "/readers/{id}", ctx -> reader(ctx, null))
                .page(HandlerType.POST, ROOT + "/readers/{id}", ctx -> change(ctx, Permission.DOORS_WRITE, by -> readers.update(id(ctx),
                        forms.readerPatch(ctx), by, Requests.client(ctx)), saved -> ROOT + "/readers/"
                        + saved.id(), "reader_saved", error -> reader(ctx, error)))
                .page(HandlerType.POST, ROOT + "/readers/{id}/provisioning", this::provision)
                .page(HandlerType.POST, ROOT + "/readers/{id}/revoke", ctx -> change(ctx, Permission.READERS_REVOKE, by -> {
                    readers.revoke(id(ctx), by, Requests.client(ctx));
                    return ROOT + "/readers/" + id(ctx);
                }, Function.identity(), "reader_revoked", error -> reader(ctx, error)))
                .page(HandlerType.POST, ROOT + "/readers/{id}/delete", ctx -> change(ctx, Permission.DOORS_WRITE, by -> {
                    String doorId = readers.get(id(ctx)).doorId();
                    readers.delete(id(ctx), forms.checked(ctx, "force"), by, Requests.client(ctx));
                    return ROOT + "/doors/" + doorId;
                }, Function.identity(), "reader_deleted", error -> reader(ctx, error)));
    }

    /** The sites, doors and readers, each list narrowed as the query asks. */
    private void index(Context ctx, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        Optional<String> siteId = query(ctx, "siteId");
        Optional<String> status = query(ctx, "status");
        Names names = names();
        Page doorPage = page(ctx, "doorsAfter");
        Page readerPage = page(ctx, "readersAfter");
        Page.Slice<Door.View> doors = sites.doors(doorPage, new DoorStore.DoorFilter(Optional.empty(), siteId));
        Page.Slice<ReaderHealth.View> readerList = readers.list(readerPage, new ReaderStore.ReaderFilter(
                Optional.empty(), status));
        Map<String, Object> params = new HashMap<>();
        params.put("names", names);
        params.put("siteFilter", siteId.orElse(""));
        params.put("statusFilter", status.orElse(""));
        params.put("doors", doors);
        params.put("readers", readerList);
        render(ctx, error, "Doors", "doors/index", params);
    }

    private void site(Context ctx, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        DoorStore.Site site = edits.site(id(ctx));
        render(ctx, error, "Site " + site.name(), "doors/site", Map.of("site", site, "zones", sites.zones(ALL,
                new DoorStore.ZoneFilter(Optional.of(site.id()))).items()));
    }

    private void zone(Context ctx, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        DoorStore.Zone zone = edits.zone(id(ctx));
        DoorStore.Site site = edits.site(zone.siteId());
        render(ctx, error, "Zone " + zone.name(), "doors/zone", Map.of("zone", zone, "site", site, "doors",
                sites.doors(ALL, new DoorStore.DoorFilter(Optional.of(zone.id()), Optional.empty())).items(),
                "rules", sites.rules(ALL, new DoorStore.RuleFilter(Optional.empty(), Optional.of(zone.id()),
                        Optional.empty(), Optional.empty())).items(), "schedule", ScheduleRows.of(null)));
    }

    private void door(Context ctx, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        Door.View door = edits.door(id(ctx));
        render(ctx, error, "Door " + door.name(), "doors/door", Map.of("door", door, "names", names(),
                "readers", readers.list(ALL, new ReaderStore.ReaderFilter(Optional.of(door.id()), Optional.empty()))
                        .items()));
    }

    private void rule(Context ctx, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        SiteAdmin.RuleView rule = edits.rule(id(ctx));
        DoorStore.Zone zone = edits.zone(rule.zoneId());
        render(ctx, error, "Access rule", "doors/rule", Map.of("rule", rule, "zone", zone, "site",
                edits.site(zone.siteId()), "schedule", ScheduleRows.of(rule.schedule())));
    }

    private void reader(Context ctx, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        ReaderHealth.View reader = readers.get(id(ctx));
        render(ctx, error, "Reader " + reader.name(), "doors/reader", Map.of("reader", reader, "door",
                edits.door(reader.doorId())));
    }

    /** Creates a reader and shows its credential, once: it is not stored anywhere it could be shown again. */
    private void createReader(Context ctx) {
        Principal by = writer(ctx);
        Readers.Created created;
        try {
            created = readers.create(forms.newReader(ctx), by, Requests.client(ctx));
        } catch (GatehouseException e) {
            refuse(ctx, e, error -> index(ctx, error));
            return;
        }
        ConsolePages.render(ctx, 201, "doors/created", ConsolePages.chrome(ctx, "doors", "Reader created", null,
                null), Map.of("created", created));
    }

    /** A provisioning token for the reader, as a QR code to scan off the screen; shown here only. */
    private void provision(Context ctx) {
        Principal by = writer(ctx);
        ReaderSync.Provisioning provisioning;
        try {
            provisioning = sync.provision(id(ctx), links.base().toString(), by, Requests.client(ctx));
        } catch (GatehouseException e) {
            refuse(ctx, e, error -> reader(ctx, error));
            return;
        }
        ConsolePages.render(ctx, 201, "doors/provisioned", ConsolePages.chrome(ctx, "doors", "Provision the reader",
                null, null), Map.of("reader", readers.get(id(ctx)), "provisioning", provisioning, "qr",
                ReaderSync.PATH + provisioning.secret() + "/qr.png"));
    }

    /** A change made by someone who holds its permission. */
    @FunctionalInterface
    private interface Action<T> {
        T run(Principal by);
    }

    /**
     * One change, once the person is found to hold {@code permission} (before the form is read): done, the browser
     * goes to the page it leads to; refused, the page is shown again with the reason.
     */
    private <T> void change(Context ctx, Permission permission, Action<T> action, Function<T, String> next,
            String notice, Consumer<String> again) {
        Principal by = ConsoleAccess.require(ctx, permission);
        T result;
        try {
            result = action.run(by);
        } catch (GatehouseException e) {
            refuse(ctx, e, again);
            return;
        }
        ConsoleAccess.redirect(ctx, next.apply(result) + "?done=" + notice);
    }

    /** Shows a refused change on the page it came from; a missing permission or a fault is the console's error. */
    private static void refuse(Context ctx, GatehouseException e, Consumer<String> again) {
        int status = ProblemMapper.status(e);
        if (status != 400 && status != 404 && status != 409) {
            throw e;
        }
        ctx.attribute(STATUS, status);
        again.accept(e.detail());
    }

    private static final String STATUS = "gatehouse.console.doors.status";

    private static void render(Context ctx, String error, String title, String template, Map<String, Object> params) {
        String done = ctx.queryParam("done");
        String notice = error == null && done != null ? NOTICES.get(done) : null;
        Integer status = ctx.attribute(STATUS);
        ConsolePages.render(ctx, status == null ? 200 : status, template, ConsolePages.chrome(ctx, "doors", title,
                notice, error), params);
    }

    private static Principal writer(Context ctx) {
        return ConsoleAccess.require(ctx, Permission.DOORS_WRITE);
    }

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }

    private static Optional<String> query(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).filter(value -> !value.isEmpty());
    }

    private static Page page(Context ctx, String afterParam) {
        return Page.of(Page.DEFAULT_LIMIT, query(ctx, afterParam).orElse(null));
    }

    /** A bundle's age in words a glance takes in: seconds, minutes, hours or days. */
    public static String age(Long seconds) {
        if (seconds == null) {
            return "";
        }
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 7200) {
            return seconds / 60 + " min";
        }
        return seconds < 172_800 ? seconds / 3600 + " h" : seconds / 86_400 + " days";
    }

    /** The names of every site and zone, to show beside the ids that doors and readers hold. */
    public record Names(List<DoorStore.Site> sites, List<DoorStore.Zone> zones, Map<String, String> siteNames,
            Map<String, String> zoneNames, Map<String, String> doorNames) {
        public String site(String id) {
            return siteNames.getOrDefault(id, id);
        }

        public String zone(String id) {
            return zoneNames.getOrDefault(id, id);
        }

        public String door(String id) {
            return doorNames.getOrDefault(id, id);
        }
    }

    private Names names() {
        List<DoorStore.Site> allSites = sites.sites(ALL).items();
        List<DoorStore.Zone> allZones = sites.zones(ALL, new DoorStore.ZoneFilter(Optional.empty())).items();
        List<Door.View> allDoors = sites.doors(ALL, new DoorStore.DoorFilter(Optional.empty(), Optional.empty()))
                .items();
        return new Names(allSites, allZones, allSites.stream().collect(Collectors.toMap(DoorStore.Site::id,
                DoorStore.Site::name)), allZones.stream().collect(Collectors.toMap(DoorStore.Zone::id,
                zone -> zone.name() + " (" + allSites.stream().filter(s -> s.id().equals(zone.siteId()))
                        .map(DoorStore.Site::name).findFirst().orElse(zone.siteId()) + ")")),
                allDoors.stream().collect(Collectors.toMap(Door.View::id, Door.View::name)));
    }
}
