package io.gatehouse.qr;

import java.awt.Color;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/**
 * Writes a symbol on a one-page PDF for print: the code (modules as filled rectangles, the logo as an image) centred
 * at the top, the caption under it, and a note stating the smallest print size for close scanning and the size this
 * page prints the code at. The page is as small as that content allows, at least 4 inches wide, so that it can be
 * printed alone or placed on a larger layout.
 */
final class PdfRendering {

    private static final float MARGIN = 36;
    private static final float MIN_PAGE_WIDTH = 288;
    private static final float CAPTION_SIZE = 12;
    private static final float NOTE_SIZE = 8;
    private static final float GAP = 12;
    /**
     * Liberation Sans, the font PDFBox ships as its last resort, embedded as a subset: the PDF's standard fonts
     * are not embedded, so writing and rendering them makes PDFBox search the system's fonts (seconds on the first
     * use) and a viewer substitutes its own.
     */
    private static final byte[] FONT = font("/org/apache/pdfbox/resources/ttf/LiberationSans-Regular.ttf");

    private PdfRendering() {
    }

    /**
     * The PDF.
     *
     * @throws QrException {@link QrException.Reason#INVALID_BRANDING} for a caption with characters the embedded
     *     font has no glyph for
     */
    static byte[] write(Symbol symbol, Branding branding, PdfLayout layout) {
        int quiet = branding.quietZone();
        float module = (float) (layout.symbolPoints() / symbol.size());
        float block = module * (symbol.size() + 2 * quiet);
        float pageWidth = Math.max(block + 2 * MARGIN, MIN_PAGE_WIDTH);
        float textWidth = pageWidth - 2 * MARGIN;
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDFont font = PDType0Font.load(document, new ByteArrayInputStream(FONT), true);
            List<String> caption = layout.caption().map(text -> wrap(font, CAPTION_SIZE, text, textWidth))
                    .orElse(List.of());
            List<String> note = wrap(font, NOTE_SIZE, note(layout.symbolPoints()), textWidth);
            float textHeight = caption.size() * CAPTION_SIZE * 1.25f + note.size() * NOTE_SIZE * 1.25f;
            float pageHeight = MARGIN + block + GAP + textHeight + MARGIN;
            PDPage page = new PDPage(new PDRectangle(pageWidth, pageHeight));
            document.addPage(page);
            PDDocumentInformation information = document.getDocumentInformation();
            information.setTitle(layout.caption().orElse("QR code"));
            information.setProducer("Gatehouse");
            float left = (pageWidth - block) / 2;
            float bottom = pageHeight - MARGIN - block;
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.setNonStrokingColor(new Color(branding.background().toInt()));
                content.addRect(left, bottom, block, block);
                content.fill();
                content.setNonStrokingColor(new Color(branding.foreground().toInt()));
                float top = bottom + block - quiet * module;
                float x0 = left + quiet * module;
                symbol.forEachRun((x, y, length) -> addRect(content, x0 + x * module, top - (y + 1) * module,
                        length * module, module));
                content.fill();
                if (branding.logo().isPresent()) {
                    Logo logo = branding.logo().orElseThrow();
                    double[] box = symbol.logoBox(logo).orElseThrow();
                    PDImageXObject image = LosslessFactory.createFromImage(document, logo.image());
                    content.drawImage(image, x0 + (float) box[0] * module,
                            top - (float) (box[1] + box[3]) * module, (float) box[2] * module, (float) box[3] * module);
                }
                // The caption in the brand's darker colour: on the white page, a light foreground would vanish.
                content.setNonStrokingColor(new Color((branding.lightOnDark() ? branding.background()
                        : branding.foreground()).toInt()));
                float baseline = bottom - GAP;
                for (String line : caption) {
                    baseline -= CAPTION_SIZE;
                    text(content, font, CAPTION_SIZE, line, pageWidth, baseline);
                    baseline -= CAPTION_SIZE * 0.25f;
                }
                content.setNonStrokingColor(Color.BLACK);
                for (String line : note) {
                    baseline -= NOTE_SIZE;
                    text(content, font, NOTE_SIZE, line, pageWidth, baseline);
                    baseline -= NOTE_SIZE * 0.25f;
                }
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PDF to memory failed", e);
        }
    }

    private static byte[] font(String resource) {
        try (InputStream in = PDDocument.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("PDFBox no longer ships " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource + " failed", e);
        }
    }

    /** What the page states about its print size. */
    static String note(double symbolPoints) {
        double inches = symbolPoints / 72;
        return String.format(Locale.ROOT, "Smallest print size for close scanning: 0.8 \u00d7 0.8 inch (20 mm)."
                + " This page prints the code at %.2f \u00d7 %.2f inch (%.0f mm); do not scale it down when"
                + " printing.", inches, inches, inches * 25.4);
    }

    private static void addRect(PDPageContentStream content, float x, float y, float width, float height) {
        try {
            content.addRect(x, y, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void text(PDPageContentStream content, PDFont font, float size, String line,
            float pageWidth, float baseline) throws IOException {
        content.beginText();
        content.setFont(font, size);
        content.newLineAtOffset((pageWidth - width(font, size, line)) / 2, baseline);
        content.showText(line);
        content.endText();
    }

    /** Breaks {@code text} at spaces into lines no wider than {@code maxWidth}; a longer word gets a line alone. */
    private static List<String> wrap(PDFont font, float size, String text, float maxWidth) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split(" +")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (!line.isEmpty() && width(font, size, candidate) > maxWidth) {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            } else {
                line.setLength(0);
                line.append(candidate);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static float width(PDFont font, float size, String text) {
        try {
            return font.getStringWidth(text) / 1000 * size;
        } catch (IllegalArgumentException e) {
            throw new QrException(QrException.Reason.INVALID_BRANDING, "QR caption: expected characters the PDF's"
                    + " font (Liberation Sans: Latin, Greek, Cyrillic) has, got '" + text + "': " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
