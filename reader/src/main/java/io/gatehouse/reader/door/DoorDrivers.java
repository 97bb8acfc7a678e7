package io.gatehouse.reader.door;

import io.gatehouse.reader.Diagnostics;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Reads the {@code --door-driver} option: {@code log}, {@code command:CMD} or {@code http:URL}. */
public final class DoorDrivers {

    private DoorDrivers() {
    }

    /**
     * Creates a driver from its option text.
     *
     * @param spec {@code log}; {@code command:PROGRAM [ARG…]} (words split on whitespace, no quoting, no
     *     shell); or {@code http:URL}; not null
     * @param diagnostics for the log driver; not null
     * @param http for the HTTP driver; not null
     * @param doorId the reader's door; not null
     * @return the driver, never null
     * @throws IllegalArgumentException naming the accepted forms if the text is none of them
     */
    public static DoorDriver parse(String spec, Diagnostics diagnostics, HttpClient http, String doorId) {
        Objects.requireNonNull(spec, "spec");
        if (spec.equals("log")) {
            return new LogDoorDriver(diagnostics, doorId);
        }
        if (spec.startsWith("command:")) {
            List<String> words = Arrays.stream(spec.substring("command:".length()).strip().split("\\s+"))
                    .filter(word -> !word.isEmpty())
                    .toList();
            if (words.isEmpty()) {
                throw new IllegalArgumentException("--door-driver command: expected a program after 'command:'");
            }
            return new CommandDoorDriver(words);
        }
        if (spec.startsWith("http:")) {
            String url = spec.substring("http:".length());
            try {
                return new HttpDoorDriver(http, new URI(url), doorId);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--door-driver http: '" + url + "' is not a URL: " + e.getReason());
            }
        }
        throw new IllegalArgumentException("--door-driver: expected log, command:PROGRAM [ARG...] or http:URL, got '"
                + spec + "'");
    }
}
