package io.gatehouse.server.codes;

import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrFormat;
import io.gatehouse.server.auth.Permission;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.http.ApiException;
import io.gatehouse.server.http.Authenticator;
import io.gatehouse.server.http.JsonBody;
import io.gatehouse.server.http.MediaType;
import io.gatehouse.server.http.QueryParams;
import io.gatehouse.server.http.Requests;
import io.gatehouse.server.http.Routes;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;

/**
 * Images of managed codes over HTTP ({@code GET /api/v1/codes/{id}/image.png}, {@code .svg}, {@code .pdf}) and the
 * logo they may carry ({@code PUT} and {@code DELETE /api/v1/codes/logo}).
 */
public final class CodeImageController {
    /** The path of the logo; its body limit is {@link CodeImages#MAX_LOGO_BYTES}, above the server's default. */
    public static final String LOGO_PATH = "/api/v1/codes/logo";

    private final CodeUrls urls;
    private final CodeImages images;
    private final Authenticator auth;

    public CodeImageController(Routes routes, CodeUrls urls, CodeImages images, Authenticator auth) {
        this.urls = urls;
        this.images = images;
        this.auth = auth;
        routes.put(LOGO_PATH, this::putLogo)
                .delete(LOGO_PATH, this::deleteLogo)
                .get("/api/v1/codes/{id}/image.png", ctx -> image(ctx, QrFormat.PNG))
                .get("/api/v1/codes/{id}/image.svg", ctx -> image(ctx, QrFormat.SVG))
                .get("/api/v1/codes/{id}/image.pdf", ctx -> image(ctx, QrFormat.PDF));
    }

    private void image(Context ctx, QrFormat format) {
        auth.require(ctx, Permission.CODES_READ);
        String id = ctx.pathParam("id");
        CodeImages.ImageOptions options = options(ctx, format);
        String url = urls.urlOf(id).orElseThrow(() -> GatehouseException.notFound("code_not_found",
                "no code has the id '" + Utf8.truncate(id, 60) + "'"));
        CodeImages.Image image = images.render(url, options);
        // The link in the image is as good as the code itself: no shared cache keeps a copy.
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Disposition", "inline; filename=\"code-" + id.replaceAll("[^A-Za-z0-9_-]", "_") + "."
                + format.name().toLowerCase(Locale.ROOT) + "\"");
        if (format == QrFormat.SVG) {
            // Opened on its own, an SVG is a document: nothing in it may run or load.
            ctx.header("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'");
        }
        ctx.contentType(image.mediaType()).result(image.bytes());
    }

    private static CodeImages.ImageOptions options(Context ctx, QrFormat format) {
        boolean pdf = format == QrFormat.PDF;
        Optional<Integer> size = optionalNumber(ctx, "size", pdf ? 58 : 21, pdf ? 720 : 4096);
        Optional<Integer> scale = optionalNumber(ctx, "scale", 1, 64);
        if (pdf && scale.isPresent()) {
            throw GatehouseException.invalid("invalid_parameter", "query parameter 'scale' does not apply to a PDF;"
                    + " 'size' gives its print size in points");
        }
        Optional<String> caption = Optional.ofNullable(ctx.queryParam("caption"));
        if (!pdf && caption.isPresent()) {
            throw GatehouseException.invalid("invalid_parameter", "query parameter 'caption' applies to a PDF only");
        }
        return new CodeImages.ImageOptions(format, Optional.ofNullable(ctx.queryParam("fg")).orElse("000000"),
                Optional.ofNullable(ctx.queryParam("bg")).orElse("ffffff"), size, scale,
                (int) QueryParams.wholeNumber(ctx, "margin", 4, 0, 16), errorCorrection(ctx),
                flag(ctx, "lightOnDark"), flag(ctx, "logo"), caption);
    }

    private static Optional<Integer> optionalNumber(Context ctx, String name, int min, int max) {
        return ctx.queryParam(name) == null ? Optional.empty()
                : Optional.of((int) QueryParams.wholeNumber(ctx, name, 0, min, max));
    }

    private static ErrorCorrection errorCorrection(Context ctx) {
        String raw = ctx.queryParam("ec");
        if (raw == null) {
            return ErrorCorrection.M;
        }
        return switch (raw.toUpperCase(Locale.ROOT)) {
            case "L" -> ErrorCorrection.L;
            case "M" -> ErrorCorrection.M;
            case "Q" -> ErrorCorrection.Q;
            case "H" -> ErrorCorrection.H;
            default -> throw GatehouseException.invalid("invalid_parameter", "query parameter 'ec' must be one of"
                    + " L, M, Q, H, got '" + Utf8.truncate(raw, 20) + "'");
        };
    }

    private static boolean flag(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.equals("false")) {
            return false;
        }
        if (raw.equals("true")) {
            return true;
        }
        throw GatehouseException.invalid("invalid_parameter", "query parameter '" + name + "' must be true or false,"
                + " got '" + Utf8.truncate(raw, 20) + "'");
    }

    private void putLogo(Context ctx) {
        Principal principal = auth.require(ctx, Permission.CODES_WRITE);
        String type = ctx.contentType();
        boolean png = type != null && MediaType.parse(type)
                .filter(m -> m.type().equals("image") && m.subtype().equals("png")).isPresent();
        if (!png) {
            throw new ApiException(415, "unsupported_media_type", "Unsupported media type", "expected Content-Type"
                    + " image/png, got " + (type == null ? "none" : "'" + Utf8.truncate(type, 100) + "'"));
        }
        byte[] body = JsonBody.readBounded(ctx, CodeImages.MAX_LOGO_BYTES);
        ctx.json(images.putLogo(body, principal, Requests.client(ctx)));
    }

    private void deleteLogo(Context ctx) {
        Principal principal = auth.require(ctx, Permission.CODES_WRITE);
        images.deleteLogo(principal, Requests.client(ctx));
        ctx.status(204);
    }
}
