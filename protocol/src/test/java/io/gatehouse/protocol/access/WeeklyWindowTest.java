package io.gatehouse.protocol.access;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WeeklyWindowTest {

    @ParameterizedTest(name = "Fri 22:00-06:00 at {0} {1} -> {2}")
    @CsvSource({
        "FRIDAY,   21:59:59, false",
        "FRIDAY,   22:00,    true",
        "SATURDAY, 00:00,    true",
        "SATURDAY, 05:59:59, true",
        "SATURDAY, 06:00,    false",
        "SATURDAY, 22:00,    false",
        "THURSDAY, 23:00,    false",
        "FRIDAY,   03:00,    false",
    })
    void an_overnight_window_spans_midnight_from_the_day_it_starts(DayOfWeek day, LocalTime time, boolean inside) {
        WeeklyWindow friNight = new WeeklyWindow(Set.of(FRIDAY), LocalTime.of(22, 0), LocalTime.of(6, 0));

        assertThat(friNight.contains(day, time)).isEqualTo(inside);
    }

    @Test
    void equal_bounds_mean_24_hours_from_the_start() {
        WeeklyWindow wholeMonday = new WeeklyWindow(Set.of(MONDAY), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);
        assertThat(wholeMonday.contains(MONDAY, LocalTime.MIDNIGHT)).isTrue();
        assertThat(wholeMonday.contains(MONDAY, LocalTime.MAX)).isTrue();
        assertThat(wholeMonday.contains(SUNDAY, LocalTime.MAX)).isFalse();
        assertThat(wholeMonday.contains(DayOfWeek.TUESDAY, LocalTime.MIDNIGHT)).isFalse();

        WeeklyWindow noonToNoon = new WeeklyWindow(Set.of(SATURDAY), LocalTime.NOON, LocalTime.NOON);
        assertThat(noonToNoon.contains(SUNDAY, LocalTime.of(11, 59))).isTrue();
        assertThat(noonToNoon.contains(SUNDAY, LocalTime.NOON)).isFalse();
    }

    @Test
    void a_window_needs_a_day() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new WeeklyWindow(Set.of(), LocalTime.NOON, LocalTime.MIDNIGHT))
                .withMessage("weekly window: expected at least one day, got none");
    }

    @Test
    void the_days_are_copied() {
        Set<DayOfWeek> days = new HashSet<>(EnumSet.of(MONDAY));
        WeeklyWindow window = new WeeklyWindow(days, LocalTime.of(8, 0), LocalTime.of(9, 0));
        days.add(FRIDAY);

        assertThat(window.days()).containsExactly(MONDAY);
    }
}
