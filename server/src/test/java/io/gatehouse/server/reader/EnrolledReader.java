package io.gatehouse.server.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A real server with one site, a door, a reader enrolled with its own key, and alice with an enrolled device. */
final class EnrolledReader {
    static final SecureRandom RANDOM = new SecureRandom();

    final TestServer server;
    final String zoneId;
    final String doorId;
    final String readerId;
    final String aliceId;
    final Enrollment alice;
    final KeyPair readerKeys = ProofSigner.generateP256(RANDOM);
    final String credential;

    EnrolledReader(TestServer server) {
        this.server = server;
        String site = id(server.post("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC")));
        zoneId = id(server.post("/api/v1/zones", Map.of("siteId", site, "name", "Z")));
        doorId = id(server.post("/api/v1/doors", Map.of("zoneId", zoneId, "name", "D", "maxBundleAgeSeconds", 3600)));
        readerId = id(server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "R")));
        server.post("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        aliceId = id(server.post("/api/v1/users", Map.of("username", "alice", "roles", List.of("staff"))));
        String link = server.post("/api/v1/users/" + aliceId + "/device-enrollments", "").json()
                .get("enrollmentUrl").asText();
        alice = new EnrollmentClient().enroll(URI.create(link), ProofSigner.generateP256(RANDOM).getPublic(),
                DeviceFacts.cli());
        String token = server.post("/api/v1/readers/" + readerId + "/provisioning", "").json().get("token").asText();
        HttpResult enrolled = server.post("/api/v1/reader-enrollment", Map.of("secret",
                token.substring(token.indexOf('.') + 1), "publicKey",
                Base64Url.encode(PublicKeys.toSpki(readerKeys.getPublic()))), null);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        credential = enrolled.json().get("credential").asText();
    }

    static String id(HttpResult result) {
        assertThat(result.status()).as(result.toString()).isEqualTo(201);
        return result.json().get("id").asText();
    }

    /** What the reader would record for alice at its door. */
    EventFields alice(String mode, String decision, String reason) {
        return new EventFields(server.clock().millis(), mode, decision, reason, alice.credentialId().toString(),
                aliceId, doorId, server.clock().instant().getEpochSecond(), "test");
    }

    ReaderEvent signed(ChainHead head, EventFields fields) {
        return ReaderEvents.chain(head, readerId, fields, readerKeys.getPrivate());
    }

    /** Signed with a key that is not the reader's: what a thief of the credential alone can make. */
    ReaderEvent forged(ChainHead head, EventFields fields) {
        return ReaderEvents.chain(head, readerId, fields, ProofSigner.generateP256(RANDOM).getPrivate());
    }

    List<ReaderEvent> chain(int count, ChainHead start) {
        List<ReaderEvent> events = new ArrayList<>();
        ChainHead head = start;
        for (int i = 0; i < count; i++) {
            ReaderEvent event = signed(head, alice("offline", i % 3 == 0 ? "deny" : "grant",
                    i % 3 == 0 ? "replayed" : null));
            events.add(event);
            head = ChainHead.of(event);
        }
        return events;
    }

    static Map<String, Object> json(ReaderEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
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
        json.put("prevHash", HexFormat.of().formatHex(event.prevHash()));
        json.put("hash", HexFormat.of().formatHex(event.hash()));
        json.put("signature", Base64Url.encode(event.signature()));
        return json;
    }

    HttpResult upload(List<ReaderEvent> events) {
        return uploadJson(events.stream().map(EnrolledReader::json).toList());
    }

    HttpResult uploadJson(List<?> events) {
        HttpResult result = server.post("/api/v1/reader/events", Map.of("events", events), credential);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result;
    }

    JsonNode records(String action) {
        return server.get("/api/v1/audit?action=" + action + "&limit=1000").json().get("records");
    }

    List<String> eventIds(String action) {
        List<String> ids = new ArrayList<>();
        records(action).forEach(record -> ids.add(record.get("eventId").asText()));
        return ids;
    }
}
