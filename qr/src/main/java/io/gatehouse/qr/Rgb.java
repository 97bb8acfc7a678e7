package io.gatehouse.qr;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An opaque sRGB colour, 8 bits per channel, as CSS writes it: {@code #rrggbb}.
 *
 * @param red 0..255
 * @param green 0..255
 * @param blue 0..255
 */
public record Rgb(int red, int green, int blue) {

    /** Black, the usual foreground. */
    public static final Rgb BLACK = new Rgb(0, 0, 0);

    /** White, the usual background. */
    public static final Rgb WHITE = new Rgb(255, 255, 255);

    private static final Pattern HEX = Pattern.compile("#[0-9A-Fa-f]{6}");

    /**
     * Creates a colour.
     *
     * @throws IllegalArgumentException if a channel is outside 0..255
     */
    public Rgb {
        for (int channel : new int[] {red, green, blue}) {
            if (channel < 0 || channel > 255) {
                throw new IllegalArgumentException("colour channel: expected 0..255, got " + channel);
            }
        }
    }

    /**
     * Reads {@code #rrggbb}; the hex digits may be either case. Shorthand ({@code #777}), names and alpha are not
     * accepted: a code's colours are chosen once and written in full.
     *
     * @param text the colour; not null
     * @return the colour; never null
     * @throws QrException {@link QrException.Reason#INVALID_COLOUR} if {@code text} is not {@code #} and six hex
     *     digits
     */
    public static Rgb parse(String text) {
        if (text == null || !HEX.matcher(text).matches()) {
            String shown = text == null ? "nothing" : "'" + (text.length() > 20 ? text.substring(0, 20) + "…" : text)
                    + "'";
            throw new QrException(QrException.Reason.INVALID_COLOUR,
                    "QR colour: expected # and six hex digits (#rrggbb), got " + shown);
        }
        int value = Integer.parseInt(text.substring(1), 16);
        return new Rgb(value >> 16, (value >> 8) & 0xFF, value & 0xFF);
    }

    /**
     * WCAG 2 relative luminance: each channel linearised from sRGB ({@code c / 12.92} up to 0.04045, otherwise
     * {@code ((c + 0.055) / 1.055)^2.4}) and weighted 0.2126, 0.7152, 0.0722.
     *
     * @return 0 (black) .. 1 (white)
     */
    public double relativeLuminance() {
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue);
    }

    private static double linear(int channel) {
        double c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    /**
     * The colour as {@code 0xRRGGBB}.
     *
     * @return 0..0xFFFFFF
     */
    public int toInt() {
        return red << 16 | green << 8 | blue;
    }

    /**
     * The colour as {@code #rrggbb}, lower case.
     *
     * @return never null
     */
    public String hex() {
        return String.format(Locale.ROOT, "#%06x", toInt());
    }

    @Override
    public String toString() {
        return hex();
    }
}
