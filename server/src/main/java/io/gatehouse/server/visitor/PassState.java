package io.gatehouse.server.visitor;

import io.gatehouse.server.common.GatehouseException;
import java.util.Locale;

/** Where a pass stands; computed from the stored row and the time, never stored itself. */
public enum PassState {
    UPCOMING, ACTIVE, USED_UP, EXPIRED, REVOKED;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state a list filter names, refused with the codes there are. */
    public static PassState parseFilter(String code) {
        for (PassState state : values()) {
            if (state.code().equals(code)) {
                return state;
            }
        }
        throw GatehouseException.invalid("invalid_parameter", "query parameter 'state' must be one of upcoming,"
                + " active, used_up, expired, revoked, got '" + code + "'");
    }
}
