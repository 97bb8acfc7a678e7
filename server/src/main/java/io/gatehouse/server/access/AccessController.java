package io.gatehouse.server.access;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.auth.PrefixedSecret;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Fields;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Sites, zones, doors, access rules and readers for admins; the scan endpoint for readers. */
public final class AccessController {
    public static final String PENDING_EVENTS_HEADER = "Gatehouse-Pending-Events";

    private final SiteAdmin sites;
    private final Readers readers;
    private final ScanService scans;
    private final Authenticator auth;
    private final int maxBody;

    public AccessController(SiteAdmin sites, Readers readers, ScanService scans, Authenticator auth, int maxBody) {
        this.sites = sites;
        this.readers = readers;
        this.scans = scans;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    public void register(Routes routes, ScanMetrics metrics) {
        routes.post("/api/v1/sites", ctx -> create(ctx, SiteAdmin.NewSite.class, sites::createSite))
                .get("/api/v1/sites", ctx -> {
                    reader(ctx);
                    Page.Slice<DoorStore.Site> slice = sites.sites(Requests.page(ctx));
                    ctx.json(new SiteList(slice.items(), slice.next()));
                })
                .post("/api/v1/zones", ctx -> create(ctx, SiteAdmin.NewZone.class, sites::createZone))
                .get("/api/v1/zones", ctx -> {
                    reader(ctx);
                    Page.Slice<DoorStore.Zone> slice = sites.zones(Requests.page(ctx),
                            new DoorStore.ZoneFilter(filter(ctx, "siteId")));
                    ctx.json(new ZoneList(slice.items(), slice.next()));
                })
                .post("/api/v1/doors", ctx -> create(ctx, SiteAdmin.NewDoor.class, sites::createDoor))
                .get("/api/v1/doors", ctx -> {
                    reader(ctx);
                    Page.Slice<Door.View> slice = sites.doors(Requests.page(ctx),
                            new DoorStore.DoorFilter(filter(ctx, "zoneId"), filter(ctx, "siteId")));
                    ctx.json(new DoorList(slice.items(), slice.next()));
                })
                .post("/api/v1/access-rules", ctx -> create(ctx, SiteAdmin.NewRule.class, sites::createRule))
                .get("/api/v1/access-rules", ctx -> {
                    reader(ctx);
                    Page.Slice<SiteAdmin.RuleView> slice = sites.rules(Requests.page(ctx), new DoorStore.RuleFilter(
                            filter(ctx, "doorId"), filter(ctx, "zoneId"), filter(ctx, "userId"), filter(ctx, "role")));
                    ctx.json(new RuleList(slice.items(), slice.next()));
                })
                .post("/api/v1/readers", ctx -> {
                    // The answer holds the reader's credential.
                    Html.noStore(ctx);
                    create(ctx, Readers.NewReader.class, readers::create);
                })
                .get("/api/v1/readers", ctx -> {
                    reader(ctx);
                    Page.Slice<ReaderHealth.View> slice = readers.list(Requests.page(ctx),
                            new ReaderStore.ReaderFilter(filter(ctx, "doorId"), filter(ctx, "status")));
                    ctx.json(new ReaderList(slice.items(), slice.next()));
                })
                .post("/api/v1/readers/{id}/revoke", ctx -> {
                    readers.revoke(ctx.pathParam("id"), auth.require(ctx, Permission.READERS_REVOKE), Requests.client(ctx));
                    ctx.json(new Revoked(ctx.pathParam("id"), "revoked"));
                })
                .post("/api/v1/scans", ctx -> scan(ctx, metrics));
    }

    /** Counts scan decisions by result and reason. */
    @FunctionalInterface
    public interface ScanMetrics {
        void decided(String decision, String reason);
    }

    record SiteList(List<DoorStore.Site> sites, String next) {
    }

    record ZoneList(List<DoorStore.Zone> zones, String next) {
    }

    record DoorList(List<Door.View> doors, String next) {
    }

    record RuleList(List<SiteAdmin.RuleView> accessRules, String next) {
    }

    record ReaderList(List<ReaderHealth.View> readers, String next) {
    }

    record Revoked(String id, String status) {
    }

    /** What a reader posts to have a scan decided. */
    record ScanBody(String payload, String eventId) {
        ScanBody {
            Fields.required("payload", payload, "a string");
        }
    }

    /** The decision as the reader gets it; {@code duplicate} only for an event id decided before. */
    record ScanAnswer(String decision, String reason, String door, String mode,
            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean duplicate) {
    }

    /** An admin's creation: the request as posted, who asks, and from where. */
    @FunctionalInterface
    private interface Creation<T, R> {
        R create(T request, Principal by, ClientInfo client);
    }

    /** A list filter from the query; an empty value is no filter. */
    private static Optional<String> filter(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).filter(value -> !value.isEmpty());
    }

    /**
     * The count of events a reader says it holds that the server has not acknowledged yet (header
     * {@code Gatehouse-Pending-Events}, sent with bundle fetches and uploads). It is informative only: a value that is
     * not a whole number from 0 to 10^9 counts as not sent, so that a reader's door never depends on it.
     */
    public static OptionalLong pendingEvents(Context ctx) {
        String header = ctx.header(PENDING_EVENTS_HEADER);
        if (header == null || header.isEmpty() || header.length() > 10 || !header.chars().allMatch(
                c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        long count = Long.parseLong(header);
        return count <= 1_000_000_000L ? OptionalLong.of(count) : OptionalLong.empty();
    }

    private Principal reader(Context ctx) {
        return auth.require(ctx, Permission.DOORS_READ);
    }

    private Principal admin(Context ctx) {
        return auth.require(ctx, Permission.DOORS_WRITE);
    }

    /** Authenticates the admin, then reads the body: a caller without a token learns nothing about its request. */
    private <T, R> void create(Context ctx, Class<T> type, Creation<T, R> creation) {
        Principal principal = admin(ctx);
        T request = Bodies.read(ctx, maxBody, type);
        ctx.status(201).json(creation.create(request, principal, Requests.client(ctx)));
    }

    private void scan(Context ctx, ScanMetrics metrics) {
        PrefixedSecret credential = presented(ctx);
        ScanService.Outcome outcome = scans.scan(credential, () -> {
            ScanBody body = Bodies.read(ctx, maxBody, ScanBody.class);
            return new ScanService.Request(body.payload(), Optional.ofNullable(body.eventId()));
        }, Requests.client(ctx));
        // Only an authenticated scan gets here: a wrong credential does not make a reader look online.
        readers.seen(credential.id(), OptionalLong.empty());
        if (!outcome.duplicate()) {
            metrics.decided(outcome.decision(), outcome.reason());
        }
        ctx.json(new ScanAnswer(outcome.decision(), outcome.reason(), outcome.doorId(), "online",
                outcome.duplicate() ? Boolean.TRUE : null));
    }

    /**
     * The reader credential a request presents ({@code Authorization: Bearer ghr_<reader id>_<secret>}), checked
     * for form only; {@link Readers#authenticate} checks it against the database.
     *
     * @throws GatehouseException 401 {@code unauthenticated} or {@code invalid_token}
     */
    public static PrefixedSecret presented(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw GatehouseException.unauthenticated("unauthenticated",
                    "expected 'Authorization: Bearer <reader credential>'");
        }
        return PrefixedSecret.parse(header.substring(7).strip(), Readers.PREFIX).orElseThrow(
                () -> GatehouseException.unauthenticated("invalid_token", "the reader credential is malformed"));
    }
}
