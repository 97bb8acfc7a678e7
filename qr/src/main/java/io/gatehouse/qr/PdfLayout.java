package io.gatehouse.qr;

import java.util.Objects;
import java.util.Optional;

/**
 * How a code is printed on its PDF page.
 *
 * @param symbolPoints the side of the symbol (without its quiet zone), in points (1/72 inch), at least
 *     {@value #MIN_SYMBOL_POINTS}
 * @param caption a line printed under the code, at most {@value #MAX_CAPTION_LENGTH} characters that the embedded
 *     font (Liberation Sans: Latin, Greek, Cyrillic) has glyphs for
 */
public record PdfLayout(double symbolPoints, Optional<String> caption) {

    /**
     * The smallest print size for close scanning: 0.8 x 0.8 inch (about 20 mm), the usual guidance for a phone held
     * close to the page. Smaller prints need a sharper camera than a lobby visitor can be assumed to have.
     */
    public static final double MIN_SYMBOL_POINTS = 57.6;

    /** The largest symbol, in points: 10 inches. */
    public static final double MAX_SYMBOL_POINTS = 720;

    /** The longest caption, in characters. */
    public static final int MAX_CAPTION_LENGTH = 120;

    /** Two inches, no caption. */
    public static final PdfLayout DEFAULT = new PdfLayout(144, Optional.empty());

    /**
     * Creates a layout.
     *
     * @throws QrException {@link QrException.Reason#INVALID_BRANDING} for a symbol below the minimum print size or
     *     above the maximum, or a caption that is too long or holds control characters
     */
    public PdfLayout {
        Objects.requireNonNull(caption, "caption");
        if (!(symbolPoints >= MIN_SYMBOL_POINTS && symbolPoints <= MAX_SYMBOL_POINTS)) {
            throw new QrException(QrException.Reason.INVALID_BRANDING, "QR print size: expected "
                    + MIN_SYMBOL_POINTS + ".." + MAX_SYMBOL_POINTS + " points (the smallest print size for close"
                    + " scanning is 0.8 x 0.8 inch), got " + symbolPoints);
        }
        caption.ifPresent(text -> {
            if (text.length() > MAX_CAPTION_LENGTH || text.chars().anyMatch(Character::isISOControl)) {
                throw new QrException(QrException.Reason.INVALID_BRANDING, "QR caption: expected at most "
                        + MAX_CAPTION_LENGTH + " characters without control characters, got " + text.length()
                        + " characters");
            }
        });
    }

    /**
     * The same with another caption.
     *
     * @param text the caption; not null
     * @return a new layout; never null
     */
    public PdfLayout withCaption(String text) {
        return new PdfLayout(symbolPoints, Optional.of(text));
    }
}
