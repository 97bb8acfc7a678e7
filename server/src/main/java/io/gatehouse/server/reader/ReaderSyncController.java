package io.gatehouse.server.reader;

import io.gatehouse.server.common.GatehouseException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.auth.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
                    Readers.Reader reader = readers.authenticate(ctx);
                    ctx.contentType("application/octet-stream").result(sync.bundle(reader));
                })
                .post("/api/v1/reader/events", this::upload);
    }

    private String token(String secret) {
        return ReaderSync.TOKEN_PREFIX + Base64Url.encode(links.base().toString().getBytes(StandardCharsets.UTF_8))
                + "." + secret;
    }

    private void provision(Context ctx) {
        Principal principal = auth.require(ctx, Scope.ADMIN);
        ReaderSync.Provisioning provisioning = sync.provision(ctx.pathParam("id"), links.base().toString(), principal,
                Requests.client(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", provisioning.token());
        body.put("url", links.to(ReaderSync.PATH + provisioning.secret()));
        body.put("expiresAt", provisioning.expiresAt().toString());
        body.put("replacesCredential", provisioning.replacesCredential());
        body.put("supersededTokens", provisioning.supersededTokens());
        body.put("notice", (provisioning.replacesCredential() ? "When the reader enrolls with this token, its"
                + " current credential stops working and the reader gets a new one; until then the current one"
                + " still works." : "The reader has no working credential now; enrolling with this token gives it"
                + " one.") + (provisioning.supersededTokens() > 0 ? " " + provisioning.supersededTokens()
                + " earlier provisioning token(s) of this reader no longer work." : ""));
        Html.noStore(ctx);
        ctx.status(201).json(body);
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
        JsonBody body = JsonBody.read(ctx, maxBody);
        Map<String, String> facts = new LinkedHashMap<>();
        body.node("facts").ifPresent(node -> node.fields().forEachRemaining(field -> {
            if (facts.size() < 8 && field.getValue().isTextual()) {
                String value = field.getValue().textValue();
                // Cut on whole characters: half of a surrogate pair would not be text.
                facts.put(Utf8.truncate(field.getKey(), 32), Utf8.truncate(value, 100));
            }
        }));
        Map<String, Object> enrolled = sync.enroll(body.requiredString("secret"), body.requiredString("publicKey"),
                facts, links.base().toString(), Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(enrolled);
    }

    private void upload(Context ctx) {
        Readers.Reader reader = readers.authenticate(ctx);
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
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", result.accepted());
        answer.put("duplicates", result.duplicates());
        answer.put("lastSeq", result.lastSeq());
        answer.put("alerts", result.alerts());
        answer.put("untrusted", result.untrusted());
        answer.put("refused", result.refused().stream().map(refused -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("index", refused.index());
            json.put("eventId", refused.eventId());
            json.put("code", refused.code());
            json.put("detail", refused.detail());
            return json;
        }).toList());
        ctx.json(answer);
    }
}
