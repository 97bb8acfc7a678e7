package io.gatehouse.server.reader;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.access.Readers;
import io.gatehouse.server.auth.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.http.ApiException;
import io.gatehouse.server.http.ClientInfo;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reader provisioning (admin), reader enrollment, bundles and event upload (reader credential). */
public final class ReaderSyncController {
    static final int EVENT_UPLOAD_MAX_BYTES = 2 * 1024 * 1024;

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
                ClientInfo.of(ctx));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", provisioning.token());
        body.put("url", links.to(ReaderSync.PATH + provisioning.secret()));
        body.put("expiresAt", provisioning.expiresAt().toString());
        Html.noStore(ctx);
        ctx.status(201).json(body);
    }

    private void page(Context ctx) {
        String secret = ctx.pathParam("secret");
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
                facts.put(field.getKey().length() > 32 ? field.getKey().substring(0, 32) : field.getKey(),
                        value.length() > 100 ? value.substring(0, 100) : value);
            }
        }));
        Map<String, Object> enrolled = sync.enroll(body.requiredString("secret"), body.requiredString("publicKey"),
                facts, links.base().toString(), ClientInfo.of(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(enrolled);
    }

    private void upload(Context ctx) {
        Readers.Reader reader = readers.authenticate(ctx);
        // Up to 500 events of about 600 bytes each: a larger limit than other requests get.
        JsonNode events = JsonBody.read(ctx, Math.max(maxBody, EVENT_UPLOAD_MAX_BYTES)).node("events")
                .orElseThrow(() -> JsonBody.invalid("events", "an array of events", "nothing"));
        if (!events.isArray()) {
            throw JsonBody.invalid("events", "an array of events", events.getNodeType().toString());
        }
        List<ReaderEvent> parsed = new ArrayList<>();
        for (JsonNode event : events) {
            parsed.add(parse(event));
        }
        ReaderSync.UploadResult result = sync.upload(reader, parsed, ClientInfo.of(ctx));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", result.accepted());
        answer.put("duplicates", result.duplicates());
        answer.put("lastSeq", result.lastSeq());
        answer.put("alerts", result.alerts());
        ctx.json(answer);
    }

    private static ReaderEvent parse(JsonNode event) {
        try {
            return new ReaderEvent(text(event, "eventId"), event.path("seq").asLong(-1), event.path("time").asLong(-1),
                    text(event, "mode"), text(event, "decision"), text(event, "reason"), text(event, "credentialId"),
                    text(event, "userId"), text(event, "doorId"),
                    event.hasNonNull("proofIssuedAt") ? epochSecond(event.get("proofIssuedAt").asLong()) : null,
                    text(event, "detail"), HexFormat.of().parseHex(text(event, "prevHash")),
                    HexFormat.of().parseHex(text(event, "hash")), Base64Url.decode(text(event, "signature")));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.badRequest("invalid_event", "event " + event.path("eventId").asText("?")
                    + " is malformed: " + e.getMessage());
        }
    }

    /** Times a proof can carry: a u32 of epoch seconds. */
    private static long epochSecond(long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("proofIssuedAt must be 0 to 4294967295, got " + value);
        }
        return value;
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
