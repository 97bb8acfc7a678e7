package io.gatehouse.server.common;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Instants as parameters give them: RFC 3339 with an offset, checked the same way for the API and the console. */
public final class Instants {
    private Instants() {
    }

    /**
     * The instant in {@code raw} (such as {@code 2026-01-31T12:00:00Z} or {@code 2026-01-31T13:00:00+01:00}), or
     * empty when {@code raw} is null.
     *
     * @throws GatehouseException {@code invalid_parameter} naming the parameter {@code name} when it is not one
     */
    public static Optional<Instant> parameter(String name, String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(raw, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            throw GatehouseException.invalid("invalid_parameter", "query parameter '" + name + "' must be an RFC 3339"
                    + " instant such as 2026-01-31T12:00:00Z, got '" + Utf8.truncate(raw, 40) + "'");
        }
    }
}
