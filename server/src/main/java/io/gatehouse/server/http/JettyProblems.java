package io.gatehouse.server.http;

import io.gatehouse.server.common.GatehouseException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own answers (a request it cannot parse, a URI or head too large, a bad Host) as problem documents with
 * stable codes, like every other error, instead of Jetty's HTML page. Jetty's reason text only chooses the code;
 * it is never passed on.
 */
public final class JettyProblems extends ErrorHandler {
    private final int maxHeadBytes;

    /** @param maxHeadBytes the configured limit of the request line and of the headers, named in details */
    public JettyProblems(int maxHeadBytes) {
        this.maxHeadBytes = maxHeadBytes;
    }

    /** Refusals before any request exists: the parser's. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, ProblemMapper.CONTENT_TYPE_UTF8);
        return ByteBuffer.wrap(ProblemMapper.document(problem(status, reason), null));
    }

    /** Errors sent through the servlet API ({@code sendError}) outside Javalin's handlers. */
    @Override
    public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        baseRequest.setHandled(true);
        byte[] body = ProblemMapper.document(problem(response.getStatus(), null), request.getRequestURI());
        response.setContentType(ProblemMapper.CONTENT_TYPE_UTF8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    GatehouseException problem(int status, String reason) {
        String why = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        return switch (status) {
            case 400 -> why.contains("host")
                    ? GatehouseException.invalid("invalid_host", "expected exactly one well-formed Host header")
                    : why.contains("uri") || why.contains("path")
                            ? GatehouseException.invalid("invalid_uri", "expected a well-formed request target")
                            : GatehouseException.invalid("malformed_request",
                                    "expected a well-formed HTTP/1.1 request line and headers");
            case 408 -> new ApiException(408, "request_timeout", "Request timeout",
                    "expected the request within the time limit; it arrived too slowly");
            case 413 -> new ApiException(413, "body_too_large", "Content too large",
                    "expected a request body within this server's size limit; this one is larger");
            case 414 -> new ApiException(414, "uri_too_long", "URI too long",
                    "expected a request line of at most " + maxHeadBytes + " bytes");
            case 431 -> new ApiException(431, "headers_too_large", "Request header fields too large",
                    "expected request headers of at most " + maxHeadBytes + " bytes in all");
            case 501 -> new ApiException(501, "not_implemented", "Not implemented",
                    "expected a method and transfer coding this server implements");
            case 426, 505 -> new ApiException(status, "unsupported_http_version", "HTTP version not supported",
                    "expected HTTP/1.0 or HTTP/1.1");
            default -> new ApiException(status, "http_" + status, "HTTP " + status,
                    "the request cannot be served (HTTP " + status + ")");
        };
    }
}
