package io.gatehouse.qr;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A logo to place in the middle of a code. It is kept as decoded pixels and re-encoded as a fresh PNG: what an SVG
 * or PDF embeds is never the uploaded file itself, so metadata chunks and whatever else the upload carried stay out.
 */
public final class Logo {

    /** Smallest accepted width and height, in pixels: smaller logos are unrecognisable at any print size. */
    public static final int MIN_SIDE = 16;

    /** Largest accepted width and height, in pixels: far more than a logo zone of a few dozen modules shows. */
    public static final int MAX_SIDE = 1024;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private final BufferedImage image;
    private final byte[] png;

    private Logo(BufferedImage image) {
        this.image = toArgb(image);
        this.png = encodePng(this.image);
    }

    /**
     * Reads a PNG logo. The dimensions are checked from the header, before pixel memory is allocated.
     *
     * @param pngBytes the PNG file; not null
     * @return the logo; never null
     * @throws QrException {@link QrException.Reason#INVALID_LOGO} if the bytes are not a readable PNG or its width
     *     or height is outside {@value #MIN_SIDE}..{@value #MAX_SIDE}
     */
    public static Logo fromPng(byte[] pngBytes) {
        Objects.requireNonNull(pngBytes, "pngBytes");
        if (pngBytes.length < PNG_SIGNATURE.length
                || !Arrays.equals(pngBytes, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0, PNG_SIGNATURE.length)) {
            throw invalid("expected a PNG file, got " + pngBytes.length + " bytes without the PNG signature", null);
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(pngBytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                checkSides(reader.getWidth(0), reader.getHeight(0));
                return new Logo(reader.read(0));
            } finally {
                reader.dispose();
            }
        } catch (QrException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw invalid("expected a readable PNG, got " + pngBytes.length + " bytes that failed to decode: " + e, e);
        }
    }

    /**
     * A logo from pixels already in memory.
     *
     * @param image the logo; not null; transparent parts show the code's background
     * @return the logo; never null
     * @throws QrException {@link QrException.Reason#INVALID_LOGO} if a side is outside {@value #MIN_SIDE}..{@value
     *     #MAX_SIDE}
     */
    public static Logo of(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        checkSides(image.getWidth(), image.getHeight());
        return new Logo(image);
    }

    private static void checkSides(int width, int height) {
        if (width < MIN_SIDE || height < MIN_SIDE || width > MAX_SIDE || height > MAX_SIDE) {
            throw invalid("expected a width and height of " + MIN_SIDE + ".." + MAX_SIDE + " pixels, got " + width
                    + "x" + height, null);
        }
    }

    private static QrException invalid(String detail, Throwable cause) {
        return new QrException(QrException.Reason.INVALID_LOGO, "QR logo: " + detail, cause);
    }

    /**
     * Width in pixels.
     *
     * @return {@value #MIN_SIDE}..{@value #MAX_SIDE}
     */
    public int width() {
        return image.getWidth();
    }

    /**
     * Height in pixels.
     *
     * @return {@value #MIN_SIDE}..{@value #MAX_SIDE}
     */
    public int height() {
        return image.getHeight();
    }

    /**
     * The logo re-encoded as a PNG (RGBA, no metadata).
     *
     * @return a new array; never null
     */
    public byte[] png() {
        return png.clone();
    }

    /** The pixels, for PDF embedding; callers must not modify them. */
    BufferedImage image() {
        return image;
    }

    /**
     * The logo scaled to fit {@code width} x {@code height} pixels. Large reductions go by halves first: one bicubic
     * step from 1024 to 60 pixels would sample a few source pixels and drop the rest, so thin strokes would vanish.
     */
    BufferedImage scaledToFit(int width, int height) {
        BufferedImage current = image;
        while (current.getWidth() / 2 >= width && current.getHeight() / 2 >= height) {
            current = resize(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        return resize(current, width, height);
    }

    private static BufferedImage resize(BufferedImage source, int width, int height) {
        BufferedImage target = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_ARGB);
        Graphics2D graphics = target.createGraphics();
        try {
            graphics.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            graphics.drawImage(source, 0, 0, target.getWidth(), target.getHeight(), null);
        } finally {
            graphics.dispose();
        }
        return target;
    }

    private static BufferedImage toArgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_ARGB) {
            return image;
        }
        BufferedImage argb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D graphics = argb.createGraphics();
        try {
            graphics.drawImage(image, 0, 0, null);
        } finally {
            graphics.dispose();
        }
        return argb;
    }

    static byte[] encodePng(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // A memory-cached stream: ImageIO's default may spill to a temporary file.
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no ImageIO writer for a PNG of type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        }
        return bytes.toByteArray();
    }

    @Override
    public String toString() {
        return "Logo[" + width() + "x" + height() + "]";
    }
}
