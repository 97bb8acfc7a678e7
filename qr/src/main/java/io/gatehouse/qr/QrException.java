package io.gatehouse.qr;

/**
 * A QR symbol could not be produced or read: the text does not fit, or an image holds no
 * readable symbol. Unchecked because callers can rarely recover beyond reporting it.
 */
public final class QrException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, with the expected and actual values; not null
     */
    public QrException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what failed, with the expected and actual values; not null
     * @param cause the underlying failure; may be null
     */
    public QrException(String message, Throwable cause) {
        super(message, cause);
    }
}
