package io.gatehouse.server.console;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.http.Forms;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/** The fields of a console form, read once, with the same precise refusals as the API's JSON bodies. */
public final class ConsoleForm {
    private final Map<String, List<String>> fields;

    private ConsoleForm(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    public static ConsoleForm of(Context ctx, int maxBody) {
        return new ConsoleForm(Forms.all(ctx, maxBody));
    }

    /** The first value of {@code name}, or null when the form lacks it. */
    public String text(String name) {
        List<String> values = fields.get(name);
        return values == null ? null : values.get(0);
    }

    /** The value of {@code name}, which must be there and not blank. */
    public String required(String name) {
        String value = text(name);
        if (value == null || value.isBlank()) {
            throw GatehouseException.invalidField(name, "filled in", "nothing");
        }
        return value;
    }

    /** Every value of {@code name} (a group of checkboxes), none when absent. */
    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** A checkbox: checked when the form carries it. */
    public boolean checked(String name) {
        return fields.containsKey(name);
    }

    /** A whole number, or null when the field is absent or empty. */
    public Integer number(String name) {
        String value = text(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!value.matches("-?[0-9]{1,9}")) {
            throw GatehouseException.invalidField(name, "a whole number", "'" + value + "'");
        }
        return Integer.parseInt(value);
    }
}
