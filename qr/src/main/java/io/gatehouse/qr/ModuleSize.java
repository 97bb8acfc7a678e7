package io.gatehouse.qr;

/**
 * How large a rendered image is: a given number of pixels per module, or a given image side that the modules fill
 * as far as whole pixels allow.
 */
public sealed interface ModuleSize {

    /** Largest module side, in pixels. */
    int MAX_MODULE_PIXELS = 64;

    /** Largest image side, in pixels, when a target size is given. */
    int MAX_IMAGE_PIXELS = 4096;

    /**
     * Every module {@code pixels} wide; the image is {@code (size + 2 * quiet zone) * pixels} square.
     *
     * @param pixels 1..{@value #MAX_MODULE_PIXELS}
     */
    record Pixels(int pixels) implements ModuleSize {
        /** @throws QrException {@link QrException.Reason#INVALID_BRANDING} if out of range */
        public Pixels {
            if (pixels < 1 || pixels > MAX_MODULE_PIXELS) {
                throw new QrException(QrException.Reason.INVALID_BRANDING,
                        "QR module size: expected 1.." + MAX_MODULE_PIXELS + " pixels, got " + pixels);
            }
        }
    }

    /**
     * An image exactly {@code imagePixels} square: modules as many whole pixels as fit, the rest shared out to the
     * margin on both sides.
     *
     * @param imagePixels 21..{@value #MAX_IMAGE_PIXELS}
     */
    record Fit(int imagePixels) implements ModuleSize {
        /** @throws QrException {@link QrException.Reason#INVALID_BRANDING} if out of range */
        public Fit {
            if (imagePixels < 21 || imagePixels > MAX_IMAGE_PIXELS) {
                throw new QrException(QrException.Reason.INVALID_BRANDING,
                        "QR image size: expected 21.." + MAX_IMAGE_PIXELS + " pixels, got " + imagePixels);
            }
        }
    }

    /**
     * Modules of a fixed pixel size.
     *
     * @param pixels 1..{@value #MAX_MODULE_PIXELS}
     * @return the size; never null
     */
    static ModuleSize pixels(int pixels) {
        return new Pixels(pixels);
    }

    /**
     * An image of a fixed side.
     *
     * @param imagePixels 21..{@value #MAX_IMAGE_PIXELS}
     * @return the size; never null
     */
    static ModuleSize fit(int imagePixels) {
        return new Fit(imagePixels);
    }
}
