package io.gatehouse.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Json;
import java.io.IOException;
import java.time.Instant;

/** One record as the API and its exports show it; every member is present, null when the record has no value for it. */
public record RecordView(long id, String eventId, String time, String actor, String action, String user,
        String subject, String result, String reason, String clientAddress, String userAgent, String mode,
        JsonNode details, Long chainPosition) {

    static RecordView of(StoredRecord record) {
        JsonNode details = parseDetails(record.details());
        String mode = details != null && details.hasNonNull("mode") ? details.get("mode").asText() : null;
        return new RecordView(record.id(), record.eventId(), Instant.ofEpochMilli(record.createdAt()).toString(),
                record.actor(), record.action(), record.subjectUser(), record.subject(), record.result(),
                record.reason(), record.clientAddress(), record.userAgent(), mode, details, record.chainSeq());
    }

    /**
     * The stored details; text that is not JSON is shown as a string rather than refused, because an audit
     * record whose content was altered must stay readable to whoever investigates it (verification reports it).
     */
    private static JsonNode parseDetails(String details) {
        if (details == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(details);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(details);
        }
    }
}
