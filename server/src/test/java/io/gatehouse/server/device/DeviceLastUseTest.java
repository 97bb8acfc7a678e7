package io.gatehouse.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.Enrollment;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device's last use: stamped, to the minute, by the write batch of a decision on an authentic, fresh proof of it;
 * a forged proof naming its credential does not stamp it, and the stamp costs the decision no round trip.
 */
@DatabaseTest
class DeviceLastUseTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path data;
    TestServer server;
    String userId;
    String reader;
    CredentialId credential;
    ProofSigner signer;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        String siteId = created("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"));
        String zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", "Lab"));
        String doorId = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Lab door"));
        reader = server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "lab reader")).json()
                .get("credential").asText();
        userId = created("/api/v1/users", Map.of("username", "dana", "roles", List.of("staff")));
        created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        HttpResult link = server.post("/api/v1/users/" + userId + "/device-enrollments", "");
        KeyPair keys = ProofSigner.generateP256(RANDOM);
        Enrollment enrollment = new EnrollmentClient().enroll(URI.create(link.json().get("enrollmentUrl").asText()),
                keys.getPublic(), DeviceFacts.cli());
        credential = enrollment.credentialId();
        signer = new ProofSigner(keys.getPrivate());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String created(String path, Map<String, Object> body) {
        return server.createdId(path, body);
    }

    String scan(ProofSigner by) {
        String proof = by.sign(ProofType.DEVICE_SIGNED, credential, server.clock().instant().getEpochSecond(),
                RANDOM.nextLong(), false).toText();
        return server.post("/api/v1/scans", Map.of("payload", proof), reader).json().get("reason").asText(null);
    }

    JsonNode lastUsedAt() {
        JsonNode device = server.get("/api/v1/users/" + userId + "/devices").json().get("devices").get(0);
        assertThat(device.get("kind").asText()).isEqualTo("device_key");
        assertThat(device.get("trust").asText()).isEqualTo("software");
        return device.get("lastUsedAt");
    }

    @Test
    void a_granted_scan_stamps_the_device_at_most_once_a_minute() {
        assertThat(lastUsedAt().isNull()).as("never used").isTrue();
        Instant first = server.clock().instant();

        assertThat(scan(signer)).isNull();
        assertThat(Instant.parse(lastUsedAt().asText())).isEqualTo(Instant.ofEpochMilli(first.toEpochMilli()));
        server.clock().advance(Duration.ofSeconds(30));
        assertThat(scan(signer)).isNull();
        assertThat(Instant.parse(lastUsedAt().asText())).as("within the minute").isEqualTo(
                Instant.ofEpochMilli(first.toEpochMilli()));
        server.clock().advance(Duration.ofSeconds(31));
        assertThat(scan(signer)).isNull();
        assertThat(Instant.parse(lastUsedAt().asText())).isAfter(first.plusSeconds(60));
    }

    @Test
    void the_view_of_one_person_lists_their_devices_with_last_use_and_the_list_of_people_does_not() {
        assertThat(scan(signer)).isNull();

        JsonNode person = server.get("/api/v1/users/" + userId).json();
        JsonNode device = person.get("devices").get(0);
        assertThat(device.get("kind").asText()).isEqualTo("device_key");
        assertThat(device.get("trust").asText()).isEqualTo("software");
        assertThat(device.get("status").asText()).isEqualTo("active");
        assertThat(device.get("lastUsedAt").asText()).isEqualTo(lastUsedAt().asText());
        assertThat(person.get("totp").get("recoveryCodesRemaining").asInt()).isZero();
        assertThat(person.get("totp").has("lockedUntil")).isTrue();
        assertThat(server.get("/api/v1/users").json().get("users").get(0).has("devices")).isFalse();
    }

    @Test
    void a_forged_proof_naming_the_credential_stamps_nothing() {
        ProofSigner forger = new ProofSigner(ProofSigner.generateP256(RANDOM).getPrivate());

        assertThat(scan(forger)).isEqualTo("bad_signature");
        assertThat(lastUsedAt().isNull()).isTrue();
    }

    @Test
    void the_stamp_rides_in_the_decisions_write_batch() {
        List<List<String>> committed = new CopyOnWriteArrayList<>();
        server.gatehouse().services().core().database().observeCommits(committed::add);
        assertThat(scan(signer)).isNull();
        server.gatehouse().services().core().database().observeCommits(null);

        List<List<String>> decisions = committed.stream()
                .filter(statements -> statements.stream().anyMatch(sql -> sql.contains("INTO access_replay")))
                .toList();
        assertThat(decisions).singleElement().satisfies(statements -> assertThat(statements).satisfiesExactly(
                reads -> assertThat(reads).doesNotContain("UPDATE"),
                writes -> assertThat(writes).contains("INSERT INTO access_replay").contains("UPDATE devices")
                        .contains("INSERT INTO audit_log")));
    }
}
