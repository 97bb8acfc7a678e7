package io.gatehouse.server.passkey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.access.AccessProof;
import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.ParseResult;
import io.gatehouse.protocol.access.ProofType;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wallet's door codes over HTTP, with a test authenticator playing the phone's discoverable passkey. */
@DatabaseTest
class PasskeyDoorCodeTest {
    private static final int UP_UV = TestAuthenticator.UP | TestAuthenticator.UV;

    @TempDir
    Path dir;
    private TestServer server;
    private String userId;
    private TestAuthenticator phone;
    private String deviceId;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        userId = server.post("/api/v1/users", Map.of("username", "ada")).json().get("id").asText();
        phone = new TestAuthenticator(server.gatehouse().baseUrl().toString(), "localhost", new UUID(0, 0));
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        String token = url.substring(url.lastIndexOf('/') + 1);
        JsonNode options = server.post("/api/v1/passkeys/registration/options", Map.of("enrollmentToken", token))
                .json();
        HttpResult registered = server.post("/api/v1/passkeys/registration", Map.of("enrollmentToken", token,
                "ceremonyId", options.get("ceremonyId").asText(), "credential", phone.register(
                        options.get("publicKey"), UP_UV, new TestAuthenticator.None())), null);
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        deviceId = registered.json().get("deviceId").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void options_name_no_passkey_and_require_user_verification_over_a_challenge_of_60_seconds() {
        for (HttpResult answer : new HttpResult[] {server.post("/api/v1/wallet/door-code/options", Map.of(), null),
                server.post("/api/v1/wallet/door-code/options", "", null)}) {
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            JsonNode publicKey = answer.json().get("publicKey");
            assertThat(publicKey.get("userVerification").asText()).isEqualTo("required");
            assertThat(publicKey.get("rpId").asText()).isEqualTo("localhost");
            assertThat(publicKey.get("timeout").asLong()).isEqualTo(60_000);
            assertThat(publicKey.path("allowCredentials")).isEmpty();
            assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        }
    }

    @Test
    void a_verified_assertion_mints_one_code_for_the_passkey_devices_credential_for_30_seconds() {
        JsonNode options = options();
        HttpResult answer = doorCode(options, phone.assert_(options.get("publicKey"), UP_UV, 1, userHandle()));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        AccessProof proof = ((ParseResult.Parsed) AccessProofCodec.parse(answer.json().get("payload").asText()))
                .proof();
        JsonNode device = server.get("/api/v1/users/" + userId + "/devices").json().at("/devices/0");
        assertThat(device.get("id").asText()).isEqualTo(deviceId);
        assertThat(device.get("kind").asText()).isEqualTo("passkey");
        assertThat(proof.type()).isEqualTo(ProofType.SERVER_MINTED);
        assertThat(proof.credentialId().toString()).isEqualTo(device.get("credentialId").asText());
        assertThat(proof.userVerified()).isTrue();
        assertThat(proof.issuedAtEpochSecond()).isEqualTo(server.clock().instant().getEpochSecond());
        assertThat(Duration.between(Instant.parse(answer.json().get("issuedAt").asText()),
                Instant.parse(answer.json().get("expiresAt").asText()))).isEqualTo(Duration.ofSeconds(30));
        assertThat(answer.json().get("qrSvg").asText()).startsWith("<?xml").contains("<svg");

        HttpResult again = doorCode(options, phone.assert_(options.get("publicKey"), UP_UV, 2, userHandle()));
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.json().get("code").asText()).isEqualTo("challenge_unknown");
        JsonNode records = server.get("/api/v1/audit?action=wallet.door_code").json().get("records");
        assertThat(records).hasSize(2);
        assertThat(records.toString()).contains("\"result\":\"success\"").contains("\"result\":\"denied\"")
                .contains("challenge_unknown");
    }

    @Test
    void an_assertion_without_user_verification_gets_no_code() {
        JsonNode options = options();
        HttpResult answer = doorCode(options, phone.assert_(options.get("publicKey"), TestAuthenticator.UP, 1,
                userHandle()));
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.json().get("code").asText()).isEqualTo("user_verification_missing");
        assertThat(answer.json().get("detail").asText()).contains("biometric or device PIN");
        JsonNode record = server.get("/api/v1/audit?action=wallet.door_code").json().at("/records/0");
        assertThat(record.get("result").asText()).isEqualTo("denied");
        assertThat(record.get("reason").asText()).isEqualTo("user_verification_missing");
    }

    @Test
    void an_answer_after_60_seconds_gets_no_code() {
        JsonNode options = options();
        server.clock().advance(Duration.ofSeconds(60));
        HttpResult late = doorCode(options, phone.assert_(options.get("publicKey"), UP_UV, 1, userHandle()));
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.json().get("code").asText()).isEqualTo("challenge_expired");
    }

    @Test
    void a_counter_that_goes_backwards_gets_no_code_then_or_later() {
        JsonNode first = options();
        assertThat(doorCode(first, phone.assert_(first.get("publicKey"), UP_UV, 7, userHandle())).status())
                .isEqualTo(200);
        JsonNode copy = options();
        HttpResult cloned = doorCode(copy, phone.assert_(copy.get("publicKey"), UP_UV, 7, userHandle()));
        assertThat(cloned.status()).isEqualTo(403);
        assertThat(cloned.json().get("code").asText()).isEqualTo("possibly_cloned");
        JsonNode next = options();
        HttpResult after = doorCode(next, phone.assert_(next.get("publicKey"), UP_UV, 8, userHandle()));
        assertThat(after.json().get("code").asText()).isEqualTo("possibly_cloned");
        assertThat(server.get("/api/v1/audit?action=passkey.clone_suspected").json().get("records")).hasSize(1);
    }

    @Test
    void a_suspended_user_gets_no_code() {
        assertThat(server.post("/api/v1/users/" + userId + "/suspend", "").status()).isEqualTo(200);
        JsonNode options = options();
        HttpResult answer = doorCode(options, phone.assert_(options.get("publicKey"), UP_UV, 1, userHandle()));
        assertThat(answer.status()).as(answer.text()).isEqualTo(403);
        assertThat(answer.json().get("code").asText()).isEqualTo("user_suspended");
        assertThat(answer.text()).doesNotContain("payload");
    }

    @Test
    void a_revoked_device_gets_no_code() {
        assertThat(server.post("/api/v1/devices/" + deviceId + "/revoke", "").status()).isEqualTo(200);
        JsonNode options = options();
        HttpResult answer = doorCode(options, phone.assert_(options.get("publicKey"), UP_UV, 1, userHandle()));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("code").asText()).isEqualTo("device_revoked");
    }

    private JsonNode options() {
        HttpResult options = server.post("/api/v1/wallet/door-code/options", Map.of(), null);
        assertThat(options.status()).as(options.text()).isEqualTo(200);
        return options.json();
    }

    private HttpResult doorCode(JsonNode options, ObjectNode credential) {
        return server.post("/api/v1/wallet/door-code", Map.of("ceremonyId", options.get("ceremonyId").asText(),
                "credential", credential), null);
    }

    private byte[] userHandle() {
        return userId.getBytes(StandardCharsets.UTF_8);
    }
}
