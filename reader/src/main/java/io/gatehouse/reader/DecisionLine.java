package io.gatehouse.reader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.reader.ReaderEvent;
import java.time.Instant;

/**
 * The line printed on standard output for each decision:
 * {@code {"eventId","decision","reason","mode","door","time"}}, where {@code time} is the decision time
 * as an ISO-8601 UTC instant ({@link Instant#toString()}: fractions of a second only when non-zero), and {@code reason} is null for an ordinary grant.
 */
public final class DecisionLine {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DecisionLine() {
    }

    /**
     * Formats the line for an event.
     *
     * @param event the recorded event; not null
     * @return one line of JSON without a terminator, never null
     */
    public static String of(ReaderEvent event) {
        ObjectNode line = JSON.createObjectNode();
        line.put("eventId", event.eventId());
        line.put("decision", event.decision());
        line.put("reason", event.reason());
        line.put("mode", event.mode());
        line.put("door", event.doorId());
        line.put("time", Instant.ofEpochMilli(event.time()).toString());
        return line.toString();
    }
}
