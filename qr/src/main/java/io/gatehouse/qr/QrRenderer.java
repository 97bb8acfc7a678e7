package io.gatehouse.qr;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * Renders branded codes as PNG, SVG and PDF, and decodes every image back with ZXing before returning it: an image
 * that does not decode to exactly the encoded text is refused ({@link QrException.Reason#NOT_DECODABLE}), never
 * returned.
 *
 * <ul>
 *   <li>PNG: the encoded file is read back and decoded.</li>
 *   <li>SVG: the document is rasterised from its own elements ({@link SvgRaster}) and decoded.</li>
 *   <li>PDF: the page is rendered with PDFBox at a resolution that gives each module at least
 *       {@value #PDF_CHECK_PIXELS_PER_MODULE} pixels, and decoded.</li>
 * </ul>
 *
 * A logo raises error correction to H whatever level was asked for (see {@link LogoZone} for where it may go).
 * Instances are immutable and thread-safe.
 */
public final class QrRenderer {

    /** Pixels per module when a PDF page is rendered for its check. */
    static final int PDF_CHECK_PIXELS_PER_MODULE = 4;

    /** Pixels per {@code viewBox} unit (one module) when an SVG is rasterised for its check. */
    static final int SVG_CHECK_PIXELS_PER_MODULE = 4;

    private static final QrRenderer STANDARD = new QrRenderer(image -> { });

    /** Alters a PNG's pixels before they are encoded; a no-op except in tests that need an image that fails. */
    private final Consumer<BufferedImage> pngTamper;

    QrRenderer(Consumer<BufferedImage> pngTamper) {
        this.pngTamper = pngTamper;
    }

    /**
     * The renderer.
     *
     * @return never null
     */
    public static QrRenderer standard() {
        return STANDARD;
    }

    /**
     * Renders a code in any format; PDFs use {@link PdfLayout#DEFAULT}.
     *
     * @param format the format; not null
     * @param text the content; not null
     * @param level the error correction asked for; raised to H with a logo
     * @param branding colours, logo, margin and size; not null
     * @return the checked image; never null
     * @throws QrException if the text does not fit, the branding's size is out of range, or the image does not
     *     decode back to {@code text}
     */
    public QrImage render(QrFormat format, String text, ErrorCorrection level, Branding branding) {
        return switch (format) {
            case PNG -> png(text, level, branding);
            case SVG -> svg(text, level, branding);
            case PDF -> pdf(text, level, branding, PdfLayout.DEFAULT);
        };
    }

    /**
     * A PNG, sized by the branding's {@link ModuleSize}.
     *
     * @see #render
     */
    public QrImage png(String text, ErrorCorrection level, Branding branding) {
        Symbol symbol = symbol(text, level, branding);
        BufferedImage pixels = PngRendering.draw(symbol, branding);
        pngTamper.accept(pixels);
        byte[] png = Logo.encodePng(pixels);
        requireDecodes(text, QrFormat.PNG, () -> QrDecoder.decode(png, branding.lightOnDark()));
        return image(QrFormat.PNG, png, symbol);
    }

    /**
     * An SVG document, its {@code width} and {@code height} from the branding's {@link ModuleSize}.
     *
     * @see #render
     */
    public QrImage svg(String text, ErrorCorrection level, Branding branding) {
        Symbol symbol = symbol(text, level, branding);
        String svg = SvgRendering.write(symbol, branding);
        requireDecodes(text, QrFormat.SVG, () -> QrDecoder.decode(SvgRaster.rasterise(svg,
                SVG_CHECK_PIXELS_PER_MODULE), branding.lightOnDark()));
        return image(QrFormat.SVG, svg.getBytes(StandardCharsets.UTF_8), symbol);
    }

    /**
     * A one-page PDF; the branding's {@link ModuleSize} does not apply, the layout's print size does.
     *
     * @param layout print size and caption; not null
     * @see #render
     */
    public QrImage pdf(String text, ErrorCorrection level, Branding branding, PdfLayout layout) {
        Objects.requireNonNull(layout, "layout");
        Symbol symbol = symbol(text, level, branding);
        byte[] pdf = PdfRendering.write(symbol, branding, layout);
        float dpi = (float) Math.min(600, Math.max(72, Math.ceil(PDF_CHECK_PIXELS_PER_MODULE * 72
                / (layout.symbolPoints() / symbol.size()))));
        requireDecodes(text, QrFormat.PDF, () -> QrDecoder.decode(renderPage(pdf, dpi), branding.lightOnDark()));
        return image(QrFormat.PDF, pdf, symbol);
    }

    private static Symbol symbol(String text, ErrorCorrection level, Branding branding) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(branding, "branding");
        return Symbol.encode(text, level, branding, LogoZone.MAX_AREA_FRACTION);
    }

    private static QrImage image(QrFormat format, byte[] bytes, Symbol symbol) {
        return new QrImage(format, bytes, symbol.code().version(), symbol.code().errorCorrection());
    }

    static BufferedImage renderPage(byte[] pdf, float dpi) {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return new PDFRenderer(document).renderImageWithDPI(0, dpi, ImageType.RGB);
        } catch (IOException e) {
            throw new UncheckedIOException("rendering the PDF just written failed", e);
        }
    }

    /** Decodes with {@code decoder} and refuses anything but exactly {@code text}. */
    static void requireDecodes(String text, QrFormat format, java.util.function.Supplier<String> decoder) {
        String decoded;
        try {
            decoded = decoder.get();
        } catch (QrException e) {
            if (e.reason() == QrException.Reason.NOT_DECODABLE) {
                throw e;
            }
            throw new QrException(QrException.Reason.NOT_DECODABLE, "QR: the rendered " + format
                    + " does not decode back (" + e.getMessage() + "); it was not returned", e);
        }
        if (!decoded.equals(text)) {
            throw new QrException(QrException.Reason.NOT_DECODABLE, "QR: the rendered " + format + " decodes to "
                    + decoded.length() + " characters other than the " + text.length() + " encoded; it was not"
                    + " returned");
        }
    }
}
