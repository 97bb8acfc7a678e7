package io.gatehouse.server.codes;

import io.gatehouse.qr.Branding;
import io.gatehouse.qr.Contrast;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.Logo;
import io.gatehouse.qr.ModuleSize;
import io.gatehouse.qr.PdfLayout;
import io.gatehouse.qr.QrException;
import io.gatehouse.qr.QrFormat;
import io.gatehouse.qr.QrImage;
import io.gatehouse.qr.QrRenderer;
import io.gatehouse.qr.Rgb;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.auth.Principal;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.db.Database;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Images of codes with the installation's branding, and the logo they may carry. Every image has been decoded back
 * to its text before it is returned (the {@code qr} module's renderer refuses one that does not decode); the text is
 * only ever a code's link, so an image carries no personal data.
 */
public final class CodeImages {
    /** The largest logo upload, in bytes. */
    public static final int MAX_LOGO_BYTES = 256 * 1024;

    private static final Pattern HEX_COLOUR = Pattern.compile("#?[0-9A-Fa-f]{6}");

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;
    private final QrRenderer renderer;

    public CodeImages(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
        this.renderer = QrRenderer.standard();
    }

    /**
     * What an image should look like, as the request gave it.
     *
     * @param format the file format
     * @param foreground the dark colour as six hex digits, {@code #} optional
     * @param background the light colour as six hex digits, {@code #} optional
     * @param size PNG and SVG: the image side in pixels; PDF: the symbol side in points
     * @param scale PNG and SVG: pixels per module (not with {@code size})
     * @param margin the quiet zone in modules
     * @param errorCorrection the level asked for; a logo raises it to H
     * @param lightOnDark whether a foreground lighter than the background is wanted
     * @param logo whether to put the uploaded logo in the middle
     * @param caption PDF: a line printed under the code
     */
    public record ImageOptions(QrFormat format, String foreground, String background, Optional<Integer> size,
            Optional<Integer> scale, int margin, ErrorCorrection errorCorrection, boolean lightOnDark, boolean logo,
            Optional<String> caption) {
        public ImageOptions {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(foreground, "foreground");
            Objects.requireNonNull(background, "background");
            Objects.requireNonNull(size, "size");
            Objects.requireNonNull(scale, "scale");
            Objects.requireNonNull(errorCorrection, "errorCorrection");
            Objects.requireNonNull(caption, "caption");
        }
    }

    /** A rendered image and its media type. */
    public record Image(byte[] bytes, String mediaType) {
    }

    /** An uploaded logo's dimensions. */
    public record LogoInfo(int width, int height, int bytes) {
    }

    /**
     * Renders {@code text} (a code's link) as the options say.
     *
     * @throws GatehouseException 400 {@code insufficient_contrast} (naming both colours and the ratio),
     *     {@code light_on_dark} or {@code invalid_parameter}; 409 {@code no_logo} when a logo is asked for and none
     *     was uploaded; 422 {@code not_decodable} when the image would not decode back to {@code text}
     */
    public Image render(String text, ImageOptions options) {
        Rgb foreground = colour("fg", options.foreground());
        Rgb background = colour("bg", options.background());
        try {
            Branding branding = branding(foreground, background, options);
            QrImage image = switch (options.format()) {
                case PNG -> renderer.png(text, options.errorCorrection(), branding);
                case SVG -> renderer.svg(text, options.errorCorrection(), branding);
                case PDF -> renderer.pdf(text, options.errorCorrection(), branding, new PdfLayout(
                        options.size().map(Integer::doubleValue).orElse(PdfLayout.DEFAULT.symbolPoints()),
                        options.caption()));
            };
            return new Image(image.bytes(), image.mediaType());
        } catch (QrException e) {
            throw refusal(e, foreground, background);
        }
    }

    private Branding branding(Rgb foreground, Rgb background, ImageOptions options) {
        if (options.size().isPresent() && options.scale().isPresent()) {
            throw GatehouseException.invalid("invalid_parameter", "query parameters 'size' and 'scale' exclude each"
                    + " other: 'size' is the image side, 'scale' the pixels per module");
        }
        ModuleSize moduleSize = options.format() == QrFormat.PDF ? Branding.DEFAULT.moduleSize()
                : options.size().map(ModuleSize::fit).or(() -> options.scale().map(ModuleSize::pixels))
                        .orElse(Branding.DEFAULT.moduleSize());
        Branding branding = new Branding(foreground, background, Optional.empty(), options.margin(), moduleSize,
                options.lightOnDark());
        return options.logo() ? branding.withLogo(storedLogo()) : branding;
    }

    private Logo storedLogo() {
        byte[] png = database.read(CodeBrandingStore::logo).orElseThrow(() -> GatehouseException.conflict("no_logo",
                "no logo has been uploaded; PUT an image/png to /api/v1/codes/logo first, or leave out logo=true"));
        try {
            return Logo.fromPng(png);
        } catch (QrException e) {
            throw GatehouseException.corrupt("the logo in code_branding", e);
        }
    }

    private static Rgb colour(String parameter, String value) {
        if (!HEX_COLOUR.matcher(value).matches()) {
            throw GatehouseException.invalid("invalid_parameter", "query parameter '" + parameter + "' must be a"
                    + " colour of six hex digits (rrggbb, with or without a leading #), got '"
                    + Utf8.truncate(value, 20) + "'");
        }
        return Rgb.parse(value.startsWith("#") ? value : "#" + value);
    }

    private static GatehouseException refusal(QrException e, Rgb foreground, Rgb background) {
        return switch (e.reason()) {
            case INSUFFICIENT_CONTRAST -> {
                Contrast contrast = Contrast.between(foreground, background);
                Map<String, Object> members = new LinkedHashMap<>();
                members.put("foreground", foreground.hex());
                members.put("background", background.hex());
                members.put("contrastRatio", Double.parseDouble(contrast.shown()));
                members.put("minimumRatio", Contrast.MINIMUM);
                yield new GatehouseException(GatehouseException.Kind.INVALID, "insufficient_contrast",
                        "foreground " + foreground.hex() + " on background " + background.hex() + " has a contrast"
                                + " ratio of " + contrast.shown() + ":1 (" + contrast.exact() + "), below the minimum"
                                + " of " + Contrast.MINIMUM + ":1 that WCAG 2 sets and scanning needs",
                        members, e);
            }
            case LIGHT_ON_DARK -> GatehouseException.invalid("light_on_dark", "foreground " + foreground.hex()
                    + " is lighter than background " + background.hex() + "; many scanners read only dark modules"
                    + " on a light ground, so add lightOnDark=true to ask for it explicitly");
            case INVALID_BRANDING, INVALID_COLOUR -> GatehouseException.invalid("invalid_parameter",
                    e.getMessage().replaceFirst("^QR ", ""));
            case TEXT_TOO_LONG -> GatehouseException.unprocessable("code_too_long", e.getMessage());
            case NOT_DECODABLE -> GatehouseException.unprocessable("not_decodable", "the rendered image did not"
                    + " decode back to the code's link, so it is not served; a larger size or scale, a wider margin"
                    + " or no logo may help");
            case INVALID_LOGO, UNREADABLE_IMAGE, NO_CODE -> new GatehouseException("rendering failed: "
                    + e.getMessage(), e);
        };
    }

    /**
     * Stores {@code png} as the logo of code images, replacing any earlier one.
     *
     * @throws GatehouseException 400 {@code invalid_logo} when it is not a PNG of
     *     {@value Logo#MIN_SIDE}..{@value Logo#MAX_SIDE} pixels a side
     */
    public LogoInfo putLogo(byte[] png, Principal by, ClientInfo client) {
        Logo logo;
        try {
            logo = Logo.fromPng(png);
        } catch (QrException e) {
            throw GatehouseException.invalid("invalid_logo", e.getMessage().replaceFirst("^QR logo: ", "the logo: "));
        }
        byte[] stored = logo.png();
        LogoInfo info = new LogoInfo(logo.width(), logo.height(), stored.length);
        database.inTransaction(tx -> {
            CodeBrandingStore.putLogo(tx, stored, logo.width(), logo.height(), by.actor(), clock.millis());
            audit.append(tx, AuditEvent.of(by.actor(), "codes.logo.put", client).subject("codes:logo")
                    .fields(info).success());
            return null;
        });
        return info;
    }

    /**
     * Removes the logo.
     *
     * @throws GatehouseException 404 {@code no_logo} when there is none
     */
    public void deleteLogo(Principal by, ClientInfo client) {
        database.inTransaction(tx -> {
            if (!CodeBrandingStore.deleteLogo(tx)) {
                throw GatehouseException.notFound("no_logo", "no logo has been uploaded");
            }
            audit.append(tx, AuditEvent.of(by.actor(), "codes.logo.delete", client).subject("codes:logo")
                    .success());
            return null;
        });
    }
}
