package io.gatehouse.server.access;

import io.gatehouse.server.common.GatehouseException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.WeeklyWindow;
import io.gatehouse.server.common.Json;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Weekly schedules as the API writes them, {@code [{"days":["MON","TUE"],"from":"07:00","to":"19:00"}]}, and as
 * stored (the same JSON text). An absent or empty schedule means "always". {@code from} is inclusive, {@code to}
 * exclusive; {@code from} after {@code to} spans midnight, counted on the day it starts.
 */
public final class Schedules {
    private static final int MAX_WINDOWS = 32;

    private Schedules() {
    }

    public static List<WeeklyWindow> parse(JsonNode schedule) {
        if (schedule == null || schedule.isNull()) {
            return List.of();
        }
        if (!schedule.isArray() || schedule.size() > MAX_WINDOWS) {
            throw invalid("an array of at most " + MAX_WINDOWS + " windows", schedule.getNodeType().toString());
        }
        List<WeeklyWindow> windows = new ArrayList<>();
        for (JsonNode window : schedule) {
            JsonNode days = window.get("days");
            if (days == null || !days.isArray() || days.isEmpty()) {
                throw invalid("a window with a non-empty 'days' array", window.toString());
            }
            Set<DayOfWeek> parsedDays = EnumSet.noneOf(DayOfWeek.class);
            for (JsonNode day : days) {
                parsedDays.add(day(day.asText()));
            }
            windows.add(new WeeklyWindow(parsedDays, time(window, "from"), time(window, "to")));
        }
        return List.copyOf(windows);
    }

    public static String toJson(List<WeeklyWindow> windows) {
        return windows.isEmpty() ? null : Json.write(toView(windows));
    }

    /** One window as the API writes it: {@code {"days":["MON","TUE"],"from":"07:00","to":"19:00"}}. */
    public record Window(List<String> days, String from, String to) {
    }

    public static List<Window> toView(List<WeeklyWindow> windows) {
        return windows.stream().map(window -> new Window(window.days().stream().sorted()
                .map(day -> day.name().substring(0, 3)).toList(), window.from().toString(), window.to().toString()))
                .toList();
    }

    /** Reads a stored schedule; null means always. A schedule that does not read back is corrupt, not invalid. */
    public static List<WeeklyWindow> fromStored(String stored) {
        if (stored == null) {
            return List.of();
        }
        try {
            return parse(Json.MAPPER.readTree(stored));
        } catch (java.io.IOException | GatehouseException e) {
            throw GatehouseException.corrupt("stored schedule " + stored, e);
        }
    }

    private static DayOfWeek day(String text) {
        String upper = text.toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().equals(upper) || day.name().substring(0, 3).equals(upper)) {
                return day;
            }
        }
        throw invalid("days among MON TUE WED THU FRI SAT SUN", "'" + text + "'");
    }

    private static LocalTime time(JsonNode window, String field) {
        JsonNode value = window.get(field);
        if (value == null || !value.isTextual()) {
            throw invalid("'" + field + "' as HH:MM", value == null ? "nothing" : value.toString());
        }
        LocalTime time;
        try {
            time = LocalTime.parse(value.textValue());
        } catch (DateTimeParseException e) {
            throw invalid("'" + field + "' as HH:MM", "'" + value.textValue() + "'");
        }
        if (time.getSecond() != 0 || time.getNano() != 0) {
            throw invalid("'" + field + "' in whole minutes (HH:MM)", "'" + value.textValue() + "'");
        }
        return time;
    }

    private static GatehouseException invalid(String expected, String actual) {
        return GatehouseException.invalid("invalid_field", "field 'schedule' must hold " + expected + ", got " + actual);
    }
}
