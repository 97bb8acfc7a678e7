package io.gatehouse.cli;

import java.io.Console;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the process logs: JSON lines for a log collector, or short text lines for a person at a terminal; and whether
 * every request is logged. Chosen before anything logs, as system properties that {@code logback.xml} reads.
 *
 * @param json JSON lines rather than text
 * @param accessLog one line per HTTP request
 */
record LogSettings(boolean json, boolean accessLog) {
    static final String FORMAT_VARIABLE = "GATEHOUSE_LOG_FORMAT";
    static final String ACCESS_LOG_VARIABLE = "GATEHOUSE_ACCESS_LOG";

    /**
     * Reads {@value #FORMAT_VARIABLE} ({@code json} or {@code text}; unset: text at a terminal, JSON otherwise) and
     * {@value #ACCESS_LOG_VARIABLE} ({@code true} or {@code false}; unset: on with JSON, off with text, so that a
     * terminal is not flooded).
     *
     * @throws CommandFailure naming every invalid value
     */
    static LogSettings from(Map<String, String> environment, boolean terminal) {
        List<String> problems = new ArrayList<>();
        boolean json = choice(environment, FORMAT_VARIABLE, "json", "text", problems).orElse(!terminal);
        Optional<Boolean> access = choice(environment, ACCESS_LOG_VARIABLE, "true", "false", problems);
        if (!problems.isEmpty()) {
            throw new CommandFailure(String.join("; ", problems));
        }
        return new LogSettings(json, access.orElse(json));
    }

    /** True for the first value, false for the second, empty when unset; anything else is a problem. */
    private static Optional<Boolean> choice(Map<String, String> environment, String variable, String first,
            String second, List<String> problems) {
        String value = environment.getOrDefault(variable, "").strip().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.equals(first) || value.equals(second)) {
            return Optional.of(value.equals(first));
        }
        problems.add(variable + ": expected " + first + " or " + second + ", got '" + environment.get(variable)
                + "'");
        return Optional.empty();
    }

    /** Sets the properties {@code logback.xml} reads; must run before the first logger is created. */
    void apply() {
        System.setProperty("gatehouse.log.format", json ? "json" : "text");
        System.setProperty("gatehouse.log.access", accessLog ? "INFO" : "OFF");
    }

    /** Whether standard input and output are a terminal (a person watching) rather than a pipe or a file. */
    static boolean terminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From Java 22 a console can exist with redirected streams; only there Console.isTerminal() exists to tell.
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
