package io.gatehouse.qr;

import java.util.Optional;

/**
 * An encoded symbol with the logo zone cut out of it: what every format draws.
 *
 * @param code the encoded symbol
 * @param zone where the logo goes, when there is one
 */
record Symbol(QrCode code, Optional<LogoZone> zone) {

    /**
     * Encodes {@code text} for {@code branding}: at the requested level without a logo; with one, at level H and in
     * the smallest version whose {@link LogoZone} has room for it.
     */
    static Symbol encode(String text, ErrorCorrection level, Branding branding, double maxLogoArea) {
        if (branding.logo().isEmpty()) {
            return new Symbol(QrCode.encode(text, level), Optional.empty());
        }
        QrCode code = QrCode.encode(text, ErrorCorrection.H);
        Optional<LogoZone> zone = LogoZone.of(code.size(), maxLogoArea);
        while (zone.isEmpty()) {
            code = QrCode.encode(text, ErrorCorrection.H, code.version() + 1);
            zone = LogoZone.of(code.size(), maxLogoArea);
        }
        return new Symbol(code, zone);
    }

    int size() {
        return code.size();
    }

    /** Whether the module at {@code (x, y)} is drawn in the foreground colour: dark, and not under the logo. */
    boolean drawn(int x, int y) {
        return code.isDark(x, y) && zone.map(z -> !z.contains(x, y)).orElse(true);
    }

    /**
     * Calls {@code run} once per horizontal run of drawn modules, row by row: one rectangle per run keeps SVG and
     * PDF small.
     */
    void forEachRun(RunConsumer run) {
        int size = code.size();
        for (int y = 0; y < size; y++) {
            int x = 0;
            while (x < size) {
                if (!drawn(x, y)) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < size && drawn(x, y)) {
                    x++;
                }
                run.accept(start, y, x - start);
            }
        }
    }

    /** Receives one run of drawn modules. */
    @FunctionalInterface
    interface RunConsumer {
        void accept(int x, int y, int length);
    }

    /**
     * Where the logo goes inside the zone, in modules from the symbol's top left: centred in the zone less one
     * module of padding on each side, scaled to fit without distortion.
     *
     * @return {x, y, width, height} in modules; empty without a logo
     */
    Optional<double[]> logoBox(Logo logo) {
        return zone.map(z -> {
            double box = z.side() - 2;
            double scale = Math.min(box / logo.width(), box / logo.height());
            double width = logo.width() * scale;
            double height = logo.height() * scale;
            return new double[] {z.first() + 1 + (box - width) / 2, z.first() + 1 + (box - height) / 2, width, height};
        });
    }
}
