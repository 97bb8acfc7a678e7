package io.gatehouse.server.reader;

import io.gatehouse.server.common.GatehouseException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.access.AccessController;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** Reader provisioning (admin), reader enrollment, bundles and event upload (reader credential). */
public final class ReaderSyncController {
    public static final int EVENT_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;

    private final ReaderSync sync;
    private final Readers readers;
    private final Authenticator auth;
    private final Links links;
    private final int maxBody;

    public ReaderSyncController(ReaderSync sync, Readers readers, Authenticator auth, Links links, int maxBody) {
        this.sync = sync;
        this.readers = readers;
        this.auth = auth;
        this.links = links;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.post("/api/v1/readers/{id}/provisioning", this::provision)
                .get(ReaderSync.PATH + "{secret}", this::page)
                .get(ReaderSync.PATH + "{secret}/qr.png", this::png)
                .post("/api/v1/reader-enrollment", this::enroll)
                .get("/api/v1/reader/bundle", ctx -> {
                    Readers.Reader reader = readers.authenticate(AccessController.presented(ctx));
                    ctx.contentType("application/octet-stream").result(sync.bundle(reader,
                            AccessController.pendingEvents(ctx)));
                })
                .post("/api/v1/reader/events", this::upload);
    }

    private String token(String secret) {
        return ReaderSync.TOKEN_PREFIX + Base64Url.encode(links.base().toString().getBytes(StandardCharsets.UTF_8))
                + "." + secret;
    }

    private void provision(Context ctx) {
        Principal principal = auth.require(ctx, Permission.DOORS_WRITE);
        ReaderSync.Provisioning provisioning = sync.provision(ctx.pathParam("id"), links.base().toString(), principal,
                Requests.client(ctx));
        String notice = (provisioning.replacesCredential() ? "When the reader enrolls with this token, its"
                + " current credential stops working and the reader gets a new one; until then the current one"
                + " still works." : "The reader has no working credential now; enrolling with this token gives it"
                + " one.") + (provisioning.supersededTokens() > 0 ? " " + provisioning.supersededTokens()
                + " earlier provisioning token(s) of this reader no longer work." : "");
        Html.noStore(ctx);
        ctx.status(201).json(new ProvisioningAnswer(provisioning.token(),
                links.to(ReaderSync.PATH + provisioning.secret()), provisioning.expiresAt().toString(),
                provisioning.replacesCredential(), provisioning.supersededTokens(), notice));
    }

    /** A provisioning token, where its page is, and what using it does. */
    record ProvisioningAnswer(String token, String url, String expiresAt, boolean replacesCredential,
            int supersededTokens, String notice) {
    }

    /** What an upload did, with the elements refused and why. */
    record UploadAnswer(int accepted, int duplicates, long lastSeq, List<String> alerts, int untrusted,
            List<EventParser.Refused> refused) {
    }

    /**
     * The token as a page. Only a secret that names a pending provisioning gets it; the command shown is built from
     * that verified secret, so a made-up URL cannot put its own text into a command on this origin.
     */
    private void page(Context ctx) {
        String secret = ctx.pathParam("secret");
        try {
            sync.checkProvisioning(secret);
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            Html.render(ctx, ProblemMapper.status(e), ProblemMapper.title(e), "<p>" + Html.escape(e.detail()) + "</p>");
            return;
        }
        Html.render(ctx, 200, "Provision a door reader", "<p>Scan this code with the reader, or run <code>gatehouse"
                + " reader enroll --state DIR " + Html.escape(links.to(ReaderSync.PATH + secret)) + "</code>."
                + " The token works once, for one hour.</p><div class=\"box\"><img class=\"qr\" alt=\"provisioning"
                + " token\" src=\"" + Html.escape(ReaderSync.PATH + secret + "/qr.png") + "\"></div>");
    }

    private void png(Context ctx) {
        sync.checkProvisioning(ctx.pathParam("secret"));
        Html.noStore(ctx);
        ctx.contentType("image/png").result(QrCode.encode(token(ctx.pathParam("secret")), ErrorCorrection.M)
                .toPng(6, 4));
    }

    private void enroll(Context ctx) {
        ReaderSync.Enrolled enrolled = sync.enroll(Bodies.read(ctx, maxBody, ReaderSync.Enrollment.class),
                links.base().toString(), Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(enrolled);
    }

    private void upload(Context ctx) {
        Readers.Reader reader = readers.authenticate(AccessController.presented(ctx));
        // Up to 500 events of about 600 bytes each: a larger limit than other requests get.
        // A bad string in one event refuses that event (EventParser checks each it keeps), not the whole batch.
        JsonNode events = JsonBody.readLeavingStringChecksToCaller(ctx, Math.max(maxBody, EVENT_UPLOAD_MAX_BYTES))
                .node("events").orElseThrow(() -> GatehouseException.invalidField("events", "an array of events", "nothing"));
        if (!events.isArray()) {
            throw GatehouseException.invalidField("events", "an array of events", events.getNodeType().toString());
        }
        if (events.size() > EventUpload.MAX_EVENTS) {
            throw GatehouseException.invalid("too_many_events", "upload at most " + EventUpload.MAX_EVENTS
                    + " events at a time, got " + events.size());
        }
        List<EventParser.Item> items = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            items.add(EventParser.parse(i, events.get(i), reader.id()));
        }
        EventUpload.Result result = sync.upload(reader, items, Requests.client(ctx));
        OptionalLong pending = AccessController.pendingEvents(ctx);
        readers.seen(reader.id(), pending.isEmpty() ? pending
                : OptionalLong.of(Math.max(0, pending.getAsLong() - result.accepted() - result.duplicates())));
        ctx.json(new UploadAnswer(result.accepted(), result.duplicates(), result.lastSeq(), result.alerts(),
                result.untrusted(), result.refused()));
    }
}
