package io.gatehouse.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/users/{id}/devices/revoke}: every active device of a person at once, in one audit record. */
@DatabaseTest
class RevokeAllTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path data;
    TestServer server;
    String userId;
    List<String> deviceIds = new ArrayList<>();

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        userId = server.post("/api/v1/users", Map.of("username", "mo")).json().get("id").asText();
        for (int i = 0; i < 2; i++) {
            HttpResult link = server.post("/api/v1/users/" + userId + "/device-enrollments", "");
            deviceIds.add(new EnrollmentClient().enroll(URI.create(link.json().get("enrollmentUrl").asText()),
                    ProofSigner.generateP256(RANDOM).getPublic(), DeviceFacts.cli()).deviceId());
        }
        server.post("/api/v1/devices/" + deviceIds.get(0) + "/revoke", Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_active_devices_are_revoked_and_listed_and_pending_links_end() {
        String pending = server.post("/api/v1/users/" + userId + "/device-enrollments", "").json()
                .get("enrollmentUrl").asText();

        HttpResult answer = server.post("/api/v1/users/" + userId + "/devices/revoke", Map.of());

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().get("userId").asText()).isEqualTo(userId);
        assertThat(answer.json().get("revoked")).hasSize(1);
        assertThat(answer.json().get("revoked").get(0).asText()).isEqualTo(deviceIds.get(1));
        server.get("/api/v1/users/" + userId + "/devices").json().get("devices")
                .forEach(device -> assertThat(device.get("status").asText()).isEqualTo("revoked"));
        assertThat(server.get(pending, null).status()).isEqualTo(410);
        JsonNode record = server.get("/api/v1/audit?action=device.revoke_all").json().get("records").get(0);
        assertThat(record.get("user").asText()).isEqualTo(userId);
        assertThat(record.get("details").get("devices").get(0).asText()).isEqualTo(deviceIds.get(1));
    }

    @Test
    void with_no_active_device_nothing_changes_and_nothing_is_recorded() {
        server.post("/api/v1/users/" + userId + "/devices/revoke", Map.of());

        HttpResult again = server.post("/api/v1/users/" + userId + "/devices/revoke", Map.of());

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("revoked")).isEmpty();
        assertThat(server.get("/api/v1/audit?action=device.revoke_all").json().get("records")).hasSize(1);
        assertThat(server.post("/api/v1/users/usr_nobody/devices/revoke", Map.of()).status()).isEqualTo(404);
    }
}
