package io.gatehouse.server.http;

import io.gatehouse.server.common.Utf8;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.common.GatehouseException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A request's JSON object, read with a size limit, its media type and its strings checked. {@link Bodies} binds it
 * to a record, naming the field, the type it expects and what it found when one does not fit, so a client can fix
 * its request from the error alone; {@link #node} hands a structured field to a feature that validates it itself.
 */
public final class JsonBody {
    private final JsonNode root;

    private JsonBody(JsonNode root) {
        this.root = root;
    }

    /**
     * Reads the body of {@code ctx} as a JSON object of at most {@code maxBytes} bytes. The body must be strict UTF-8
     * and no string or field name in it may hold a lone surrogate or a NUL, wherever in the document it is.
     *
     * @throws GatehouseException 413 {@code body_too_large}, 415 {@code unsupported_media_type}, 400 {@code invalid_json},
     *     {@code invalid_encoding} or {@code nul_character}
     */
    public static JsonBody read(Context ctx, int maxBytes) {
        requireJsonType(ctx);
        return parse(readBounded(ctx, maxBytes), true);
    }

    /**
     * Like {@link #read}, but what strings hold (NUL, unpaired surrogates written as JSON escapes) is left to the
     * caller: for batches whose items are refused one by one (a reader's event upload), so that one bad item does
     * not hide the others. The caller must check every string it keeps. The bytes must still be UTF-8.
     */
    public static JsonBody readLeavingStringChecksToCaller(Context ctx, int maxBytes) {
        requireJsonType(ctx);
        return parse(readBounded(ctx, maxBytes), false);
    }

    /** An empty body counts as an empty object; used by endpoints whose every field is optional. */
    public static JsonBody readOptional(Context ctx, int maxBytes) {
        byte[] body = readBounded(ctx, maxBytes);
        if (body.length == 0) {
            return new JsonBody(Json.MAPPER.createObjectNode());
        }
        requireJsonType(ctx);
        return parse(body, true);
    }

    /** A missing Content-Type is read as JSON; a present one must be JSON, in UTF-8 if it names a charset. */
    private static void requireJsonType(Context ctx) {
        String type = ctx.contentType();
        if (type == null || type.isBlank()) {
            return;
        }
        boolean json = MediaType.parse(type).filter(m -> m.isJson() && m.isUtf8OrUnspecified()).isPresent();
        if (!json) {
            throw new ApiException(415, "unsupported_media_type", "Unsupported media type",
                    "expected Content-Type application/json or application/*+json, with charset utf-8 if a charset"
                            + " is given; got '" + Utf8.truncate(type, 100) + "'");
        }
    }

    private static JsonBody parse(byte[] body, boolean checkStrings) {
        if (body.length == 0) {
            throw GatehouseException.invalid("invalid_json", "expected a JSON object, got an empty body");
        }
        String text = Utf8.decode(body, "the body");
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw JsonErrors.describe(e);
        }
        if (node == null || !node.isObject()) {
            throw GatehouseException.invalid("invalid_json", "expected a JSON object, got "
                    + (node == null ? "nothing" : describe(node)));
        }
        if (checkStrings) {
            requireWellFormedText(node, "");
        }
        return new JsonBody(node);
    }

    /** Walks every field name and string; the problem names the JSON pointer of the first bad one. */
    private static void requireWellFormedText(JsonNode node, String pointer) {
        if (node.isTextual()) {
            check(node.textValue(), pointer, () -> "the JSON string at " + pointer);
        } else if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                // A bad name is reported at its object: the name itself cannot be echoed back.
                check(field.getKey(), pointer, () -> "a field name in the object at " + (pointer.isEmpty()
                        ? "the top level" : pointer));
                String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                requireWellFormedText(field.getValue(), at);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireWellFormedText(node.get(i), pointer + "/" + i);
            }
        }
    }

    private static void check(String text, String pointer, Supplier<String> where) {
        if (!needsCheck(text)) {
            return;
        }
        try {
            Utf8.requireWholeCharacters(text, where.get());
            Utf8.requireNoNul(text, where.get());
        } catch (GatehouseException e) {
            throw new GatehouseException(e.kind(), e.code(), e.detail(), Map.of("pointer", pointer));
        }
    }

    /** Most strings hold neither surrogates nor NUL; those need no closer look. */
    private static boolean needsCheck(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0 || Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
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
            throw GatehouseException.invalid("unreadable_body", "expected a complete request body"
                    + (declared >= 0 ? " of " + declared + " bytes" : "") + "; the connection failed before its end");
        }
    }

    private static ApiException tooLarge(long declared, int maxBytes) {
        return new ApiException(413, "body_too_large", "Content too large", "request bodies are limited to "
                + maxBytes + " bytes" + (declared > 0 ? ", this one declares " + declared : ""));
    }

    /** The checked JSON object, for {@link Bodies} to bind. */
    JsonNode root() {
        return root;
    }

    /** The raw node of a field, for structured values a feature validates itself. */
    public Optional<JsonNode> node(String field) {
        JsonNode value = root.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
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
