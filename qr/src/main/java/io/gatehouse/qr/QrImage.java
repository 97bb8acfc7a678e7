package io.gatehouse.qr;

import java.util.Objects;

/**
 * A rendered code that has been decoded back to its text.
 *
 * @param format the file format; not null
 * @param bytes the file; not null (a copy is kept and handed out)
 * @param version the QR version of the symbol, 1..40
 * @param errorCorrection the level it was encoded at (H whenever it carries a logo); not null
 */
public record QrImage(QrFormat format, byte[] bytes, int version, ErrorCorrection errorCorrection) {

    /** Copies {@code bytes}. */
    public QrImage {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(errorCorrection, "errorCorrection");
        bytes = bytes.clone();
    }

    /**
     * The file.
     *
     * @return a new array; never null
     */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * The media type of {@link #format()}.
     *
     * @return never null
     */
    public String mediaType() {
        return format.mediaType();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof QrImage image && format == image.format && version == image.version
                && errorCorrection == image.errorCorrection && java.util.Arrays.equals(bytes, image.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(format, version, errorCorrection, java.util.Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "QrImage[" + format + ", " + bytes.length + " bytes, version " + version + ", error correction "
                + errorCorrection + "]";
    }
}
