package io.gatehouse.server.common;

import java.util.List;

/**
 * Checks for the compact constructors of request records: a missing field is named with what it must hold, in the
 * same words the binder uses for a field of the wrong type ({@code field 'username' must be a string, got nothing}).
 */
public final class Fields {
    private Fields() {
    }

    /** {@code value}, or a refusal naming {@code field} and what it must be when it is missing (null). */
    public static <T> T required(String field, T value, String expected) {
        if (value == null) {
            throw GatehouseException.invalidField(field, expected, "nothing");
        }
        return value;
    }

    /** An immutable copy of {@code values}, empty when the field was left out. */
    public static <T> List<T> listOrEmpty(List<T> values) {
        return values == null ? List.of() : List.copyOf(values);
    }
}
