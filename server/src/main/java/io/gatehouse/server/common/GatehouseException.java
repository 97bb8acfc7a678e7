package io.gatehouse.server.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Root of every exception the server throws on purpose. A failure carries what a client needs to act on it: its
 * {@link Kind} (what went wrong, in domain terms), a stable machine-readable {@code code}, a detail that names what
 * was expected and what was found, and structured extension members (for example {@code retryAfterSeconds} or
 * {@code field}). Services and stores throw these; the HTTP layer maps them to RFC 9457 problem responses in one
 * place ({@link io.gatehouse.server.http.ProblemMapper}), so that no feature code knows a status number.
 */
public class GatehouseException extends RuntimeException {
    /** What kind of failure this is; the HTTP layer turns each into one status. */
    public enum Kind {
        /** The request is malformed or a value is out of range. */
        INVALID,
        /** The caller is not known (no credentials, or wrong ones). */
        UNAUTHENTICATED,
        /** The caller is known but may not do this. */
        FORBIDDEN,
        /** The named thing does not exist. */
        NOT_FOUND,
        /** The thing exists but is in a state that does not allow this (already done, replaced, busy name). */
        CONFLICT,
        /** The thing existed and is gone for good (a used or expired link). */
        GONE,
        /** The request is well formed but its content cannot be accepted (a wrong first code). */
        UNPROCESSABLE,
        /** Too many attempts; the extension {@code retryAfterSeconds} says when to try again. */
        TOO_MANY,
        /** The server cannot take this now; try again later ({@code retryAfterSeconds} when known). */
        UNAVAILABLE,
        /** Stored data cannot be read (a corrupt row): the server's fault, answered with an incident id. */
        CORRUPT,
        /** A failure that only the HTTP layer knows (a refused method, media type or size). */
        PROTOCOL
    }

    private final Kind kind;
    private final String code;
    private final Map<String, Object> extensions;

    public GatehouseException(String message) {
        this(Kind.CORRUPT, "internal_error", message, Map.of(), null);
    }

    public GatehouseException(String message, Throwable cause) {
        this(Kind.CORRUPT, "internal_error", message, Map.of(), cause);
    }

    public GatehouseException(Kind kind, String code, String detail) {
        this(kind, code, detail, Map.of(), null);
    }

    public GatehouseException(Kind kind, String code, String detail, Map<String, Object> extensions) {
        this(kind, code, detail, extensions, null);
    }

    public GatehouseException(Kind kind, String code, String detail, Map<String, Object> extensions,
            Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.code = code;
        this.extensions = new LinkedHashMap<>(extensions);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    /** What was expected and what was found; safe to show to the client (except for {@link Kind#CORRUPT}). */
    public String detail() {
        return getMessage();
    }

    public Map<String, Object> extensions() {
        return java.util.Collections.unmodifiableMap(extensions);
    }

    // ----- factories, one per kind -----

    public static GatehouseException invalid(String code, String detail) {
        return new GatehouseException(Kind.INVALID, code, detail);
    }

    /** A field of a request does not hold what it must; the problem names the field. */
    public static GatehouseException invalidField(String field, String expected, String actual) {
        return new GatehouseException(Kind.INVALID, "invalid_field",
                "field '" + field + "' must be " + expected + ", got " + actual, Map.of("field", field));
    }

    public static GatehouseException unauthenticated(String code, String detail) {
        return new GatehouseException(Kind.UNAUTHENTICATED, code, detail);
    }

    public static GatehouseException forbidden(String code, String detail) {
        return new GatehouseException(Kind.FORBIDDEN, code, detail);
    }

    public static GatehouseException notFound(String code, String detail) {
        return new GatehouseException(Kind.NOT_FOUND, code, detail);
    }

    public static GatehouseException conflict(String code, String detail) {
        return new GatehouseException(Kind.CONFLICT, code, detail);
    }

    public static GatehouseException gone(String code, String detail) {
        return new GatehouseException(Kind.GONE, code, detail);
    }

    public static GatehouseException unprocessable(String code, String detail) {
        return new GatehouseException(Kind.UNPROCESSABLE, code, detail);
    }

    public static GatehouseException tooMany(String code, String detail, long retryAfterSeconds) {
        return new GatehouseException(Kind.TOO_MANY, code, detail, Map.of("retryAfterSeconds", retryAfterSeconds));
    }

    public static GatehouseException unavailable(String code, String detail, long retryAfterSeconds) {
        return new GatehouseException(Kind.UNAVAILABLE, code, detail, Map.of("retryAfterSeconds", retryAfterSeconds));
    }

    /**
     * A stored row cannot be read as what it should hold. The detail is for the log only: the client sees a generic
     * 500 with an incident id, never a 400 that would blame its request.
     */
    public static GatehouseException corrupt(String what, Throwable cause) {
        return new GatehouseException(Kind.CORRUPT, "internal_error", "stored data is unreadable: " + what, Map.of(),
                cause);
    }
}
