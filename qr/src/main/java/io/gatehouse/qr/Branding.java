package io.gatehouse.qr;

import java.util.Objects;
import java.util.Optional;

/**
 * How a code looks: its colours, an optional logo, its quiet zone and its size. A branding that exists is one that
 * scans: its constructor refuses colours below the WCAG 2 minimum contrast ({@value Contrast#MINIMUM}:1), and a
 * foreground lighter than the background unless {@code allowLightOnDark} says so explicitly (many scanners, older
 * phone cameras among them, find only dark modules on a light ground).
 *
 * @param foreground the colour of dark modules; not null
 * @param background the colour of light modules, the quiet zone and the logo's safe zone; not null
 * @param logo a logo for the middle of the code; it raises error correction to {@link ErrorCorrection#H}
 * @param quietZone the margin around the symbol, in modules, 0..{@value #MAX_QUIET_ZONE}; ISO/IEC 18004 asks
 *     {@value QrCode#DEFAULT_QUIET_ZONE} unless the surrounding page is already the background colour
 * @param moduleSize pixels per module or the image side, for PNG (and the SVG's nominal width); not null
 * @param allowLightOnDark whether a foreground lighter than the background is accepted
 */
public record Branding(Rgb foreground, Rgb background, Optional<Logo> logo, int quietZone, ModuleSize moduleSize,
        boolean allowLightOnDark) {

    /** Largest quiet zone, in modules. */
    public static final int MAX_QUIET_ZONE = 16;

    /** Black on white, no logo, the standard quiet zone, 8 pixels per module. */
    public static final Branding DEFAULT = new Branding(Rgb.BLACK, Rgb.WHITE, Optional.empty(),
            QrCode.DEFAULT_QUIET_ZONE, ModuleSize.pixels(8), false);

    /**
     * Creates a branding.
     *
     * @throws QrException {@link QrException.Reason#INSUFFICIENT_CONTRAST} naming both colours and the ratio,
     *     {@link QrException.Reason#LIGHT_ON_DARK} for a light foreground that was not allowed, or
     *     {@link QrException.Reason#INVALID_BRANDING} for a quiet zone out of range
     */
    public Branding {
        Objects.requireNonNull(foreground, "foreground");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(logo, "logo");
        Objects.requireNonNull(moduleSize, "moduleSize");
        if (quietZone < 0 || quietZone > MAX_QUIET_ZONE) {
            throw new QrException(QrException.Reason.INVALID_BRANDING,
                    "QR quiet zone: expected 0.." + MAX_QUIET_ZONE + " modules, got " + quietZone);
        }
        Contrast contrast = Contrast.between(foreground, background);
        if (!contrast.sufficient()) {
            throw new QrException(QrException.Reason.INSUFFICIENT_CONTRAST, "QR colours: foreground " + foreground
                    + " on background " + background + " have a contrast ratio of " + contrast.shown() + ":1 ("
                    + contrast.exact() + "), below the minimum " + Contrast.MINIMUM + ":1 (WCAG 2)");
        }
        if (foreground.relativeLuminance() > background.relativeLuminance() && !allowLightOnDark) {
            throw new QrException(QrException.Reason.LIGHT_ON_DARK, "QR colours: foreground " + foreground
                    + " is lighter than background " + background + "; light-on-dark codes must be allowed"
                    + " explicitly, since many scanners find only dark modules on a light ground");
        }
    }

    /**
     * The foreground is lighter than the background (and that was allowed).
     *
     * @return true for light modules on a dark ground
     */
    public boolean lightOnDark() {
        return foreground.relativeLuminance() > background.relativeLuminance();
    }

    /**
     * The contrast ratio of the two colours.
     *
     * @return at least {@value Contrast#MINIMUM}
     */
    public Contrast contrast() {
        return Contrast.between(foreground, background);
    }

    /**
     * The same with other colours.
     *
     * @param foreground dark modules; not null
     * @param background light modules; not null
     * @return a new branding; never null
     * @throws QrException as the constructor does
     */
    public Branding withColours(Rgb foreground, Rgb background) {
        return new Branding(foreground, background, logo, quietZone, moduleSize, allowLightOnDark);
    }

    /**
     * The same with light-on-dark allowed or not.
     *
     * @param allow whether to allow it
     * @return a new branding; never null
     */
    public Branding withLightOnDarkAllowed(boolean allow) {
        return new Branding(foreground, background, logo, quietZone, moduleSize, allow);
    }

    /**
     * The same with a logo.
     *
     * @param logo the logo; not null
     * @return a new branding; never null
     */
    public Branding withLogo(Logo logo) {
        return new Branding(foreground, background, Optional.of(logo), quietZone, moduleSize, allowLightOnDark);
    }

    /**
     * The same with another quiet zone.
     *
     * @param modules 0..{@value #MAX_QUIET_ZONE}
     * @return a new branding; never null
     */
    public Branding withQuietZone(int modules) {
        return new Branding(foreground, background, logo, modules, moduleSize, allowLightOnDark);
    }

    /**
     * The same with another size.
     *
     * @param size pixels per module or image side; not null
     * @return a new branding; never null
     */
    public Branding withModuleSize(ModuleSize size) {
        return new Branding(foreground, background, logo, quietZone, size, allowLightOnDark);
    }
}
