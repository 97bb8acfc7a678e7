package io.gatehouse.server.device;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.common.Page;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Routes;
import io.gatehouse.server.passkey.PasskeyController;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/** Device enrollment links, the enrollment endpoint devices call, and device management. */
public final class DeviceController {
    private final Devices devices;
    private final Authenticator auth;
    private final Links links;
    private final int maxBody;

    public DeviceController(Devices devices, Authenticator auth, Links links, int maxBody) {
        this.devices = devices;
        this.auth = auth;
        this.links = links;
        this.maxBody = maxBody;
    }

    public void register(Routes routes) {
        routes.post("/api/v1/users/{id}/device-enrollments", this::createEnrollment)
                .get("/api/v1/users/{id}/devices", ctx -> {
                    auth.require(ctx, Permission.USERS_READ);
                    Page.Slice<Device> slice = devices.list(ctx.pathParam("id"), Requests.page(ctx));
                    ctx.json(new DeviceList(slice.items().stream().map(DeviceView::of).toList(), slice.next()));
                })
                .post("/api/v1/users/{id}/devices/revoke", ctx -> {
                    Principal principal = auth.require(ctx, Permission.CREDENTIALS_REVOKE);
                    List<String> revoked = devices.revokeAll(ctx.pathParam("id"), principal, Requests.client(ctx));
                    ctx.json(new RevokedAll(ctx.pathParam("id"), revoked));
                })
                .post("/api/v1/devices/{id}/revoke", ctx -> {
                    Principal principal = auth.require(ctx, Permission.CREDENTIALS_REVOKE);
                    devices.revoke(ctx.pathParam("id"), principal, Requests.client(ctx));
                    ctx.json(new Revoked(ctx.pathParam("id"), "revoked"));
                })
                .get(Devices.PATH + "{token}", this::page)
                .get(Devices.PATH + "{token}/qr.png", this::png)
                .post(Devices.PATH + "{token}", ctx -> {
                    String token = ctx.pathParam("token");
                    // The link is the only credential: a dead one is refused before its body is parsed.
                    devices.checkLink(token);
                    Html.noStore(ctx);
                    ctx.status(201).json(devices.enroll(token, Bodies.read(ctx, maxBody, Devices.Enrollment.class),
                            Requests.client(ctx)));
                });
    }

    private void createEnrollment(Context ctx) {
        Principal principal = auth.require(ctx, Permission.ENROLL);
        Devices.Link link = devices.createEnrollment(ctx.pathParam("id"), principal, Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(new EnrollmentLink(link.id(), links.to(Devices.PATH + link.token()),
                link.expiresAt().toString()));
    }

    /** A new enrollment link; the URL holds its only credential. */
    record EnrollmentLink(String id, String enrollmentUrl, String expiresAt) {
    }

    /** One page of a user's devices. */
    record DeviceList(List<DeviceView> devices, String next) {
    }

    /** A device as the API shows it. */
    record DeviceView(String id, String userId, String credentialId, String kind, String trust, String status,
            String model, String os, String appVersion, String createdAt, String lastUsedAt) {
        static DeviceView of(Device device) {
            return new DeviceView(device.id(), device.userId(), device.credentialId(), device.kind().code(),
                    device.trust().code(),
                    device.active() ? "active" : "revoked", device.model(), device.os(), device.appVersion(),
                    device.createdAt().toString(),
                    device.lastUsedAt() == null ? null : device.lastUsedAt().toString());
        }
    }

    /** The answer to revoking all of a person's devices: those that were active until now. */
    record RevokedAll(String userId, List<String> revoked) {
    }

    /** The answer to a revocation. */
    record Revoked(String id, String status) {
    }

    /**
     * The link as a page: on the phone that opened it, "Use this phone" makes a passkey (the passkey page's script,
     * no inline script); the QR code and the address are for the command-line wallet.
     */
    private void page(Context ctx) {
        String token = ctx.pathParam("token");
        Instant expires;
        try {
            expires = devices.checkLink(token);
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            Html.render(ctx, ProblemMapper.status(e), ProblemMapper.title(e), "<p>" + Html.escape(e.detail()) + "</p>");
            return;
        }
        Html.renderWithScript(ctx, 200, "Enrol a device", "<h2>On this phone</h2><p>Make this phone your door"
                + " device: it keeps a passkey that works only after its fingerprint, face or PIN check, and the"
                + " Gatehouse wallet shows your door codes.</p><p><button type=\"button\""
                + " data-action=\"register-passkey\">Use this phone</button></p>"
                + "<p role=\"status\" data-status=\"ready\"></p>"
                + "<h2>With the command-line wallet</h2><p>Scan this code, or pass the address below, to enrol"
                + " the command-line wallet. The link works once and expires at " + expires + ".</p>"
                + "<div class=\"box\"><img class=\"qr\" alt=\"QR code of this enrollment link\" src=\""
                + Html.escape(Devices.PATH + token + "/qr.png") + "\"></div>"
                + "<p class=\"mono\">" + Html.escape(links.to(Devices.PATH + token)) + "</p>",
                PasskeyController.HELPERS_PATH, PasskeyController.SCRIPT_PATH);
    }

    private void png(Context ctx) {
        String token = ctx.pathParam("token");
        devices.checkLink(token);
        Html.noStore(ctx);
        ctx.contentType("image/png").result(QrCode.encode(links.to(Devices.PATH + token), ErrorCorrection.M)
                .toPng(8, 4));
    }
}
