package io.gatehouse.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request's JSON object, read with a size limit and checked field by field. Every accessor names the field, the
 * type it expects and what it found, so a client can fix its request from the error alone. Unknown fields are
 * ignored, so that clients may send more than a given server version reads.
 */
public final class JsonBody {
    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /**
     * Reads the body of {@code ctx} as a JSON object of at most {@code maxBytes} bytes.
     *
     * @throws ApiException 413 {@code body_too_large}, 415 {@code unsupported_media_type}, 400 {@code invalid_json}
     */
    public static JsonBody read(Context ctx, int maxBytes) {
        String type = ctx.contentType();
        if (type != null && !type.isBlank() && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "Unsupported media type",
                    "expected Content-Type application/json, got " + type);
        }
        return parse(readBounded(ctx, maxBytes));
    }

    /** An empty body counts as an empty object; used by endpoints whose every field is optional. */
    public static JsonBody readOptional(Context ctx, int maxBytes) {
        byte[] body = readBounded(ctx, maxBytes);
        return body.length == 0 ? new JsonBody(Json.MAPPER.createObjectNode()) : parse(body);
    }

    private static JsonBody parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("invalid_json", "expected a JSON object, got an empty body");
        }
        JsonNode node;
        try {
            node = Json.parse(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest("invalid_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "the body could not be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("invalid_json", "expected a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return new JsonBody(node);
    }

    /** Reads at most {@code maxBytes}; a declared or actual larger body is refused before it is buffered. */
    public static byte[] readBounded(Context ctx, int maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(declared, maxBytes);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(-1, maxBytes);
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable_body", "the request body could not be read: " + e.getMessage());
        }
    }

    private static ApiException tooLarge(long declared, int maxBytes) {
        return new ApiException(413, "body_too_large", "Content too large", "request bodies are limited to "
                + maxBytes + " bytes" + (declared > 0 ? ", this one declares " + declared : ""));
    }

    public String requiredString(String field) {
        return optionalString(field).orElseThrow(() -> invalid(field, "a string", "nothing"));
    }

    public Optional<String> optionalString(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw invalid(field, "a string", describe(value));
        }
        if (value.textValue().indexOf('\u0000') >= 0) {
            throw invalid(field, "a string without NUL characters", "one with a NUL character");
        }
        return Optional.of(value.textValue());
    }

    public Optional<Integer> optionalInt(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalid(field, "a whole number", describe(value));
        }
        return Optional.of(value.intValue());
    }

    public Optional<Boolean> optionalBoolean(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw invalid(field, "true or false", describe(value));
        }
        return Optional.of(value.booleanValue());
    }

    public Optional<List<String>> optionalStringList(String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isArray()) {
            throw invalid(field, "an array of strings", describe(value));
        }
        List<String> result = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                throw invalid(field, "an array of strings", "an array containing " + describe(element));
            }
            result.add(element.textValue());
        }
        return Optional.of(result);
    }

    /** The raw node of a field, for structured values a feature validates itself. */
    public Optional<JsonNode> node(String field) {
        JsonNode value = root.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
    }

    public static ApiException invalid(String field, String expected, String actual) {
        return new ApiException(400, "invalid_field", "Invalid field",
                "field '" + field + "' must be " + expected + ", got " + actual, java.util.Map.of("field", field));
    }

    private static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case NUMBER -> "the number " + value.asText();
            case BOOLEAN -> "the boolean " + value.asText();
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
