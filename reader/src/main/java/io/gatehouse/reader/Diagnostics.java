package io.gatehouse.reader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reports on standard error, one JSON object per line ({@code {"time","level","event",…}}), so that a
 * supervisor can parse them as it parses the decisions on standard output. Thread-safe.
 */
public final class Diagnostics {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintWriter err;
    private final Clock clock;

    /**
     * Creates a reporter.
     *
     * @param err where the lines go; not null
     * @param clock dates the lines; not null
     */
    public Diagnostics(PrintWriter err, Clock clock) {
        this.err = Objects.requireNonNull(err, "err");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Reports something worth knowing that needs no action.
     *
     * @param event a stable lower_snake_case name; not null
     * @param fields more members, in order; values are written as JSON strings, numbers, booleans or null;
     *     not null
     */
    public void info(String event, Map<String, ?> fields) {
        write("info", event, fields);
    }

    /**
     * Reports something an operator should look at.
     *
     * @param event a stable lower_snake_case name; not null
     * @param fields more members; not null
     */
    public void warn(String event, Map<String, ?> fields) {
        write("warn", event, fields);
    }

    /**
     * Reports a failure.
     *
     * @param event a stable lower_snake_case name; not null
     * @param fields more members; not null
     */
    public void error(String event, Map<String, ?> fields) {
        write("error", event, fields);
    }

    /**
     * Builds an ordered field map from alternating names and values.
     *
     * @param namesAndValues name, value, name, value, …; names not null, values may be null
     * @return a new ordered map, never null
     * @throws IllegalArgumentException if the count is odd
     */
    public static Map<String, Object> fields(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected names and values in pairs, got " + namesAndValues.length + " items");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i].toString(), namesAndValues[i + 1]);
        }
        return map;
    }

    private void write(String level, String event, Map<String, ?> fields) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", clock.instant().toString());
        line.put("level", level);
        line.put("event", Objects.requireNonNull(event, "event"));
        fields.forEach((name, value) -> {
            switch (value) {
                case null -> line.putNull(name);
                case Number number when number instanceof Long || number instanceof Integer -> line.put(name, number.longValue());
                case Number number -> line.put(name, number.doubleValue());
                case Boolean bool -> line.put(name, bool);
                default -> line.put(name, value.toString());
            }
        });
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }
}
