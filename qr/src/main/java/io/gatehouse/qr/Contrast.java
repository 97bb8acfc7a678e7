package io.gatehouse.qr;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * The WCAG 2 contrast ratio of two colours, {@code (L1 + 0.05) / (L2 + 0.05)} with {@code L1} the relative luminance
 * of the lighter one: 1 for equal colours, 21 for black on white.
 *
 * <p>A QR code is refused below {@value #MINIMUM}:1, the ratio WCAG asks of normal text. Scanners binarise the image
 * at a threshold between its darkest and lightest parts; at lower contrast, print, glare and cheap cameras push
 * modules across it.
 *
 * @param ratio 1..21
 */
public record Contrast(double ratio) {

    /** The smallest ratio accepted, WCAG 2 level AA for normal text. */
    public static final double MINIMUM = 4.5;

    /**
     * The contrast ratio of two colours, in either order.
     *
     * @param a a colour; not null
     * @param b the other colour; not null
     * @return the ratio; never null
     */
    public static Contrast between(Rgb a, Rgb b) {
        double la = Objects.requireNonNull(a, "a").relativeLuminance();
        double lb = Objects.requireNonNull(b, "b").relativeLuminance();
        return new Contrast((Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05));
    }

    /**
     * Whether the ratio reaches {@value #MINIMUM}. The exact ratio is compared, never a rounded one: 4.496 is refused
     * although it rounds to 4.50.
     *
     * @return true if sufficient
     */
    public boolean sufficient() {
        return ratio >= MINIMUM;
    }

    /**
     * The ratio to two decimals, as contrast checkers show it, except that a refused ratio never shows as reaching
     * the minimum: 4.478 shows as {@code 4.48}, 4.496 as {@code 4.49} (not 4.50), 4.542 as {@code 4.54}.
     *
     * @return for example {@code "4.48"}; never null
     */
    public String shown() {
        BigDecimal exact = BigDecimal.valueOf(ratio);
        BigDecimal rounded = exact.setScale(2, RoundingMode.HALF_UP);
        if (!sufficient() && rounded.doubleValue() >= MINIMUM) {
            rounded = exact.setScale(2, RoundingMode.DOWN);
        }
        return rounded.toPlainString();
    }

    /**
     * The ratio to three decimals, cut off (never rounded up), for messages that give the exact figure too.
     *
     * @return for example {@code "4.478"}; never null
     */
    public String exact() {
        return BigDecimal.valueOf(ratio).setScale(3, RoundingMode.DOWN).toPlainString();
    }
}
