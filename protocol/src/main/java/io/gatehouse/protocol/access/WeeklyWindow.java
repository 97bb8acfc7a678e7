package io.gatehouse.protocol.access;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A weekly time window in a site's local time, for example Monday to Friday 07:00-19:00.
 *
 * <p>{@code from} is inclusive and {@code to} exclusive. When {@code from} is after {@code to} the
 * window spans midnight: Friday 22:00-06:00 runs from Friday 22:00 to Saturday 06:00, and
 * {@code days} names the day on which the window <em>starts</em>. When {@code from} equals {@code to}
 * the window lasts 24 hours from {@code from} (so 00:00-00:00 is the whole day).
 *
 * @param days the days on which the window starts; not null, not empty, copied
 * @param from the start of the window, inclusive; not null
 * @param to the end of the window, exclusive; not null
 */
public record WeeklyWindow(Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    /**
     * @throws NullPointerException if an argument is null or {@code days} contains null
     * @throws IllegalArgumentException if {@code days} is empty
     */
    public WeeklyWindow {
        Objects.requireNonNull(days, "days");
        if (days.isEmpty()) {
            throw new IllegalArgumentException("weekly window: expected at least one day, got none");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
    }

    /**
     * Tells whether a local date-time falls inside the window.
     *
     * @param day the local day of the week; not null
     * @param time the local time of day; not null
     * @return true if the window contains that instant
     * @throws NullPointerException if an argument is null
     */
    public boolean contains(DayOfWeek day, LocalTime time) {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(time, "time");
        if (from.isBefore(to)) {
            return days.contains(day) && !time.isBefore(from) && time.isBefore(to);
        }
        // Spans midnight (or lasts 24 hours when from == to): the evening part belongs to a window that
        // starts today, the morning part to one that started yesterday.
        boolean eveningOfStartDay = days.contains(day) && !time.isBefore(from);
        boolean morningAfterStartDay = days.contains(day.minus(1)) && time.isBefore(to);
        return eveningOfStartDay || morningAfterStartDay;
    }
}
