package io.gatehouse.wallet.cli;

import io.gatehouse.qr.QrCode;
import java.util.Objects;

/**
 * Draws a QR code with Unicode half blocks: each character cell holds two modules, one above the
 * other, so the code keeps its square shape in a terminal whose cells are about twice as tall as wide.
 *
 * <p>A scanner needs dark modules on a light ground with a light quiet zone around the code. Most
 * terminals have a dark background, so by default the <em>light</em> modules, quiet zone included,
 * are drawn as ink; for a terminal with a light background the dark modules are drawn instead.
 */
public final class TerminalQr {

    private static final char BOTH = '\u2588';  // █ full block
    private static final char UPPER = '\u2580'; // ▀ upper half block
    private static final char LOWER = '\u2584'; // ▄ lower half block
    private static final char NEITHER = ' ';

    private TerminalQr() {
    }

    /**
     * Renders the code with the standard 4-module quiet zone.
     *
     * @param code the code; not null
     * @param lightBackground true for a terminal that draws dark text on a light background
     * @return {@code ceil((size + 8) / 2)} lines of {@code size + 8} characters, each ending in
     *     {@code '\n'}; never null
     * @throws NullPointerException if {@code code} is null
     */
    public static String render(QrCode code, boolean lightBackground) {
        Objects.requireNonNull(code, "code");
        int quiet = QrCode.DEFAULT_QUIET_ZONE;
        int side = code.size() + 2 * quiet;
        StringBuilder out = new StringBuilder((side + 1) * (side + 1) / 2);
        for (int y = 0; y < side; y += 2) {
            for (int x = 0; x < side; x++) {
                boolean upper = ink(code, x - quiet, y - quiet, lightBackground);
                // An odd last row has nothing below it: the terminal's own background shows there.
                boolean lower = y + 1 < side && ink(code, x - quiet, y + 1 - quiet, lightBackground);
                out.append(upper ? (lower ? BOTH : UPPER) : (lower ? LOWER : NEITHER));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Whether the module at (x, y), quiet zone coordinates allowed, is drawn as ink. */
    private static boolean ink(QrCode code, int x, int y, boolean lightBackground) {
        boolean dark = x >= 0 && y >= 0 && x < code.size() && y < code.size() && code.isDark(x, y);
        return lightBackground == dark;
    }
}
