package io.gatehouse.server.reader;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import java.util.HexFormat;

/**
 * Reads one uploaded event (docs/protocol.md D.1) with the same checks on every database: each field has its type
 * and a bounded length, and text holds no control character and no unpaired surrogate. PostgreSQL refuses NUL in
 * text, and a lone surrogate has no UTF-8 form, so two different texts would hash alike. A bad event is refused
 * on its own, with its index and the reason; the other events of the upload are still merged.
 */
final class EventParser {
    static final String INVALID = "invalid_event";
    static final String FOREIGN = "foreign_event_id";
    static final int MAX_ID = 200;
    static final int MAX_CODE = 64;
    static final int MAX_NAME = 128;
    static final int MAX_DETAIL = 2000;

    private EventParser() {
    }

    /** What became of one element of the {@code events} array. */
    sealed interface Item permits Parsed, Refused {
        int index();
    }

    record Parsed(int index, ReaderEvent event) implements Item {
    }

    /** @param eventId the element's event id when it is acceptable text, else null */
    record Refused(int index, String eventId, String code, String detail) implements Item {
    }

    static Item parse(int index, JsonNode node, String readerId) {
        try {
            return new Parsed(index, read(node, readerId));
        } catch (Invalid e) {
            String shown;
            try {
                shown = text(node, "eventId", MAX_ID, false);
            } catch (Invalid unreadable) {
                shown = null;
            }
            return new Refused(index, shown, e.code, "event " + index + ": " + e.getMessage());
        }
    }

    private static ReaderEvent read(JsonNode node, String readerId) {
        if (!node.isObject()) {
            throw new Invalid(INVALID, "expected an object, got " + describe(node));
        }
        String eventId = text(node, "eventId", MAX_ID, true);
        long seq = integer(node, "seq", 1, Long.MAX_VALUE);
        if (!eventId.equals(readerId + "/" + seq)) {
            throw new Invalid(FOREIGN, "expected eventId '" + readerId + "/" + seq + "' (this reader's id and the"
                    + " seq), got '" + eventId + "'");
        }
        long time = integer(node, "time", 0, Long.MAX_VALUE);
        String mode = oneOf(node, "mode", ReaderEvent.ONLINE, ReaderEvent.OFFLINE);
        String decision = oneOf(node, "decision", ReaderEvent.GRANT, ReaderEvent.DENY);
        Long proofIssuedAt = node.hasNonNull("proofIssuedAt") ? integer(node, "proofIssuedAt", 0, 0xFFFF_FFFFL) : null;
        return new ReaderEvent(eventId, seq, time, mode, decision, text(node, "reason", MAX_CODE, false),
                text(node, "credentialId", MAX_CODE, false), text(node, "userId", MAX_NAME, false),
                text(node, "doorId", MAX_NAME, true), proofIssuedAt, text(node, "detail", MAX_DETAIL, false),
                hex(node, "prevHash"), hex(node, "hash"), signature(node));
    }

    private static String text(JsonNode node, String field, int maxLength, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new Invalid(INVALID, "field '" + field + "' must be a string, got nothing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new Invalid(INVALID, "field '" + field + "' must be a string, got " + describe(value));
        }
        String text = value.textValue();
        if (text.isEmpty() || text.length() > maxLength) {
            throw new Invalid(INVALID, "field '" + field + "' must be 1 to " + maxLength + " characters, got "
                    + text.length());
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw new Invalid(INVALID, "field '" + field + "' must not contain control characters, got U+"
                        + String.format("%04X", (int) c) + " at position " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new Invalid(INVALID, "field '" + field + "' must be valid Unicode, got an unpaired surrogate"
                        + " at position " + i);
            }
        }
        return text;
    }

    private static long integer(JsonNode node, String field, long min, long max) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min
                || value.longValue() > max) {
            throw new Invalid(INVALID, "field '" + field + "' must be a whole number from " + min + " to " + max
                    + ", got " + (value == null ? "nothing" : value.isIntegralNumber() && value.canConvertToLong()
                            ? value.asText() : describe(value)));
        }
        return value.longValue();
    }

    private static String oneOf(JsonNode node, String field, String first, String second) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || !(value.textValue().equals(first)
                || value.textValue().equals(second))) {
            throw new Invalid(INVALID, "field '" + field + "' must be \"" + first + "\" or \"" + second + "\", got "
                    + (value == null ? "nothing" : value.isTextual() ? "another string" : describe(value)));
        }
        return value.textValue();
    }

    private static byte[] hex(JsonNode node, String field) {
        String text = text(node, field, 2 * ReaderEvents.HASH_LENGTH, true);
        if (text.length() != 2 * ReaderEvents.HASH_LENGTH || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new Invalid(INVALID, "field '" + field + "' must be " + 2 * ReaderEvents.HASH_LENGTH
                    + " hex digits, got " + text.length() + " characters");
        }
        return HexFormat.of().parseHex(text);
    }

    private static byte[] signature(JsonNode node) {
        String text = text(node, "signature", 128, true);
        byte[] bytes;
        try {
            bytes = Base64Url.decode(text);
        } catch (IllegalArgumentException e) {
            throw new Invalid(INVALID, "field 'signature' must be base64url, got other characters");
        }
        if (bytes.length != ReaderEvents.SIGNATURE_LENGTH) {
            throw new Invalid(INVALID, "field 'signature' must encode " + ReaderEvents.SIGNATURE_LENGTH
                    + " bytes, got " + bytes.length);
        }
        return bytes;
    }

    private static String describe(JsonNode value) {
        return value.isIntegralNumber() ? "a number out of range" : value.getNodeType().toString().toLowerCase(
                java.util.Locale.ROOT);
    }

    /** One reason an element is not an event; caught in {@link #parse}, never leaves this class. */
    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String code;

        Invalid(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
