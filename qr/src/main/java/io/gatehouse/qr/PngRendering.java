package io.gatehouse.qr;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/** Draws a symbol as pixels for a PNG. */
final class PngRendering {
    /** Palette indices of the indexed image. */
    private static final int DARK = 0;
    private static final int LIGHT = 1;

    private PngRendering() {
    }

    /**
     * The image: 1-bit indexed (two palette entries, a small file) without a logo, RGB with one.
     *
     * @throws QrException {@link QrException.Reason#INVALID_BRANDING} when the size asked for cannot hold the
     *     symbol or would exceed {@value ModuleSize#MAX_IMAGE_PIXELS} pixels
     */
    static BufferedImage draw(Symbol symbol, Branding branding) {
        int sideModules = symbol.size() + 2 * branding.quietZone();
        int modulePixels;
        int imagePixels;
        switch (branding.moduleSize()) {
            case ModuleSize.Pixels pixels -> {
                modulePixels = pixels.pixels();
                imagePixels = sideModules * modulePixels;
            }
            case ModuleSize.Fit fit -> {
                modulePixels = fit.imagePixels() / sideModules;
                imagePixels = fit.imagePixels();
            }
        }
        if (modulePixels < 1) {
            throw new QrException(QrException.Reason.INVALID_BRANDING, "QR image size: " + imagePixels
                    + " pixels cannot hold the " + sideModules + " modules of this symbol and its quiet zone");
        }
        if (imagePixels > ModuleSize.MAX_IMAGE_PIXELS) {
            throw new QrException(QrException.Reason.INVALID_BRANDING, "QR image size: expected at most "
                    + ModuleSize.MAX_IMAGE_PIXELS + " pixels, got " + sideModules + " modules of " + modulePixels
                    + " pixels = " + imagePixels);
        }
        int origin = (imagePixels - sideModules * modulePixels) / 2 + branding.quietZone() * modulePixels;
        if (branding.logo().isEmpty()) {
            return drawIndexed(symbol, branding, imagePixels, modulePixels, origin);
        }
        BufferedImage image = new BufferedImage(imagePixels, imagePixels, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setColor(new Color(branding.background().toInt()));
            graphics.fillRect(0, 0, imagePixels, imagePixels);
            graphics.setColor(new Color(branding.foreground().toInt()));
            symbol.forEachRun((x, y, length) -> graphics.fillRect(origin + x * modulePixels,
                    origin + y * modulePixels, length * modulePixels, modulePixels));
            Logo logo = branding.logo().orElseThrow();
            double[] box = symbol.logoBox(logo).orElseThrow();
            int width = Math.max(1, (int) Math.floor(box[2] * modulePixels));
            int height = Math.max(1, (int) Math.floor(box[3] * modulePixels));
            int x = origin + (int) Math.round(box[0] * modulePixels + (box[2] * modulePixels - width) / 2);
            int y = origin + (int) Math.round(box[1] * modulePixels + (box[3] * modulePixels - height) / 2);
            graphics.drawImage(logo.scaledToFit(width, height), x, y, null);
        } finally {
            graphics.dispose();
        }
        return image;
    }

    /** Two palette entries, written row by row into the raster: Java2D's drawing on 1-bit images is slow. */
    private static BufferedImage drawIndexed(Symbol symbol, Branding branding, int imagePixels, int modulePixels,
            int origin) {
        BufferedImage image = new BufferedImage(imagePixels, imagePixels, BufferedImage.TYPE_BYTE_BINARY,
                palette(branding.foreground(), branding.background()));
        WritableRaster raster = image.getRaster();
        int[] row = new int[imagePixels];
        Arrays.fill(row, LIGHT);
        for (int py = 0; py < origin; py++) {
            raster.setPixels(0, py, imagePixels, 1, row);
        }
        for (int y = 0; y < symbol.size(); y++) {
            Arrays.fill(row, LIGHT);
            for (int x = 0; x < symbol.size(); x++) {
                if (symbol.drawn(x, y)) {
                    Arrays.fill(row, origin + x * modulePixels, origin + (x + 1) * modulePixels, DARK);
                }
            }
            for (int dy = 0; dy < modulePixels; dy++) {
                raster.setPixels(0, origin + y * modulePixels + dy, imagePixels, 1, row);
            }
        }
        Arrays.fill(row, LIGHT);
        for (int py = origin + symbol.size() * modulePixels; py < imagePixels; py++) {
            raster.setPixels(0, py, imagePixels, 1, row);
        }
        return image;
    }

    private static IndexColorModel palette(Rgb dark, Rgb light) {
        return new IndexColorModel(1, 2, new byte[] {(byte) dark.red(), (byte) light.red()},
                new byte[] {(byte) dark.green(), (byte) light.green()},
                new byte[] {(byte) dark.blue(), (byte) light.blue()});
    }
}
