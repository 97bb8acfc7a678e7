package io.gatehouse.qr;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * An encoded QR symbol: an immutable square grid of dark and light modules, with renderers
 * to PNG and SVG.
 *
 * <p>Coordinates are {@code (x, y)} with {@code (0, 0)} at the top left, in modules, excluding
 * the quiet zone.
 */
public final class QrCode {

    /** The quiet zone ISO/IEC 18004 requires around a symbol, in modules. */
    public static final int DEFAULT_QUIET_ZONE = 4;

    /** Largest accepted PNG module scale, in pixels per module. */
    public static final int MAX_MODULE_SCALE = 64;

    /** Largest accepted quiet zone, in modules. */
    public static final int MAX_QUIET_ZONE = 16;

    // Light is 1: the default palette of TYPE_BYTE_BINARY is {black, white}.
    private static final int PNG_DARK = 0;
    private static final int PNG_LIGHT = 1;

    private final int version;
    private final int size;
    private final ErrorCorrection errorCorrection;
    /** Row-major, {@code true} for dark. */
    private final boolean[] modules;

    private QrCode(int version, ErrorCorrection errorCorrection, ByteMatrix matrix) {
        this.version = version;
        this.errorCorrection = errorCorrection;
        this.size = matrix.getWidth();
        this.modules = new boolean[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                modules[y * size + x] = matrix.get(x, y) == 1;
            }
        }
    }

    /**
     * Encodes text in the smallest symbol that holds it at the given error-correction level.
     *
     * <p>Pure ASCII text is encoded without a character-set declaration (ECI), which saves
     * 12 bits and decodes identically everywhere. Any other text is encoded as UTF-8 with an ECI
     * header; this includes text that ISO-8859-1 could represent, because phone scanners
     * commonly read undeclared bytes as UTF-8 and would garble it.
     *
     * @param text the content; not null, may be empty
     * @param level the error-correction level; not null
     * @return the symbol; never null
     * @throws NullPointerException if an argument is null
     * @throws QrException if the text does not fit in version 40 at this level
     */
    public static QrCode encode(String text, ErrorCorrection level) {
        return encode(text, level, 1);
    }

    /**
     * Encodes text in the smallest symbol of at least {@code minVersion} that holds it: a logo needs room that the
     * smallest versions do not have.
     */
    static QrCode encode(String text, ErrorCorrection level, int minVersion) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(level, "level");
        boolean ascii = text.chars().allMatch(c -> c < 0x80);
        Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
        if (!ascii) {
            hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
        }
        com.google.zxing.qrcode.encoder.QRCode encoded;
        try {
            encoded = Encoder.encode(text, level.toZxing(), hints);
            if (encoded.getVersion().getVersionNumber() < minVersion) {
                hints.put(EncodeHintType.QR_VERSION, minVersion);
                encoded = Encoder.encode(text, level.toZxing(), hints);
            }
        } catch (WriterException e) {
            int bytes = ascii ? text.length() : text.getBytes(StandardCharsets.UTF_8).length;
            throw new QrException(QrException.Reason.TEXT_TOO_LONG,
                    "QR: expected text that fits in version 40 at error correction " + level + ", got "
                    + text.length() + " characters (" + bytes + " bytes" + (ascii ? "" : " in UTF-8") + "): "
                    + e.getMessage(), e);
        }
        return new QrCode(encoded.getVersion().getVersionNumber(), level, encoded.getMatrix());
    }

    /**
     * The QR version, which fixes the size: {@code size() == 17 + 4 * version()}.
     *
     * @return 1..40
     */
    public int version() {
        return version;
    }

    /**
     * Modules per side, without the quiet zone.
     *
     * @return 21..177
     */
    public int size() {
        return size;
    }

    /**
     * The error-correction level the symbol was encoded with.
     *
     * @return never null
     */
    public ErrorCorrection errorCorrection() {
        return errorCorrection;
    }

    /**
     * Whether a module is dark.
     *
     * @param x column, 0..{@code size() - 1}
     * @param y row, 0..{@code size() - 1}
     * @return true for dark, false for light
     * @throws IndexOutOfBoundsException if a coordinate is outside the symbol
     */
    public boolean isDark(int x, int y) {
        Objects.checkIndex(x, size);
        Objects.checkIndex(y, size);
        return modules[y * size + x];
    }

    /**
     * Renders a PNG with the {@linkplain #DEFAULT_QUIET_ZONE default quiet zone}.
     *
     * @param moduleScale pixels per module side, 1..{@value #MAX_MODULE_SCALE}
     * @return the PNG bytes; never null
     * @throws IllegalArgumentException if {@code moduleScale} is out of range
     * @see #toPng(int, int)
     */
    public byte[] toPng(int moduleScale) {
        return toPng(moduleScale, DEFAULT_QUIET_ZONE);
    }

    /**
     * Renders a 1-bit black-and-white PNG, {@code (size() + 2 * quietZoneModules) * moduleScale}
     * pixels square.
     *
     * @param moduleScale pixels per module side, 1..{@value #MAX_MODULE_SCALE}
     * @param quietZoneModules light border width in modules, 0..{@value #MAX_QUIET_ZONE}; scanners
     *     need {@value #DEFAULT_QUIET_ZONE} unless the surrounding page is already light
     * @return the PNG bytes, a new array; never null
     * @throws IllegalArgumentException if an argument is out of range
     */
    public byte[] toPng(int moduleScale, int quietZoneModules) {
        checkRange("module scale", moduleScale, 1, MAX_MODULE_SCALE);
        checkRange("quiet zone", quietZoneModules, 0, MAX_QUIET_ZONE);
        int sideModules = size + 2 * quietZoneModules;
        int sidePixels = sideModules * moduleScale;
        BufferedImage image = new BufferedImage(sidePixels, sidePixels, BufferedImage.TYPE_BYTE_BINARY);
        WritableRaster raster = image.getRaster();
        int[] row = new int[sidePixels];
        for (int my = 0; my < sideModules; my++) {
            for (int mx = 0; mx < sideModules; mx++) {
                int value = isDarkWithQuietZone(mx - quietZoneModules, my - quietZoneModules) ? PNG_DARK : PNG_LIGHT;
                Arrays.fill(row, mx * moduleScale, (mx + 1) * moduleScale, value);
            }
            for (int dy = 0; dy < moduleScale; dy++) {
                raster.setPixels(0, my * moduleScale + dy, sidePixels, 1, row);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // A memory-cached stream: ImageIO's default may spill to a temporary file.
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no ImageIO writer for a 1-bit PNG");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Renders an SVG with the {@linkplain #DEFAULT_QUIET_ZONE default quiet zone}.
     *
     * @return the SVG document; never null
     * @see #toSvg(int)
     */
    public String toSvg() {
        return toSvg(DEFAULT_QUIET_ZONE);
    }

    /**
     * Renders a self-contained SVG document: a white square and one black path made of a
     * rectangle per horizontal run of dark modules. The {@code viewBox} is in modules
     * ({@code 0 0 N N} with {@code N = size() + 2 * quietZoneModules}) and there is no fixed
     * width or height, so it scales to its container; {@code shape-rendering="crispEdges"}
     * keeps anti-aliasing from blurring module edges. It has no DOCTYPE and no external
     * references.
     *
     * @param quietZoneModules light border width in modules, 0..{@value #MAX_QUIET_ZONE}
     * @return the SVG document, UTF-8 declared, ASCII only; never null
     * @throws IllegalArgumentException if {@code quietZoneModules} is out of range
     */
    public String toSvg(int quietZoneModules) {
        checkRange("quiet zone", quietZoneModules, 0, MAX_QUIET_ZONE);
        int side = size + 2 * quietZoneModules;
        StringBuilder svg = new StringBuilder(256 + size * size * 3);
        svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 ")
                .append(side).append(' ').append(side)
                .append("\" shape-rendering=\"crispEdges\">\n")
                .append("<rect width=\"").append(side).append("\" height=\"").append(side)
                .append("\" fill=\"#FFFFFF\"/>\n")
                .append("<path fill=\"#000000\" d=\"");
        for (int y = 0; y < size; y++) {
            int x = 0;
            while (x < size) {
                if (!modules[y * size + x]) {
                    x++;
                    continue;
                }
                int start = x;
                while (x < size && modules[y * size + x]) {
                    x++;
                }
                int run = x - start;
                svg.append('M').append(start + quietZoneModules).append(',').append(y + quietZoneModules)
                        .append('h').append(run).append("v1h-").append(run).append('z');
            }
        }
        svg.append("\"/>\n</svg>\n");
        return svg.toString();
    }

    private boolean isDarkWithQuietZone(int x, int y) {
        return x >= 0 && y >= 0 && x < size && y < size && modules[y * size + x];
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("QR " + name + ": expected " + min + ".." + max + ", got " + value);
        }
    }

    @Override
    public String toString() {
        return "QrCode[version " + version + ", " + size + "x" + size + ", error correction " + errorCorrection + "]";
    }
}
