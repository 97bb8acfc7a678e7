package io.gatehouse.server.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The WHERE clause of a filtered list: one condition per filter given, with its parameters in order. */
final class Conditions {
    private final List<String> clauses = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    /** Adds {@code clause}, whose one parameter is {@code value}, when the filter is given. */
    Conditions add(String clause, Optional<?> value) {
        value.ifPresent(present -> {
            clauses.add(clause);
            args.add(present);
        });
        return this;
    }

    /** Adds {@code clause} with its parameters, whatever they are. */
    Conditions always(String clause, Object... values) {
        clauses.add(clause);
        args.addAll(List.of(values));
        return this;
    }

    boolean any() {
        return !clauses.isEmpty();
    }

    String sql() {
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    /** The parameters so far; paging adds its own after them. */
    List<Object> args() {
        return args;
    }
}
