package io.gatehouse.qr;

/** The image formats {@link QrRenderer} writes. */
public enum QrFormat {
    /** A raster image; 1-bit indexed without a logo, RGB with one. */
    PNG("image/png"),
    /** A vector image sized in modules, with the logo embedded as a PNG data URI. */
    SVG("image/svg+xml"),
    /** A one-page PDF for print, the code at no less than {@link PdfLayout#MIN_SYMBOL_POINTS}. */
    PDF("application/pdf");

    private final String mediaType;

    QrFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /**
     * The IANA media type.
     *
     * @return for example {@code image/png}; never null
     */
    public String mediaType() {
        return mediaType;
    }
}
