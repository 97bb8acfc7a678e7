package io.gatehouse.qr;

import java.util.Objects;

/**
 * A QR symbol could not be produced or read: the text does not fit, the branding is refused, or an image holds no
 * readable symbol. Unchecked because callers can rarely recover beyond reporting it; {@link #reason()} tells them
 * which failure it was without parsing the message.
 */
public final class QrException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a symbol could not be produced or read. Stable: callers map these to their own errors. */
    public enum Reason {
        /** The text does not fit in version 40 at the requested error-correction level. */
        TEXT_TOO_LONG,
        /** The bytes are no image this module reads, or the image is too large to decode. */
        UNREADABLE_IMAGE,
        /** The image holds no QR code, or one that cannot be read. */
        NO_CODE,
        /** A colour is not written {@code #rrggbb}. */
        INVALID_COLOUR,
        /** The colours' WCAG 2 contrast ratio is below the minimum. */
        INSUFFICIENT_CONTRAST,
        /** The foreground is lighter than the background, and light-on-dark was not allowed explicitly. */
        LIGHT_ON_DARK,
        /** A size, margin or caption of the branding is out of range. */
        INVALID_BRANDING,
        /** The logo is not a readable image of acceptable dimensions. */
        INVALID_LOGO,
        /** The rendered image did not decode back to exactly the encoded text; it was not returned. */
        NOT_DECODABLE
    }

    private final Reason reason;

    /**
     * Creates an exception.
     *
     * @param reason which failure; not null
     * @param message what failed, with the expected and actual values; not null
     */
    public QrException(Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param reason which failure; not null
     * @param message what failed, with the expected and actual values; not null
     * @param cause the underlying failure; may be null
     */
    public QrException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Which failure this is.
     *
     * @return never null
     */
    public Reason reason() {
        return reason;
    }
}
