package io.gatehouse.reader;

import java.io.Serial;
import java.util.Objects;

/**
 * The one unchecked exception of the reader module: every failure the reader reports (a refused
 * enrollment, an unreadable state directory, a corrupt event queue, a door driver that failed) is one
 * of these, with a stable machine-readable {@link #code()} and, for server answers, the HTTP
 * {@link #status()}.
 */
public class ReaderException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The status of a failure that did not come from an HTTP response. */
    public static final int NO_HTTP_STATUS = 0;

    private final int status;
    private final String code;

    /**
     * Creates an exception for a local failure.
     *
     * @param code a stable lower_snake_case code; not null
     * @param message what went wrong, naming expected and actual values; not null
     */
    public ReaderException(String code, String message) {
        this(NO_HTTP_STATUS, code, message, null);
    }

    /**
     * Creates an exception for a local failure with a cause.
     *
     * @param code a stable lower_snake_case code; not null
     * @param message what went wrong; not null
     * @param cause the underlying failure; may be null
     */
    public ReaderException(String code, String message, Throwable cause) {
        this(NO_HTTP_STATUS, code, message, cause);
    }

    /**
     * Creates an exception for an HTTP answer.
     *
     * @param status the HTTP status, or {@link #NO_HTTP_STATUS}
     * @param code the problem's {@code code} member or a code chosen by the reader; not null
     * @param message what went wrong; not null
     * @param cause the underlying failure; may be null
     */
    public ReaderException(int status, String code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * Returns the HTTP status of the server's answer.
     *
     * @return 100..599, or {@link #NO_HTTP_STATUS} for a failure that was not an HTTP answer
     */
    public int status() {
        return status;
    }

    /**
     * Returns the stable code: the server's problem {@code code} for an HTTP answer, else one of the
     * reader's own codes ({@code invalid_token}, {@code state_locked}, {@code queue_corrupt}, …).
     *
     * @return the code, never null
     */
    public String code() {
        return code;
    }
}
