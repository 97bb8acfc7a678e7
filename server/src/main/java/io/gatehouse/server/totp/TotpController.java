package io.gatehouse.server.totp;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.http.Bodies;
import io.gatehouse.server.http.Forms;
import io.gatehouse.server.http.Html;
import io.gatehouse.server.http.Links;
import io.gatehouse.server.http.ProblemMapper;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * TOTP over HTTP: enrollment links for admins, the enrollment page and activation for the user holding the link,
 * and verification for applications.
 */
public final class TotpController {
    private final TotpEnrollments enrollments;
    private final TotpVerifier verifier;
    private final Authenticator auth;
    private final Links links;
    private final int maxBody;
    private final TotpMetrics metrics;

    public TotpController(TotpEnrollments enrollments, TotpVerifier verifier, Authenticator auth, Links links,
            int maxBody, TotpMetrics metrics) {
        this.enrollments = enrollments;
        this.verifier = verifier;
        this.auth = auth;
        this.links = links;
        this.maxBody = maxBody;
        this.metrics = metrics;
    }

    /** Counts verification outcomes; implemented by the metrics registry. */
    @FunctionalInterface
    public interface TotpMetrics {
        void verified(String kind, Verdict verdict);
    }

    public void register(Routes routes) {
        routes.post("/api/v1/users/{id}/totp/enrollments", this::createEnrollment)
                .delete("/api/v1/users/{id}/totp", this::revoke)
                .post("/api/v1/users/{id}/recovery-codes", this::regenerateRecoveryCodes)
                .post("/api/v1/totp/verify", ctx -> verify(ctx, "totp"))
                .post("/api/v1/recovery/verify", ctx -> verify(ctx, "recovery"))
                .get(TotpEnrollments.PATH + "{token}", this::page)
                .get(TotpEnrollments.PATH + "{token}/qr.png", this::png)
                .get(TotpEnrollments.PATH + "{token}/qr.svg", this::svg)
                .post(TotpEnrollments.PATH + "{token}/activate", this::activate);
    }

    private void createEnrollment(Context ctx) {
        Principal principal = auth.require(ctx, Permission.ENROLL);
        TotpEnrollments.Created created = enrollments.create(ctx.pathParam("id"), principal, Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(new TotpApi.EnrollmentLink(created.id(), links.to(TotpEnrollments.PATH + created.token()),
                created.expiresAt().toString()));
    }

    private void revoke(Context ctx) {
        Principal principal = auth.require(ctx, Permission.CREDENTIALS_REVOKE);
        enrollments.revoke(ctx.pathParam("id"), principal, Requests.client(ctx));
        ctx.status(204);
    }

    private void regenerateRecoveryCodes(Context ctx) {
        Principal principal = auth.require(ctx, Permission.RECOVERY_REGENERATE);
        List<String> codes = enrollments.regenerateRecoveryCodes(ctx.pathParam("id"), principal, Requests.client(ctx));
        Html.noStore(ctx);
        ctx.status(201).json(new TotpApi.RecoveryCodeList(codes));
    }

    private void verify(Context ctx, String kind) {
        Principal principal = auth.require(ctx, Permission.VERIFY);
        TotpApi.CodeRequest body = Bodies.read(ctx, maxBody, TotpApi.CodeRequest.class);
        TotpVerifier.Verification request = new TotpVerifier.Verification(body.username(), body.code(),
                principal.actor(), Requests.client(ctx));
        Verdict verdict = "totp".equals(kind) ? verifier.verifyTotp(request) : verifier.verifyRecoveryCode(request);
        metrics.verified(kind, verdict);
        verdict.retryAfterSeconds().ifPresent(seconds -> ctx.header("Retry-After", String.valueOf(seconds)));
        ctx.status(verdict.accepted() ? 200 : Verdict.LOCKED.equals(verdict.reason()) ? 429 : 401)
                .json(TotpApi.VerdictBody.of(verdict));
    }

    private void page(Context ctx) {
        String token = ctx.pathParam("token");
        TotpEnrollments.View view;
        try {
            view = enrollments.view(token, Requests.client(ctx));
        } catch (GatehouseException e) {
            ProblemMapper.rethrowFaults(e);
            renderProblemPage(ctx, e);
            return;
        }
        String secretGroups = view.secretBase32().replaceAll("(.{4})(?!$)", "$1 ");
        String body = "<p>Scan this code with your authenticator app to add <b>" + Html.escape(view.username())
                + "</b>.</p>"
                + "<div class=\"box\"><img class=\"qr\" alt=\"QR code for your authenticator app\" src=\""
                + Html.escape(TotpEnrollments.PATH + token + "/qr.svg") + "\"></div>"
                + "<p>Cannot scan? Enter this key by hand:</p><p class=\"box mono\" id=\"secret\">"
                + Html.escape(secretGroups) + "</p>"
                + "<p>Settings: " + view.parameters().algorithm().name() + ", " + view.parameters().digits()
                + " digits, every " + view.parameters().periodSeconds() + " seconds. Some apps ignore these"
                + " settings; the first code below proves yours did not.</p>"
                + "<details><summary>otpauth URI</summary><p class=\"mono\" id=\"uri\">"
                + Html.escape(view.otpauthUri()) + "</p></details>"
                + "<form method=\"post\" action=\"" + Html.escape(TotpEnrollments.PATH + token + "/activate") + "\">"
                + "<p><label>Code from the app:"
                + " <input name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6,8}\""
                + " required></label> <button type=\"submit\">Activate</button></p></form>"
                + "<p class=\"warn\">This link works once and expires at " + view.expiresAt() + ".</p>";
        Html.render(ctx, 200, "Set up two-factor authentication", body);
    }

    private void png(Context ctx) {
        QrCode qr = QrCode.encode(enrollments.view(ctx.pathParam("token"), Requests.client(ctx)).otpauthUri(),
                ErrorCorrection.M);
        Html.noStore(ctx);
        ctx.contentType("image/png").result(qr.toPng(8, 4));
    }

    private void svg(Context ctx) {
        QrCode qr = QrCode.encode(enrollments.view(ctx.pathParam("token"), Requests.client(ctx)).otpauthUri(),
                ErrorCorrection.M);
        Html.noStore(ctx);
        ctx.contentType("image/svg+xml").result(qr.toSvg(4).getBytes(StandardCharsets.UTF_8));
    }

    private void activate(Context ctx) {
        boolean form = Forms.isForm(ctx);
        String token = ctx.pathParam("token");
        try {
            enrollments.checkLive(token);
            String code = form ? Forms.field(ctx, maxBody, "code")
                    : Bodies.read(ctx, maxBody, TotpApi.CodeOnly.class).code();
            TotpEnrollments.Activation outcome = enrollments.activate(token, code, Requests.client(ctx));
            if (outcome instanceof TotpEnrollments.Activation.Activated activated) {
                Html.noStore(ctx);
                if (form) {
                    renderRecoveryCodes(ctx, activated.recoveryCodes());
                } else {
                    ctx.json(new TotpApi.Activated(activated.credentialId(), activated.recoveryCodes()));
                }
                return;
            }
            throw GatehouseException.unprocessable("invalid_code", "that code is not the current one for this secret;"
                    + " check the app's clock and that it uses the settings shown on the page");
        } catch (GatehouseException e) {
            if (!form) {
                throw e;
            }
            ProblemMapper.rethrowFaults(e);
            renderProblemPage(ctx, e);
        }
    }

    private static void renderRecoveryCodes(Context ctx, List<String> codes) {
        StringBuilder list = new StringBuilder("<ol class=\"codes\">");
        codes.forEach(code -> list.append("<li>").append(Html.escape(code)).append("</li>"));
        list.append("</ol>");
        Html.render(ctx, 200, "Two-factor authentication is on",
                "<p>Your authenticator app is now active. Save these recovery codes somewhere safe: each works"
                        + " once, and they are shown only now.</p><div class=\"box\">" + list + "</div>");
    }

    private static void renderProblemPage(Context ctx, GatehouseException e) {
        Html.render(ctx, ProblemMapper.status(e), ProblemMapper.title(e), "<p>" + Html.escape(e.detail())
                + "</p><p class=\"mono\">" + Html.escape(e.code()) + "</p>");
    }

}
