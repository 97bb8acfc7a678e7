package io.gatehouse.server.console;

import io.gatehouse.server.access.Schedules;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the weekly schedule editor: a rule's windows and two empty rows to add more (a form without script
 * adds rows by saving). Times are the site's local times.
 */
public record ScheduleRows(List<Row> rows) {
    public static final List<String> DAYS = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

    /** One window of the editor; an empty row has no days and no times. */
    public record Row(int index, List<String> days, String from, String to) {
        public boolean has(String day) {
            return days.contains(day);
        }
    }

    static ScheduleRows of(List<Schedules.Window> windows) {
        List<Row> rows = new ArrayList<>();
        if (windows != null) {
            for (Schedules.Window window : windows) {
                rows.add(new Row(rows.size(), window.days(), window.from(), window.to()));
            }
        }
        for (int spare = 0; spare < 2 && rows.size() < DoorForms.MAX_WINDOWS; spare++) {
            rows.add(new Row(rows.size(), List.of(), "", ""));
        }
        return new ScheduleRows(rows);
    }
}
