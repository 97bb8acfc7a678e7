package io.gatehouse.server.http;

import io.gatehouse.server.common.GatehouseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request cannot be served as asked. Carries what the RFC 9457 problem response needs: the HTTP status, a stable
 * machine-readable {@code code}, a short title and a detail that names what was expected and what was found.
 * Extension members (for example {@code retryAfterSeconds}) travel in {@link #extensions()}.
 */
public class ApiException extends GatehouseException {
    private final int status;
    private final String code;
    private final String title;
    private final Map<String, Object> extensions;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of());
    }

    public ApiException(int status, String code, String title, String detail, Map<String, Object> extensions) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.extensions = new LinkedHashMap<>(extensions);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    public Map<String, Object> extensions() {
        return Map.copyOf(extensions);
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, "Bad request", detail);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(404, code, "Not found", detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, "Conflict", detail);
    }

    public static ApiException gone(String code, String detail) {
        return new ApiException(410, code, "Gone", detail);
    }

    public static ApiException unprocessable(String code, String detail) {
        return new ApiException(422, code, "Unprocessable content", detail);
    }

    public static ApiException unauthorized(String code, String detail) {
        return new ApiException(401, code, "Unauthorized", detail);
    }

    public static ApiException forbidden(String code, String detail) {
        return new ApiException(403, code, "Forbidden", detail);
    }
}
