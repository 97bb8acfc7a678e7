package io.gatehouse.server.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundleCheck;
import io.gatehouse.protocol.bundle.BundleDirectory;
import io.gatehouse.protocol.bundle.BundleVerifier;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server side of offline readers: provisioning, signed bundles, and loss-free, exactly-once event upload. */
@DatabaseTest
class ReaderSyncTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path data;
    TestServer server;
    String readerId;
    String doorId;
    String aliceId;
    Enrollment alice;
    KeyPair readerKeys;
    String credential;
    List<TrustedKey> pinned;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        String site = id(server.post("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC")));
        String zone = id(server.post("/api/v1/zones", Map.of("siteId", site, "name", "Z")));
        doorId = id(server.post("/api/v1/doors", Map.of("zoneId", zone, "name", "D", "maxBundleAgeSeconds", 3600)));
        readerId = id(server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "R")));
        server.post("/api/v1/access-rules", Map.of("zoneId", zone, "role", "staff"));
        aliceId = id(server.post("/api/v1/users", Map.of("username", "alice", "roles", List.of("staff"))));
        String link = server.post("/api/v1/users/" + aliceId + "/device-enrollments", "").json()
                .get("enrollmentUrl").asText();
        alice = new EnrollmentClient().enroll(URI.create(link), ProofSigner.generateP256(RANDOM).getPublic(),
                DeviceFacts.cli());
        enrollReader();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String id(HttpResult result) {
        assertThat(result.status()).as(result.toString()).isEqualTo(201);
        return result.json().get("id").asText();
    }

    void enrollReader() {
        HttpResult provisioning = server.post("/api/v1/readers/" + readerId + "/provisioning", "");
        assertThat(provisioning.status()).isEqualTo(201);
        String token = provisioning.json().get("token").asText();
        assertThat(token).startsWith("ghp_");
        String base = new String(Base64Url.decode(token.substring(4, token.indexOf('.'))), StandardCharsets.UTF_8);
        assertThat(base).isEqualTo(server.gatehouse().baseUrl().toString());
        assertThat(provisioning.json().get("url").asText()).endsWith(token.substring(token.indexOf('.') + 1));
        readerKeys = ProofSigner.generateP256(RANDOM);
        HttpResult enrolled = server.post("/api/v1/reader-enrollment", Map.of("secret",
                token.substring(token.indexOf('.') + 1), "publicKey",
                Base64Url.encode(PublicKeys.toSpki(readerKeys.getPublic()))), null);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        credential = enrolled.json().get("credential").asText();
        pinned = new ArrayList<>();
        enrolled.json().get("bundleKeys").forEach(key -> pinned.add(new TrustedKey(key.get("keyId").asText(),
                PublicKeys.fromSpki(Base64Url.decode(key.get("publicKey").asText())))));
        HttpResult again = server.post("/api/v1/reader-enrollment", Map.of("secret",
                token.substring(token.indexOf('.') + 1), "publicKey", "x"), null);
        assertThat(again.status()).isIn(400, 410);
    }

    BundleDirectory fetchBundle(long lastVersion) {
        HttpResult bundle = server.get("/api/v1/reader/bundle", credential);
        assertThat(bundle.status()).isEqualTo(200);
        BundleCheck check = BundleVerifier.verify(bundle.bytes(), pinned, readerId, lastVersion);
        assertThat(check).as(check.toString()).isInstanceOf(BundleCheck.Accepted.class);
        return new BundleDirectory(((BundleCheck.Accepted) check).bundle());
    }

    @Test
    void the_bundle_is_signed_names_the_door_and_carries_revocations() {
        BundleDirectory first = fetchBundle(0);
        assertThat(first.doorSettings().doorId()).isEqualTo(doorId);
        assertThat(first.bundle().expiresAtEpochSecond() - first.bundle().issuedAtEpochSecond()).isEqualTo(3600);
        assertThat(first.find(alice.credentialId()).orElseThrow().credentialActive()).isTrue();
        assertThat(first.find(alice.credentialId()).orElseThrow().roles()).containsExactly("staff");

        server.post("/api/v1/devices/" + alice.deviceId() + "/revoke", "");
        BundleDirectory second = fetchBundle(first.bundle().bundleVersion());
        assertThat(second.bundle().bundleVersion()).isGreaterThan(first.bundle().bundleVersion());
        assertThat(second.find(alice.credentialId()).orElseThrow().credentialActive()).isFalse();
        assertThat(second.bundle().revoked()).contains(alice.credentialId());
    }

    @Test
    void a_revoked_reader_gets_no_bundle_and_reprovisioning_gives_a_new_credential() {
        server.post("/api/v1/readers/" + readerId + "/revoke", "");
        assertThat(server.get("/api/v1/reader/bundle", credential).status()).isEqualTo(401);
        String old = credential;
        enrollReader();
        assertThat(server.get("/api/v1/reader/bundle", credential).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/reader/bundle", old).status()).isEqualTo(401);
    }

    @Test
    void bundle_keys_rotate_without_reprovisioning() {
        BundleDirectory before = fetchBundle(0);
        BundleKeys keys = server.gatehouse().services().reader().bundleKeys();
        keys.rotate(ClientInfo.local("test"));
        BundleDirectory announcing = fetchBundle(before.bundle().bundleVersion());
        assertThat(announcing.bundle().trustedKeys()).hasSize(2);
        pinned = announcing.bundle().trustedKeys();
        keys.rotate(ClientInfo.local("test"));
        BundleDirectory after = fetchBundle(announcing.bundle().bundleVersion());
        assertThat(after.bundle().trustedKeys()).hasSize(1);
        assertThat(after.bundle().trustedKeys().get(0).keyId()).isEqualTo("bk2");
    }

    ReaderEvent event(ChainHead head, String mode, String decision, String reason) {
        return ReaderEvents.chain(head, readerId, new EventFields(server.clock().millis(), mode, decision, reason,
                alice.credentialId().toString(), aliceId, doorId, server.clock().instant().getEpochSecond(),
                "test"), readerKeys.getPrivate());
    }

    HttpResult upload(List<ReaderEvent> events) {
        return server.post("/api/v1/reader/events", Map.of("events", events.stream().map(EnrolledReader::json)
                .toList()), credential);
    }

    List<ReaderEvent> chainOf(int count, ChainHead start) {
        List<ReaderEvent> events = new ArrayList<>();
        ChainHead head = start;
        for (int i = 0; i < count; i++) {
            ReaderEvent event = event(head, i % 2 == 0 ? "offline" : "offline", i % 3 == 0 ? "deny" : "grant",
                    i % 3 == 0 ? "replayed" : null);
            events.add(event);
            head = ChainHead.of(event);
        }
        return events;
    }

    @Test
    void uploaded_events_land_in_the_audit_log_exactly_once_marked_offline() {
        List<ReaderEvent> events = chainOf(5, ChainHead.START);
        HttpResult first = upload(events.subList(0, 3));
        assertThat(first.json().get("accepted").asInt()).isEqualTo(3);
        HttpResult second = upload(events);
        assertThat(second.json().get("accepted").asInt()).isEqualTo(2);
        assertThat(second.json().get("duplicates").asInt()).isEqualTo(3);
        assertThat(second.json().get("lastSeq").asLong()).isEqualTo(5);
        assertThat(second.json().get("alerts")).isEmpty();
        JsonNode records = server.get("/api/v1/audit?action=door.scan&limit=100").json().get("records");
        assertThat(records).hasSize(5);
        for (JsonNode record : records) {
            assertThat(record.get("mode").asText()).isEqualTo("offline");
            assertThat(record.get("eventId").asText()).startsWith(readerId + "/");
            assertThat(record.get("user").asText()).isEqualTo(aliceId);
        }
    }

    @Test
    void an_online_scan_with_an_event_id_is_not_counted_twice_when_the_queue_is_uploaded() {
        CredentialId unknown = CredentialId.random(RANDOM);
        String proof = new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate()).sign(ProofType.DEVICE_SIGNED,
                unknown, server.clock().instant().getEpochSecond(), 7, false).toText();
        HttpResult online = server.post("/api/v1/scans", Map.of("payload", proof, "eventId", readerId + "/1"),
                credential);
        assertThat(online.json().get("reason").asText()).isEqualTo("unknown_credential");
        HttpResult retried = server.post("/api/v1/scans", Map.of("payload", proof, "eventId", readerId + "/1"),
                credential);
        assertThat(retried.json().get("duplicate").asBoolean()).isTrue();
        assertThat(retried.json().get("reason").asText()).isEqualTo("unknown_credential");
        ReaderEvent queued = ReaderEvents.chain(ChainHead.START, readerId, new EventFields(server.clock().millis(),
                "online", "deny", "unknown_credential", unknown.toString(), null, doorId, null, "relayed"),
                readerKeys.getPrivate());
        HttpResult uploaded = upload(List.of(queued));
        assertThat(uploaded.json().get("accepted").asInt()).isZero();
        assertThat(uploaded.json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(server.get("/api/v1/audit?action=door.scan").json().get("records")).hasSize(1);
    }

    @Test
    void a_scan_the_server_decided_after_the_reader_gave_up_keeps_both_decisions() {
        String proof = new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate()).sign(ProofType.DEVICE_SIGNED,
                CredentialId.random(RANDOM), server.clock().instant().getEpochSecond(), 9, false).toText();
        server.post("/api/v1/scans", Map.of("payload", proof, "eventId", readerId + "/1"), credential);
        ReaderEvent offline = event(ChainHead.START, "offline", "deny", "unknown_credential");
        HttpResult uploaded = upload(List.of(offline));
        assertThat(uploaded.json().get("accepted").asInt()).isEqualTo(1);
        assertThat(uploaded.json().get("alerts").get(0).asText()).startsWith("decided_twice");
        assertThat(server.get("/api/v1/audit?action=door.scan").json().get("records")).hasSize(2);
        assertThat(upload(List.of(offline)).json().get("duplicates").asInt()).isEqualTo(1);
    }

    @Test
    void a_gap_or_a_broken_chain_is_kept_and_raised_as_an_alert() {
        List<ReaderEvent> events = chainOf(4, ChainHead.START);
        HttpResult result = upload(List.of(events.get(0), events.get(2), events.get(3)));
        assertThat(result.json().get("accepted").asInt()).isEqualTo(3);
        assertThat(result.json().get("alerts").get(0).asText()).startsWith("gap");
        JsonNode alerts = server.get("/api/v1/audit?action=reader.events.alert").json().get("records");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("reason").asText()).isEqualTo("gap");

        KeyPair stranger = ProofSigner.generateP256(RANDOM);
        ReaderEvent forged = ReaderEvents.chain(ChainHead.of(events.get(3)), readerId, new EventFields(
                server.clock().millis(), "offline", "grant", null, null, null, doorId, null, null),
                stranger.getPrivate());
        HttpResult forgedUpload = upload(List.of(forged));
        assertThat(forgedUpload.json().get("alerts").get(0).asText()).startsWith("bad_signature");
    }

    @Test
    void an_event_that_fills_a_gap_later_is_kept_and_a_forged_one_does_not_hide_the_real_ones() {
        List<ReaderEvent> events = chainOf(4, ChainHead.START);
        upload(List.of(events.get(0), events.get(2)));
        HttpResult late = upload(List.of(events.get(1)));
        assertThat(late.json().get("accepted").asInt()).isEqualTo(1);

        KeyPair stranger = ProofSigner.generateP256(RANDOM);
        ReaderEvent forged = ReaderEvents.chain(new ChainHead(99, new byte[32]), readerId, new EventFields(
                server.clock().millis(), "offline", "grant", null, null, null, doorId, null, null),
                stranger.getPrivate());
        upload(List.of(forged));
        HttpResult real = upload(List.of(events.get(3)));
        assertThat(real.json().get("accepted").asInt()).as(real.toString()).isEqualTo(1);
        assertThat(real.json().get("lastSeq").asLong()).isEqualTo(4);
        assertThat(server.get("/api/v1/audit?action=door.scan&limit=100").json().get("records")).hasSize(4);
        assertThat(server.get("/api/v1/audit?action=reader.event.untrusted").json().get("records")).hasSize(1);
    }

    @Test
    void revoking_a_reader_kills_its_pending_provisioning_token_and_an_event_id_cannot_be_reused() {
        String proof = new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate()).sign(ProofType.DEVICE_SIGNED,
                CredentialId.random(RANDOM), server.clock().instant().getEpochSecond(), 8, false).toText();
        server.post("/api/v1/scans", Map.of("payload", proof, "eventId", readerId + "/9"), credential);
        String other = proof.substring(0, proof.length() - 3) + "AAA";
        HttpResult reused = server.post("/api/v1/scans", Map.of("payload", other, "eventId", readerId + "/9"),
                credential);
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.json().get("code").asText()).isEqualTo("event_id_reused");

        String token = server.post("/api/v1/readers/" + readerId + "/provisioning", "").json().get("token").asText();
        server.post("/api/v1/readers/" + readerId + "/revoke", "");
        HttpResult enrolled = server.post("/api/v1/reader-enrollment", Map.of("secret",
                token.substring(token.indexOf('.') + 1), "publicKey",
                Base64Url.encode(PublicKeys.toSpki(readerKeys.getPublic()))), null);
        assertThat(enrolled.status()).isEqualTo(410);
    }

    @Test
    void an_upload_that_is_not_an_array_of_events_is_refused_and_changes_nothing() {
        HttpResult notArray = server.send(HttpRequest.newBuilder(server.uri("/api/v1/reader/events"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"events\":{\"eventId\":\"x\"}}")), credential);
        assertThat(notArray.status()).isEqualTo(400);
        assertThat(notArray.json().get("code").asText()).isEqualTo("invalid_field");
        List<ReaderEvent> tooMany = chainOf(501, ChainHead.START);
        HttpResult refused = upload(tooMany);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("too_many_events");
        assertThat(server.get("/api/v1/audit?action=door.scan").json().get("records")).isEmpty();
    }
}
