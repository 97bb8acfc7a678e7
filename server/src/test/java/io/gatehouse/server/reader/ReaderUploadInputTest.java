package io.gatehouse.server.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed events are refused one by one, with their index, the same way on SQLite and PostgreSQL. */
@DatabaseTest
class ReaderUploadInputTest {
    @TempDir
    Path data;
    TestServer server;
    EnrolledReader r;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        r = new EnrolledReader(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A correctly signed event whose {@code field} holds a NUL: the reader's key signed it, the database cannot hold it. */
    ReaderEvent withNul(ChainHead head, String field) {
        EventFields a = r.alice("offline", "deny", "replayed");
        return r.signed(head, new EventFields(a.time(), a.mode(), a.decision(),
                field.equals("reason") ? "re\u0000played" : a.reason(), a.credentialId(),
                field.equals("userId") ? r.aliceId + "\u0000" : a.userId(),
                field.equals("doorId") ? "\u0000" + r.doorId : a.doorId(), a.proofIssuedAt(), a.detail()));
    }

    @Test
    void an_event_with_a_nul_character_is_refused_with_its_index_and_the_others_are_merged() {
        ChainHead head = ChainHead.START;
        for (String field : List.of("reason", "userId", "doorId")) {
            ReaderEvent first = r.chain(1, head).get(0);
            ReaderEvent bad = withNul(ChainHead.of(first), field);
            ReaderEvent third = r.chain(1, ChainHead.of(bad)).get(0);
            HttpResult result = r.upload(List.of(first, bad, third));
            assertThat(result.json().get("accepted").asInt()).as(field + ": " + result).isEqualTo(2);
            JsonNode refused = result.json().get("refused");
            assertThat(refused).hasSize(1);
            assertThat(refused.get(0).get("index").asInt()).isEqualTo(1);
            assertThat(refused.get(0).get("eventId").asText()).isEqualTo(bad.eventId());
            assertThat(refused.get(0).get("code").asText()).isEqualTo("invalid_event");
            assertThat(refused.get(0).get("detail").asText()).isEqualTo("event 1: field '" + field
                    + "' must not contain control characters, got U+0000 at position "
                    + (field.equals("reason") ? 2 : field.equals("userId") ? r.aliceId.length() : 0));
            assertThat(result.json().get("alerts").get(0).asText()).startsWith("gap at " + third.eventId());
            head = ChainHead.of(third);
        }
        assertThat(r.records("door.scan")).hasSize(6);
        assertThat(r.records("reader.events.refused")).hasSize(3)
                .allMatch(record -> record.get("details").get("index").asInt() == 1);
    }

    @Test
    void each_malformed_element_is_refused_for_its_own_reason() {
        ReaderEvent good = r.signed(ChainHead.START, r.alice("offline", "grant", null));
        Map<String, Object> foreign = new LinkedHashMap<>(EnrolledReader.json(good));
        foreign.put("eventId", "rdr_someone/1");
        Map<String, Object> badSeq = new LinkedHashMap<>(EnrolledReader.json(good));
        badSeq.put("seq", "1");
        Map<String, Object> shortHash = new LinkedHashMap<>(EnrolledReader.json(good));
        shortHash.put("hash", "abcd");
        Map<String, Object> loneSurrogate = new LinkedHashMap<>(EnrolledReader.json(good));
        loneSurrogate.put("detail", "LONE");
        List<Object> elements = new ArrayList<>(List.of("not an object", foreign, badSeq, shortHash, loneSurrogate,
                EnrolledReader.json(good)));
        // An unpaired surrogate can only be sent as a JSON escape: Java's UTF-8 encoder would replace it.
        String body = Json.write(Map.of("events", elements)).replace("\"LONE\"", "\"x\\ud800y\"");
        HttpResult result = server.send(HttpRequest.newBuilder(server.uri("/api/v1/reader/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)),
                r.credential);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        JsonNode refused = result.json().get("refused");
        assertThat(refused).hasSize(5);
        List<String> seen = new ArrayList<>();
        refused.forEach(item -> seen.add(item.get("index").asInt() + " " + item.get("code").asText() + " "
                + item.get("detail").asText()));
        assertThat(seen).containsExactly(
                "0 invalid_event event 0: expected an object, got string",
                "1 foreign_event_id event 1: expected eventId '" + r.readerId + "/1' (this reader's id and the seq),"
                        + " got 'rdr_someone/1'",
                "2 invalid_event event 2: field 'seq' must be a whole number from 1 to " + Long.MAX_VALUE
                        + ", got string",
                "3 invalid_event event 3: field 'hash' must be 64 hex digits, got 4 characters",
                "4 invalid_event event 4: field 'detail' must be valid Unicode, got an unpaired surrogate at"
                        + " position 1");
        assertThat(result.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(result.json().get("lastSeq").asLong()).isEqualTo(1);
        assertThat(r.eventIds("door.scan")).containsExactly(good.eventId());
    }

    @Test
    void a_full_upload_is_merged_across_its_chunks_exactly_once() {
        List<ReaderEvent> events = r.chain(EventUpload.MAX_EVENTS, ChainHead.START);
        HttpResult first = r.upload(events.subList(0, 120));
        assertThat(first.json().get("accepted").asInt()).isEqualTo(120);
        HttpResult second = r.upload(events);
        assertThat(second.json().get("accepted").asInt()).isEqualTo(EventUpload.MAX_EVENTS - 120);
        assertThat(second.json().get("duplicates").asInt()).isEqualTo(120);
        assertThat(second.json().get("lastSeq").asLong()).isEqualTo(EventUpload.MAX_EVENTS);
        assertThat(second.json().get("alerts")).isEmpty();
        assertThat(r.records("door.scan")).hasSize(EventUpload.MAX_EVENTS);
    }
}
