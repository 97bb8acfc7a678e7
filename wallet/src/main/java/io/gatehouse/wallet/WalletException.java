package io.gatehouse.wallet;

import java.io.Serial;
import java.util.Objects;

/**
 * The one unchecked exception of the wallet module: every failure the wallet reports (a server that
 * refuses an enrollment, an unreadable wallet file, a wrong password) is one of these, with a stable
 * machine-readable {@link #code()} and, for server answers, the HTTP {@link #status()}.
 */
public class WalletException extends RuntimeException {

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
    public WalletException(String code, String message) {
        this(NO_HTTP_STATUS, code, message, null);
    }

    /**
     * Creates an exception for a local failure with a cause.
     *
     * @param code a stable lower_snake_case code; not null
     * @param message what went wrong; not null
     * @param cause the underlying failure; may be null
     */
    public WalletException(String code, String message, Throwable cause) {
        this(NO_HTTP_STATUS, code, message, cause);
    }

    /**
     * Creates an exception for an HTTP answer.
     *
     * @param status the HTTP status, or {@link #NO_HTTP_STATUS}
     * @param code the problem's {@code code} member or a code chosen by the client; not null
     * @param message what went wrong; not null
     * @param cause the underlying failure; may be null
     */
    public WalletException(int status, String code, String message, Throwable cause) {
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
     * wallet's own codes ({@code wallet_not_found}, {@code wallet_password}, {@code server_unreachable}, …).
     *
     * @return the code, never null
     */
    public String code() {
        return code;
    }
}
