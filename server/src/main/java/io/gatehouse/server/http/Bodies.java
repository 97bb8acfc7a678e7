package io.gatehouse.server.http;

import io.gatehouse.server.common.Json;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.gatehouse.server.common.GatehouseException;
import io.javalin.http.Context;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;

/**
 * Binds a request body to a record. The body is first read and checked as {@link JsonBody} does (size, media type,
 * strict UTF-8, no NUL or lone surrogate anywhere), then bound strictly: no coercion between strings, numbers and
 * booleans, no fractions for whole numbers. Unknown fields are ignored, so that clients may send more than a given
 * server version reads. A field of the wrong type is refused with the field's name, what it must hold and what it
 * held ({@code field 'roles' must be an array of strings, got an array containing the number 5}); a record's compact
 * constructor refuses missing or out-of-range values itself ({@link io.gatehouse.server.common.Fields}).
 */
public final class Bodies {
    private static final ObjectMapper STRICT = strictMapper();

    private Bodies() {
    }

    /** The body of {@code ctx}, a JSON object of at most {@code maxBytes} bytes, bound to {@code type}. */
    public static <T> T read(Context ctx, int maxBytes, Class<T> type) {
        return bind(JsonBody.read(ctx, maxBytes).root(), type);
    }

    /** Like {@link #read}, but an empty body counts as an empty object: for endpoints whose every field is optional. */
    public static <T> T readOptional(Context ctx, int maxBytes, Class<T> type) {
        return bind(JsonBody.readOptional(ctx, maxBytes).root(), type);
    }

    /**
     * The body of a partial update (JSON merge semantics): a field that is absent stays as it is. Unlike other
     * bodies, a field the record does not declare is refused, so that a misspelt field cannot pass for a change that
     * did not happen; and null, which would remove a value, is refused except for fields of type {@link JsonNode},
     * whose record tells what null means.
     */
    public static <T extends Record> T readPatch(Context ctx, int maxBytes, Class<T> type) {
        JsonNode object = JsonBody.read(ctx, maxBytes).root();
        List<String> known = java.util.Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName)
                .toList();
        for (var field : object.properties()) {
            if (!known.contains(field.getKey())) {
                throw GatehouseException.invalid("unknown_field", "field '" + field.getKey() + "' cannot be changed"
                        + " here; this operation changes " + String.join(", ", known));
            }
            Type declared = component(type, field.getKey());
            if (field.getValue().isNull() && declared != JsonNode.class) {
                throw GatehouseException.invalidField(field.getKey(), expected(declared), "null");
            }
        }
        return bind(object, type);
    }

    /** Binds an already checked JSON object to {@code type}. */
    public static <T> T bind(JsonNode object, Class<T> type) {
        try {
            return STRICT.treeToValue(object, type);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof GatehouseException refusal) {
                throw refusal;
            }
            throw describe(e, object, type);
        } catch (JsonMappingException e) {
            throw describe(e, object, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw GatehouseException.invalid("invalid_json", "expected a JSON object that this operation reads");
        }
    }

    /** Names the first field on the failure's path, the type its record component declares and what the body held. */
    private static GatehouseException describe(JsonMappingException e, JsonNode object, Class<?> type) {
        List<JsonMappingException.Reference> path = e.getPath();
        StringBuilder field = new StringBuilder();
        Type declared = type;
        JsonNode node = object;
        boolean inArray = false;
        for (JsonMappingException.Reference step : path) {
            if (step.getFieldName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(step.getFieldName());
                declared = component(declared, step.getFieldName());
                node = node == null ? null : node.get(step.getFieldName());
                inArray = false;
            } else if (step.getIndex() >= 0) {
                node = node == null ? null : node.get(step.getIndex());
                inArray = true;
                break;
            }
        }
        if (field.isEmpty()) {
            return GatehouseException.invalid("invalid_json", "expected a JSON object that this operation reads");
        }
        String actual = node == null ? "nothing" : describe(node);
        return GatehouseException.invalidField(field.toString(), expected(declared),
                inArray ? "an array containing " + actual : actual);
    }

    private static Type component(Type owner, String name) {
        Class<?> raw = owner instanceof Class<?> c ? c
                : owner instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c2 ? c2 : null;
        if (raw == null || !raw.isRecord()) {
            return Object.class;
        }
        for (RecordComponent component : raw.getRecordComponents()) {
            com.fasterxml.jackson.annotation.JsonProperty renamed =
                    component.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
            String jsonName = renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName();
            if (jsonName.equals(name)) {
                return component.getGenericType();
            }
        }
        return Object.class;
    }

    /** What a field of this declared type must hold, in a client's words. */
    static String expected(Type declared) {
        if (declared instanceof ParameterizedType p && p.getRawType() == List.class) {
            return "an array of " + plural(p.getActualTypeArguments()[0]);
        }
        if (declared instanceof Class<?> c) {
            if (c == String.class) {
                return "a string";
            }
            if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
                return "a whole number";
            }
            if (c == Boolean.class || c == boolean.class) {
                return "true or false";
            }
            if (c.isRecord() || java.util.Map.class.isAssignableFrom(c)) {
                return "an object";
            }
            if (List.class.isAssignableFrom(c)) {
                return "an array";
            }
        }
        return "a value of another type";
    }

    private static String plural(Type element) {
        return switch (expected(element)) {
            case "a string" -> "strings";
            case "a whole number" -> "whole numbers";
            case "true or false" -> "booleans";
            case "an object" -> "objects";
            default -> "values";
        };
    }

    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case NUMBER -> "the number " + value.asText();
            case BOOLEAN -> "the boolean " + value.asText();
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = Json.MAPPER.copy()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        for (LogicalType scalar : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float,
                LogicalType.Boolean)) {
            for (CoercionInputShape shape : List.of(CoercionInputShape.String, CoercionInputShape.Integer,
                    CoercionInputShape.Float, CoercionInputShape.Boolean, CoercionInputShape.EmptyString)) {
                mapper.coercionConfigFor(scalar).setCoercion(shape, CoercionAction.Fail);
            }
        }
        // A string stays a string: the coercions above refuse the others, and this allows the one that is exact.
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Boolean, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Float, CoercionAction.TryConvert);
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        return mapper;
    }
}
