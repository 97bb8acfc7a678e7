package io.gatehouse.server.visitor;

import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.config.GatehouseConfig;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The checks of an invitation, each refusal naming its field and what was expected. */
final class VisitorRules {
    static final int MAX_NAME = 200;
    static final int MAX_EMAIL = 254;
    static final int MAX_NOTE = 500;
    static final int MAX_PLACES = 100;
    static final int MAX_ENTRIES = 1000;
    static final Duration MAX_WINDOW = Duration.ofDays(31);
    /** An address as mail servers take it: a local part without spaces or brackets, a dotted domain. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s<>()\\[\\],;:\"\\\\]{1,64}@(?:[A-Za-z0-9]"
            + "(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}");
    private static final int MAX_ID = 100;

    private VisitorRules() {
    }

    /** An invitation as checked: times resolved, lists without repeats. */
    record Checked(String name, String email, Optional<String> note, Optional<String> hostUserId, Instant from,
            Instant until, int maxEntries, List<String> doorIds, List<String> zoneIds) {
    }

    static Checked check(VisitorRequest request, GatehouseConfig.Visitors settings, Instant now) {
        String name = request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw GatehouseException.invalidField("name", "1 to " + MAX_NAME + " characters without control"
                    + " characters", name.length() + " characters");
        }
        String email = request.email().strip();
        if (email.length() > MAX_EMAIL || !EMAIL.matcher(email).matches()) {
            throw GatehouseException.invalidField("email", "an e-mail address such as name@example.com",
                    "'" + truncate(email) + "'");
        }
        Optional<String> note = Optional.ofNullable(request.note()).map(String::strip).filter(n -> !n.isEmpty());
        if (note.isPresent() && (note.get().length() > MAX_NOTE || note.get().chars().anyMatch(
                c -> Character.isISOControl(c) && c != '\n'))) {
            throw GatehouseException.invalidField("note", "at most " + MAX_NOTE + " characters without control"
                    + " characters other than line breaks", note.get().length() + " characters");
        }
        List<String> doorIds = ids("doorIds", request.doorIds());
        List<String> zoneIds = ids("zoneIds", request.zoneIds());
        if (doorIds.isEmpty() && zoneIds.isEmpty()) {
            throw GatehouseException.invalid("invalid_field", "field 'doorIds' must name at least one door (or"
                    + " 'zoneIds' a zone)");
        }
        Instant from = time("from", request.from(), settings.siteZone());
        Instant until = time("until", request.until(), settings.siteZone());
        if (!until.isAfter(from)) {
            throw GatehouseException.invalid("invalid_field", "field 'until' must be after 'from', got " + until
                    + " for a window from " + from);
        }
        Duration window = Duration.between(from, until);
        if (window.compareTo(MAX_WINDOW) > 0) {
            throw GatehouseException.invalid("invalid_field", "the window from 'from' to 'until' must be at most "
                    + MAX_WINDOW.toDays() + " days, got " + describe(window));
        }
        if (!until.isAfter(now)) {
            throw GatehouseException.invalid("invalid_field", "field 'until' must be in the future, got " + until
                    + " (now is " + now + ")");
        }
        int maxEntries = request.maxEntries();
        if (maxEntries < 1 || maxEntries > MAX_ENTRIES) {
            throw GatehouseException.invalidField("maxEntries", "a whole number from 1 to " + MAX_ENTRIES,
                    String.valueOf(maxEntries));
        }
        Optional<String> host = Optional.ofNullable(request.hostUserId());
        return new Checked(name, email, note, host, from, until, maxEntries, doorIds, zoneIds);
    }

    private static List<String> ids(String field, List<String> values) {
        if (values.size() > MAX_PLACES) {
            throw GatehouseException.invalidField(field, "at most " + MAX_PLACES + " ids", values.size() + " ids");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        for (String value : values) {
            if (value == null || value.isEmpty() || value.length() > MAX_ID) {
                throw GatehouseException.invalidField(field, "a list of ids of 1 to " + MAX_ID + " characters",
                        value == null ? "null in the list" : value.length() + " characters");
            }
            ids.add(value);
        }
        return List.copyOf(ids);
    }

    /** An ISO-8601 date-time with an offset, or a local date-time in the site's time zone. */
    static Instant time(String field, String text, ZoneId siteZone) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException withOffset) {
            try {
                return LocalDateTime.parse(text).atZone(siteZone).toInstant();
            } catch (DateTimeException local) {
                throw GatehouseException.invalidField(field, "an ISO-8601 date-time such as 2026-05-04T09:00 (in"
                        + " the site's time zone " + siteZone.getId() + ") or 2026-05-04T09:00+02:00",
                        "'" + truncate(text) + "'");
            }
        }
    }

    private static String describe(Duration window) {
        long hours = window.toHours();
        return hours % 24 == 0 ? hours / 24 + " days" : hours / 24 + " days and " + hours % 24 + " hours";
    }

    private static String truncate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
