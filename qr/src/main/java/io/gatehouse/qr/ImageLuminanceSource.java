package io.gatehouse.qr;

import com.google.zxing.LuminanceSource;
import java.awt.image.BufferedImage;

/**
 * Luminance (0 = black .. 255 = white) of every pixel of a {@link BufferedImage}, for ZXing's
 * binarizers. Converted once up front: the binarizer reads most pixels more than once.
 */
final class ImageLuminanceSource extends LuminanceSource {

    private final byte[] luminance;

    ImageLuminanceSource(BufferedImage image) {
        super(image.getWidth(), image.getHeight());
        int width = image.getWidth();
        int height = image.getHeight();
        luminance = new byte[width * height];
        int[] argb = new int[width];
        for (int y = 0; y < height; y++) {
            // getRGB converts from any image type and colour model to sRGB.
            image.getRGB(0, y, width, 1, argb, 0, width);
            for (int x = 0; x < width; x++) {
                luminance[y * width + x] = (byte) luma(argb[x]);
            }
        }
    }

    /**
     * ITU-R BT.601 luma, composited over white: a transparent background shows the page
     * behind it, which is light wherever codes are printed or displayed.
     */
    private static int luma(int argb) {
        int alpha = argb >>> 24;
        int red = (argb >> 16) & 0xFF;
        int green = (argb >> 8) & 0xFF;
        int blue = argb & 0xFF;
        int opaque = (299 * red + 587 * green + 114 * blue + 500) / 1000;
        return (opaque * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    @Override
    public byte[] getRow(int y, byte[] row) {
        if (y < 0 || y >= getHeight()) {
            throw new IllegalArgumentException("row: expected 0.." + (getHeight() - 1) + ", got " + y);
        }
        int width = getWidth();
        byte[] out = row != null && row.length >= width ? row : new byte[width];
        System.arraycopy(luminance, y * width, out, 0, width);
        return out;
    }

    /** Returns the internal array; ZXing's contract forbids callers to modify it. */
    @Override
    public byte[] getMatrix() {
        return luminance;
    }
}
