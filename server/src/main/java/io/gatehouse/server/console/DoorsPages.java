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
    private final int maxBody;

    public DoorsPages(SiteAdmin sites, SiteEdits edits, Readers readers, ReaderSync sync, Links links, int maxBody) {
        this.sites = sites;
        this.edits = edits;
        this.readers = readers;
        this.sync = sync;
        this.links = links;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.page(HandlerType.GET, ROOT, ctx -> index(ctx, null))
                .page(HandlerType.GET, ROOT + "/sites/{id}", ctx -> site(ctx, id(ctx), null))
                .page(HandlerType.GET, ROOT + "/zones/{id}", ctx -> zone(ctx, id(ctx), null))
                .page(HandlerType.GET, ROOT + "/doors/{id}", ctx -> door(ctx, id(ctx), null))
                .page(HandlerType.GET, ROOT + "/rules/{id}", ctx -> rule(ctx, id(ctx), null))
                .page(HandlerType.GET, ROOT + "/readers/{id}", ctx -> reader(ctx, id(ctx), null))
                .page(HandlerType.POST, ROOT + "/readers", this::createReader)
                .page(HandlerType.POST, ROOT + "/readers/{id}/provisioning", this::provision);
        Shown sitePage = (ctx, error) -> site(ctx, id(ctx), error);
        Shown zonePage = (ctx, error) -> zone(ctx, id(ctx), error);
        Shown doorPage = (ctx, error) -> door(ctx, id(ctx), error);
        Shown rulePage = (ctx, error) -> rule(ctx, id(ctx), error);
        Shown readerPage = (ctx, error) -> reader(ctx, id(ctx), error);

        form(routes, "/sites", Permission.DOORS_WRITE, "site_created", this::index, (ctx, by) -> ROOT + "/sites/"
                + sites.createSite(DoorForms.newSite(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/sites/{id}", Permission.DOORS_WRITE, "site_saved", sitePage, (ctx, by) -> ROOT + "/sites/"
                + edits.updateSite(id(ctx), DoorForms.sitePatch(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/sites/{id}/delete", Permission.DOORS_WRITE, "site_deleted", sitePage, (ctx, by) -> {
            edits.deleteSite(id(ctx), by, Requests.client(ctx));
            return ROOT;
        });
        form(routes, "/zones", Permission.DOORS_WRITE, "zone_created", (ctx, error) -> parent(ctx, "siteId", error),
                (ctx, by) -> ROOT + "/zones/" + sites.createZone(DoorForms.newZone(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/zones/{id}", Permission.DOORS_WRITE, "zone_saved", zonePage, (ctx, by) -> ROOT + "/zones/"
                + edits.updateZone(id(ctx), DoorForms.zonePatch(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/zones/{id}/delete", Permission.DOORS_WRITE, "zone_deleted", zonePage, (ctx, by) -> {
            String siteId = edits.zone(id(ctx)).siteId();
            edits.deleteZone(id(ctx), by, Requests.client(ctx));
            return ROOT + "/sites/" + siteId;
        });
        form(routes, "/doors", Permission.DOORS_WRITE, "door_created", (ctx, error) -> parent(ctx, "zoneId", error),
                (ctx, by) -> ROOT + "/doors/" + sites.createDoor(DoorForms.newDoor(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/doors/{id}", Permission.DOORS_WRITE, "door_saved", doorPage, (ctx, by) -> ROOT + "/doors/"
                + edits.updateDoor(id(ctx), DoorForms.doorPatch(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/doors/{id}/delete", Permission.DOORS_WRITE, "door_deleted", doorPage, (ctx, by) -> {
            String zoneId = edits.door(id(ctx)).zoneId();
            edits.deleteDoor(id(ctx), by, Requests.client(ctx));
            return ROOT + "/zones/" + zoneId;
        });
        form(routes, "/rules", Permission.DOORS_WRITE, "rule_created", (ctx, error) -> parent(ctx, "zoneId", error),
                (ctx, by) -> ROOT + "/rules/" + sites.createRule(DoorForms.newRule(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/rules/{id}", Permission.DOORS_WRITE, "rule_saved", rulePage, (ctx, by) -> ROOT + "/rules/"
                + edits.updateRule(id(ctx), DoorForms.rulePatch(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/rules/{id}/delete", Permission.DOORS_WRITE, "rule_deleted", rulePage, (ctx, by) -> {
            String zoneId = edits.rule(id(ctx)).zoneId();
            sites.deleteRule(id(ctx), by, Requests.client(ctx));
            return ROOT + "/zones/" + zoneId;
        });
        form(routes, "/readers/{id}", Permission.DOORS_WRITE, "reader_saved", readerPage, (ctx, by) -> ROOT
                + "/readers/" + readers.update(id(ctx), DoorForms.readerPatch(form(ctx)), by, Requests.client(ctx)).id());
        form(routes, "/readers/{id}/revoke", Permission.READERS_REVOKE, "reader_revoked", readerPage, (ctx, by) -> {
            readers.revoke(id(ctx), by, Requests.client(ctx));
            return ROOT + "/readers/" + id(ctx);
        });
        form(routes, "/readers/{id}/delete", Permission.DOORS_WRITE, "reader_deleted", readerPage, (ctx, by) -> {
            String doorId = readers.get(id(ctx)).doorId();
            readers.delete(id(ctx), DoorForms.checked(form(ctx), "force"), by, Requests.client(ctx));
            return ROOT + "/doors/" + doorId;
        });
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

    private void site(Context ctx, String id, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        DoorStore.Site site = edits.site(id);
        render(ctx, error, "Site " + site.name(), "doors/site", Map.of("site", site, "zones", sites.zones(ALL,
                new DoorStore.ZoneFilter(Optional.of(site.id()))).items()));
    }

    private void zone(Context ctx, String id, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        DoorStore.Zone zone = edits.zone(id);
        DoorStore.Site site = edits.site(zone.siteId());
        render(ctx, error, "Zone " + zone.name(), "doors/zone", Map.of("zone", zone, "site", site, "doors",
                sites.doors(ALL, new DoorStore.DoorFilter(Optional.of(zone.id()), Optional.empty())).items(),
                "rules", sites.rules(ALL, new DoorStore.RuleFilter(Optional.empty(), Optional.of(zone.id()),
                        Optional.empty(), Optional.empty())).items(), "schedule", ScheduleRows.of(null)));
    }

    private void door(Context ctx, String id, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        Door.View door = edits.door(id);
        render(ctx, error, "Door " + door.name(), "doors/door", Map.of("door", door, "names", names(),
                "readers", readers.list(ALL, new ReaderStore.ReaderFilter(Optional.of(door.id()), Optional.empty()))
                        .items()));
    }

    private void rule(Context ctx, String id, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        SiteAdmin.RuleView rule = edits.rule(id);
        DoorStore.Zone zone = edits.zone(rule.zoneId());
        render(ctx, error, "Access rule", "doors/rule", Map.of("rule", rule, "zone", zone, "site",
                edits.site(zone.siteId()), "schedule", ScheduleRows.of(rule.schedule())));
    }

    private void reader(Context ctx, String id, String error) {
        ConsoleAccess.require(ctx, Permission.DOORS_READ);
        ReaderHealth.View reader = readers.get(id);
        render(ctx, error, "Reader " + reader.name(), "doors/reader", Map.of("reader", reader, "door",
                edits.door(reader.doorId())));
    }

    /** Creates a reader and shows its credential, once: it is not stored anywhere it could be shown again. */
    private void createReader(Context ctx) {
        Principal by = writer(ctx);
        Readers.Created created;
        try {
            created = readers.create(DoorForms.newReader(form(ctx)), by, Requests.client(ctx));
        } catch (GatehouseException e) {
            refuse(ctx, e, error -> parent(ctx, "doorId", error));
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
            refuse(ctx, e, error -> reader(ctx, id(ctx), error));
            return;
        }
        ConsolePages.render(ctx, 201, "doors/provisioned", ConsolePages.chrome(ctx, "doors", "Provision the reader",
                null, null), Map.of("reader", readers.get(id(ctx)), "provisioning", provisioning, "qr",
                ReaderSync.PATH + provisioning.secret() + "/qr.png"));
    }

    /**
     * Shows a refused creation on the page of what it was to be created in (named by the form's {@code field}), or
     * on the section's first page when that is gone too.
     */
    private void parent(Context ctx, String field, String error) {
        String parentId = DoorForms.field(form(ctx), field);
        try {
            switch (field) {
                case "siteId" -> site(ctx, parentId, error);
                case "zoneId" -> zone(ctx, parentId, error);
                case "doorId" -> door(ctx, parentId, error);
                default -> index(ctx, error);
            }
        } catch (GatehouseException gone) {
            ProblemMapper.rethrowFaults(gone);
            index(ctx, error);
        }
    }

    /** A change made by someone who holds its permission; it answers the page the browser goes to next. */
    @FunctionalInterface
    private interface Change {
        String make(Context ctx, Principal by);
    }

    /** A page shown again with the reason a change was refused. */
    @FunctionalInterface
    private interface Shown {
        void show(Context ctx, String error);
    }

    /**
     * A form's route: once the person is found to hold {@code permission} (before the form is read), the change is
     * made and the browser sent on with {@code notice}; a refused change shows the page again with the reason.
     */
    private void form(Routes routes, String path, Permission permission, String notice, Shown again,
            Change change) {
        routes.page(HandlerType.POST, ROOT + path, ctx -> {
            Principal by = ConsoleAccess.require(ctx, permission);
            String next;
            try {
                next = change.make(ctx, by);
            } catch (GatehouseException e) {
                refuse(ctx, e, error -> again.show(ctx, error));
                return;
            }
            ConsoleAccess.redirect(ctx, next + "?done=" + notice);
        });
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

    private ConsoleForm form(Context ctx) {
        return ConsoleForm.of(ctx, maxBody);
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
