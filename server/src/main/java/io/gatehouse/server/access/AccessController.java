package io.gatehouse.server.access;

import io.gatehouse.server.auth.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/** Sites, zones, doors, access rules and readers for admins; the scan endpoint for readers. */
public final class AccessController {
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
        routes.post("/api/v1/sites", ctx -> create(ctx, (body, by) -> sites.createSite(body, by, Requests.client(ctx))))
                .get("/api/v1/sites", ctx -> list(ctx, "sites"))
                .post("/api/v1/zones", ctx -> create(ctx, (body, by) -> sites.createZone(body, by, Requests.client(ctx))))
                .get("/api/v1/zones", ctx -> list(ctx, "zones"))
                .post("/api/v1/doors", ctx -> create(ctx, (body, by) -> sites.createDoor(body, by, Requests.client(ctx))))
                .get("/api/v1/doors", ctx -> list(ctx, "doors"))
                .post("/api/v1/access-rules", ctx -> create(ctx,
                        (body, by) -> sites.createRule(body, by, Requests.client(ctx))))
                .get("/api/v1/access-rules", ctx -> list(ctx, "rules"))
                .delete("/api/v1/access-rules/{id}", ctx -> {
                    sites.deleteRule(ctx.pathParam("id"), auth.require(ctx, Scope.ADMIN), Requests.client(ctx));
                    ctx.status(204);
                })
                .post("/api/v1/readers", ctx -> create(ctx, (body, by) -> readers.create(
                        body.requiredString("doorId"), body.requiredString("name"), by, Requests.client(ctx))))
                .get("/api/v1/readers", ctx -> {
                    auth.require(ctx, Scope.ADMIN);
                    ctx.json(listAnswer("readers", readers.list(Requests.page(ctx))));
                })
                .post("/api/v1/readers/{id}/revoke", ctx -> {
                    readers.revoke(ctx.pathParam("id"), auth.require(ctx, Scope.ADMIN), Requests.client(ctx));
                    ctx.json(Map.of("id", ctx.pathParam("id"), "status", "revoked"));
                })
                .post("/api/v1/scans", ctx -> scan(ctx, metrics));
    }

    /** Counts scan decisions by result and reason. */
    @FunctionalInterface
    public interface ScanMetrics {
        void decided(String decision, String reason);
    }

    private void create(Context ctx, BiFunction<JsonBody, Principal, Map<String, Object>> action) {
        Principal principal = auth.require(ctx, Scope.ADMIN);
        Map<String, Object> created = action.apply(JsonBody.read(ctx, maxBody), principal);
        if (created.containsKey("credential")) {
            Html.noStore(ctx);
        }
        ctx.status(201).json(created);
    }

    private void list(Context ctx, String what) {
        auth.require(ctx, Scope.ADMIN);
        ctx.json(listAnswer("rules".equals(what) ? "accessRules" : what, sites.list(what, Requests.page(ctx))));
    }

    private static Map<String, Object> listAnswer(String name, Page.Slice<Map<String, Object>> slice) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put(name, slice.items());
        answer.put("next", slice.next());
        return answer;
    }

    private void scan(Context ctx, ScanMetrics metrics) {
        ScanService.Outcome outcome = scans.scan(Readers.presented(ctx), () -> {
            JsonBody body = JsonBody.read(ctx, maxBody);
            return new ScanService.Request(body.requiredString("payload"), body.optionalString("eventId"));
        }, Requests.client(ctx));
        if (!outcome.duplicate()) {
            metrics.decided(outcome.decision(), outcome.reason());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("decision", outcome.decision());
        answer.put("reason", outcome.reason());
        answer.put("door", outcome.doorId());
        answer.put("mode", "online");
        if (outcome.duplicate()) {
            answer.put("duplicate", true);
        }
        ctx.json(answer);
    }
}
