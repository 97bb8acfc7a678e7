package io.gatehouse.qr;

import com.google.zxing.Binarizer;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.ChecksumException;
import com.google.zxing.DecodeHintType;
import com.google.zxing.FormatException;
import com.google.zxing.LuminanceSource;
import com.google.zxing.NotFoundException;
import com.google.zxing.ReaderException;
import com.google.zxing.common.GlobalHistogramBinarizer;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads a QR code back from an image, to check that what was rendered scans, and to read
 * codes from uploaded pictures.
 */
public final class QrDecoder {

    /**
     * Largest image accepted by {@link #decode(byte[])}, in pixels. A few kilobytes of PNG can
     * declare a gigapixel canvas; this bounds the memory one call can take (about 5 bytes per
     * pixel while decoding).
     */
    public static final long MAX_PIXELS = 64L * 1024 * 1024;

    /**
     * The ways tried in turn. ZXing's finder-pattern search misses a few perfectly rendered symbols (about one text in
     * a thousand, whatever the colours: a mask pattern that mimics a finder), and its local binarizer can lose a code
     * in an unevenly lit photograph; each later way reads what the first one lost. The last one only reads a clean
     * rendering, whose symbol is the image's only content.
     */
    private static final List<Attempt> ATTEMPTS = List.of(
            new Attempt(HybridBinarizer::new, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)),
            new Attempt(GlobalHistogramBinarizer::new, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)),
            new Attempt(HybridBinarizer::new, Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE)));

    private record Attempt(Function<LuminanceSource, Binarizer> binarizer, Map<DecodeHintType, Object> hints) {
    }

    private QrDecoder() {
    }

    /**
     * Decodes the QR code in an encoded image.
     *
     * @param pngOrJpeg the image file's bytes; PNG and JPEG are supported, and any other format
     *     the JDK's ImageIO reads (GIF, BMP, TIFF) works too; not null
     * @return the decoded text; never null
     * @throws NullPointerException if {@code pngOrJpeg} is null
     * @throws QrException if the bytes are not a readable image, the image has more than
     *     {@value #MAX_PIXELS} pixels, or it holds no readable QR code
     */
    public static String decode(byte[] pngOrJpeg) {
        return decode(pngOrJpeg, false);
    }

    /** {@link #decode(byte[])}, reading a light-on-dark symbol inverted. */
    static String decode(byte[] pngOrJpeg, boolean lightOnDark) {
        Objects.requireNonNull(pngOrJpeg, "pngOrJpeg");
        return decode(readImage(pngOrJpeg), lightOnDark);
    }

    /**
     * Decodes the QR code in an image. Transparent pixels count as white.
     *
     * @param image the image, any type; not null
     * @return the decoded text; never null
     * @throws NullPointerException if {@code image} is null
     * @throws QrException if the image holds no readable QR code
     */
    public static String decode(BufferedImage image) {
        return decode(image, false);
    }

    /**
     * Decodes the QR code in an image whose dark modules may be light: a light-on-dark symbol is read with its
     * luminance inverted, as scanners that accept such codes do.
     */
    static String decode(BufferedImage image, boolean lightOnDark) {
        Objects.requireNonNull(image, "image");
        LuminanceSource luminance = new ImageLuminanceSource(image);
        LuminanceSource source = lightOnDark ? luminance.invert() : luminance;
        String dimensions = image.getWidth() + "x" + image.getHeight();
        ReaderException unreadable = null;
        for (Attempt attempt : ATTEMPTS) {
            try {
                // A new reader per call: QRCodeReader keeps decoding state and is not thread-safe.
                return new QRCodeReader().decode(new BinaryBitmap(attempt.binarizer().apply(source)), attempt.hints())
                        .getText();
            } catch (ChecksumException | FormatException e) {
                unreadable = unreadable == null ? e : unreadable;
            } catch (NotFoundException e) {
                // the next way may find it
            }
        }
        if (unreadable != null) {
            throw new QrException(QrException.Reason.NO_CODE, "QR: found a QR code in the " + dimensions
                    + " image but could not read it (" + unreadable.getClass().getSimpleName() + ")", unreadable);
        }
        throw new QrException(QrException.Reason.NO_CODE,
                "QR: expected a QR code in the " + dimensions + " image, found none");
    }

    private static BufferedImage readImage(byte[] bytes) {
        // A memory-cached stream: ImageIO's default may spill to a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new QrException(QrException.Reason.UNREADABLE_IMAGE,
                        "QR: expected a PNG or JPEG image, got " + bytes.length
                        + " bytes that no ImageIO reader recognises");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // Checked from the header, before any pixel memory is allocated.
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new QrException(QrException.Reason.UNREADABLE_IMAGE,
                            "QR: expected an image of at most " + MAX_PIXELS + " pixels, got "
                            + reader.getWidth(0) + "x" + reader.getHeight(0));
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (QrException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO readers throw IOException for truncated files and assorted runtime
            // exceptions for corrupt ones.
            throw new QrException(QrException.Reason.UNREADABLE_IMAGE,
                    "QR: expected a readable image, got " + bytes.length
                    + " bytes that failed to decode: " + e, e);
        }
    }
}
