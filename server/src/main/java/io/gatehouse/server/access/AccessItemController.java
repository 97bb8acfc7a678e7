package io.gatehouse.server.access;

import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.util.function.Function;

/**
 * One site, zone, door, access rule or reader: read it ({@code doors_read}), change it in part with a strict merge
 * patch and delete it ({@code doors_write}).
 */
public final class AccessItemController {
    private final SiteEdits edits;
    private final SiteAdmin sites;
    private final Readers readers;
    private final Authenticator auth;
    private final int maxBody;

    public AccessItemController(SiteEdits edits, SiteAdmin sites, Readers readers, Authenticator auth, int maxBody) {
        this.edits = edits;
        this.sites = sites;
        this.readers = readers;
        this.auth = auth;
        this.maxBody = maxBody;
    }

    /** A change to one item: its id, the patch, who asks and from where. */
    @FunctionalInterface
    private interface Update<P, R> {
        R update(String id, P patch, Principal by, ClientInfo client);
    }

    /** A deletion of one item. */
    @FunctionalInterface
    private interface Deletion {
        void delete(String id, Principal by, ClientInfo client);
    }

    public void register(Routes routes) {
        item(routes, "/api/v1/sites/{id}", edits::site, SiteEdits.SitePatch.class, edits::updateSite);
        delete(routes, "/api/v1/sites/{id}", edits::deleteSite);
        item(routes, "/api/v1/zones/{id}", edits::zone, SiteEdits.ZonePatch.class, edits::updateZone);
        delete(routes, "/api/v1/zones/{id}", edits::deleteZone);
        item(routes, "/api/v1/doors/{id}", edits::door, SiteEdits.DoorPatch.class, edits::updateDoor);
        delete(routes, "/api/v1/doors/{id}", edits::deleteDoor);
        item(routes, "/api/v1/access-rules/{id}", edits::rule, SiteEdits.RulePatch.class, edits::updateRule);
        delete(routes, "/api/v1/access-rules/{id}", sites::deleteRule);
        item(routes, "/api/v1/readers/{id}", readers::get, Readers.ReaderPatch.class, readers::update);
        routes.delete("/api/v1/readers/{id}", ctx -> {
            Principal principal = auth.require(ctx, Permission.DOORS_WRITE);
            readers.delete(ctx.pathParam("id"), force(ctx), principal, Requests.client(ctx));
            ctx.status(204);
        });
    }

    private <P extends Record, R> void item(Routes routes, String path, Function<String, ?> read, Class<P> patchType,
            Update<P, R> update) {
        routes.get(path, ctx -> {
            auth.require(ctx, Permission.DOORS_READ);
            ctx.json(read.apply(ctx.pathParam("id")));
        }).patch(path, ctx -> {
            // Authenticated before the body is read: a caller without a token learns nothing about its request.
            Principal principal = auth.require(ctx, Permission.DOORS_WRITE);
            P patch = Bodies.readPatch(ctx, maxBody, patchType);
            ctx.json(update.update(ctx.pathParam("id"), patch, principal, Requests.client(ctx)));
        });
    }

    private void delete(Routes routes, String path, Deletion deletion) {
        routes.delete(path, ctx -> {
            deletion.delete(ctx.pathParam("id"), auth.require(ctx, Permission.DOORS_WRITE), Requests.client(ctx));
            ctx.status(204);
        });
    }

    private static boolean force(Context ctx) {
        String force = ctx.queryParam("force");
        if (force == null || force.equals("false")) {
            return false;
        }
        if (force.equals("true")) {
            return true;
        }
        throw GatehouseException.invalid("invalid_parameter", "query parameter 'force' must be true or false, got '"
                + force + "'");
    }
}
