package io.gatehouse.server.passkey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person with a passkey device is deleted: the passkey record and a registration ceremony still waiting (whose
 * request names the person) go with them, and the phone gets no more door codes. Before that, a minted code stamps
 * the device's last use.
 */
@DatabaseTest
class PasskeyErasureTest {
    private static final int UP_UV = TestAuthenticator.UP | TestAuthenticator.UV;

    @TempDir
    Path dir;
    private TestServer server;
    private String userId;
    private TestAuthenticator phone;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        userId = server.post("/api/v1/users", Map.of("username", "Ottilie")).json().get("id").asText();
        phone = new TestAuthenticator(server.gatehouse().baseUrl().toString(), "localhost", new UUID(0, 0));
        String token = linkToken();
        JsonNode options = registrationOptions(token);
        HttpResult registered = server.post("/api/v1/passkeys/registration", Map.of("enrollmentToken", token,
                "ceremonyId", options.get("ceremonyId").asText(), "credential", phone.register(
                        options.get("publicKey"), UP_UV, new TestAuthenticator.None())), null);
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String linkToken() {
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private JsonNode registrationOptions(String token) {
        return server.post("/api/v1/passkeys/registration/options", Map.of("enrollmentToken", token)).json();
    }

    private HttpResult doorCode() {
        HttpResult options = server.post("/api/v1/wallet/door-code/options", Map.of(), null);
        ObjectNode credential = phone.assert_(options.json().get("publicKey"), UP_UV, 1,
                userId.getBytes(StandardCharsets.UTF_8));
        return server.post("/api/v1/wallet/door-code", Map.of("ceremonyId", options.json().get("ceremonyId")
                .asText(), "credential", credential), null);
    }

    private long count(String sql, Object... args) {
        return server.gatehouse().services().core().database().read(tx -> tx.queryLong(sql, args));
    }

    @Test
    void a_minted_code_stamps_the_devices_last_use() {
        Instant now = server.clock().instant();

        assertThat(doorCode().status()).isEqualTo(200);

        JsonNode device = server.get("/api/v1/users/" + userId + "/devices").json().at("/devices/0");
        assertThat(device.get("kind").asText()).isEqualTo("passkey");
        assertThat(Instant.parse(device.get("lastUsedAt").asText())).isEqualTo(
                Instant.ofEpochMilli(now.toEpochMilli()));
    }

    @Test
    void deletion_takes_the_passkey_and_the_waiting_ceremony_and_the_phone_gets_no_code() {
        registrationOptions(linkToken());
        assertThat(count("SELECT COUNT(*) FROM passkey_challenges WHERE LOWER(request_json) LIKE '%ottilie%'"))
                .as("a waiting registration names the person").isOne();

        assertThat(server.delete("/api/v1/users/" + userId).status()).isEqualTo(204);

        assertThat(count("SELECT COUNT(*) FROM passkeys WHERE user_id = ?", userId)).isZero();
        assertThat(count("SELECT COUNT(*) FROM passkey_challenges WHERE LOWER(request_json) LIKE '%ottilie%'"))
                .isZero();
        HttpResult refused = doorCode();
        assertThat(refused.status()).as(refused.text()).isBetween(400, 499);
        assertThat(server.get("/api/v1/audit?action=user.delete").json().at("/records/0/details/erased/passkeys")
                .asInt()).isEqualTo(1);
    }
}
