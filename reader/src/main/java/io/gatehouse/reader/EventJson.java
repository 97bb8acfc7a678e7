package io.gatehouse.reader;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ReaderEvent;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The JSON form of a {@link ReaderEvent}, as written to the queue file and uploaded: the members
 * {@code eventId, seq, time, mode, decision, reason, credentialId, userId, doorId, proofIssuedAt, detail,
 * prevHash, hash, signature} in this order, absent values as {@code null}, the hashes as lowercase hex
 * and the signature as unpadded base64url.
 */
public final class EventJson {

    /** Strict: a duplicated member or trailing content makes a line invalid rather than half-read. */
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final HexFormat HEX = HexFormat.of();

    private EventJson() {
    }

    /**
     * Writes an event as a JSON object.
     *
     * @param event the event; not null
     * @return a new object node, never null
     */
    public static ObjectNode toNode(ReaderEvent event) {
        ObjectNode json = JSON.createObjectNode();
        json.put("eventId", event.eventId());
        json.put("seq", event.seq());
        json.put("time", event.time());
        json.put("mode", event.mode());
        json.put("decision", event.decision());
        json.put("reason", event.reason());
        json.put("credentialId", event.credentialId());
        json.put("userId", event.userId());
        json.put("doorId", event.doorId());
        json.put("proofIssuedAt", event.proofIssuedAt());
        json.put("detail", event.detail());
        json.put("prevHash", HEX.formatHex(event.prevHash()));
        json.put("hash", HEX.formatHex(event.hash()));
        json.put("signature", Base64Url.encode(event.signature()));
        return json;
    }

    /**
     * Writes an event as one line of compact JSON, without the line terminator.
     *
     * @param event the event; not null
     * @return the JSON text, never null, without a newline (JSON escapes any in the values)
     */
    public static String toLine(ReaderEvent event) {
        try {
            return JSON.writeValueAsString(toNode(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event tree always serialises", e);
        }
    }

    /**
     * Reads one line written by {@link #toLine}.
     *
     * @param line the JSON text; not null
     * @return the event (its hash and signature are not checked here), never null
     * @throws IllegalArgumentException naming the member that is missing or wrong, or if the text is not
     *     one JSON object
     */
    public static ReaderEvent fromLine(String line) {
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not one JSON object: " + e.getOriginalMessage());
        }
        return fromNode(json);
    }

    /**
     * Reads an event object.
     *
     * @param json the object; not null
     * @return the event, never null
     * @throws IllegalArgumentException naming the member that is missing or wrong
     */
    public static ReaderEvent fromNode(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return new ReaderEvent(
                requiredText(json, "eventId"),
                requiredLong(json, "seq"),
                requiredLong(json, "time"),
                requiredText(json, "mode"),
                requiredText(json, "decision"),
                optionalText(json, "reason"),
                optionalText(json, "credentialId"),
                optionalText(json, "userId"),
                requiredText(json, "doorId"),
                optionalLong(json, "proofIssuedAt"),
                optionalText(json, "detail"),
                hex(json, "prevHash"),
                hex(json, "hash"),
                base64url(json, "signature"));
    }

    private static String requiredText(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("member '" + name + "': expected a string, got " + describe(value));
        }
        return value.textValue();
    }

    private static String optionalText(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        return requiredText(json, name);
    }

    private static long requiredLong(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("member '" + name + "': expected an integer, got " + describe(value));
        }
        return value.longValue();
    }

    private static Long optionalLong(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        return requiredLong(json, name);
    }

    private static byte[] hex(JsonNode json, String name) {
        String text = requiredText(json, name);
        if (!text.equals(text.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("member '" + name + "': expected lowercase hex");
        }
        try {
            return HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("member '" + name + "': expected hex, " + e.getMessage());
        }
    }

    private static byte[] base64url(JsonNode json, String name) {
        try {
            return Base64Url.decode(requiredText(json, name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("member '" + name + "': " + e.getMessage());
        }
    }

    private static String describe(JsonNode value) {
        return value == null ? "nothing" : value.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
