package io.gatehouse.server.http;

import io.gatehouse.server.common.GatehouseException;
import java.util.Map;

/**
 * A refusal that only the HTTP layer knows, with its own status: a method, media type, size, header or deadline the
 * server will not take. Feature code never throws this; it throws {@link GatehouseException} with a
 * {@link GatehouseException.Kind}, which {@link ProblemMapper} turns into a status.
 */
public final class ApiException extends GatehouseException {
    private final int status;
    private final String title;

    public ApiException(int status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of());
    }

    public ApiException(int status, String code, String title, String detail, Map<String, Object> extensions) {
        super(Kind.PROTOCOL, code, detail, extensions);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
