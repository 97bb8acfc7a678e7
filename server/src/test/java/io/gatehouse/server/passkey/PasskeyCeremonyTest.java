package io.gatehouse.server.passkey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passkey ceremonies over HTTP, with a test authenticator playing the browser. */
@DatabaseTest
class PasskeyCeremonyTest {
    private static final int UP_UV = TestAuthenticator.UP | TestAuthenticator.UV;

    @TempDir
    Path dir;
    private TestServer server;
    private String origin;
    private String userId;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        origin = server.gatehouse().baseUrl().toString();
        userId = server.post("/api/v1/users", Map.of("username", "ada")).json().get("id").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }


    @Test
    void options_require_user_verification_a_resident_key_and_es256_over_a_challenge_of_60_seconds() {
        JsonNode options = registrationOptions(enrollmentToken());
        JsonNode publicKey = options.get("publicKey");
        assertThat(publicKey.get("rp").get("id").asText()).isEqualTo("localhost");
        assertThat(publicKey.get("authenticatorSelection").get("userVerification").asText()).isEqualTo("required");
        assertThat(publicKey.get("authenticatorSelection").get("residentKey").asText()).isEqualTo("required");
        assertThat(publicKey.get("pubKeyCredParams")).hasSize(1);
        assertThat(publicKey.get("pubKeyCredParams").get(0).get("alg").asInt()).isEqualTo(-7);
        assertThat(publicKey.get("timeout").asLong()).isEqualTo(60_000);
        assertThat(Base64Url.decode(publicKey.get("challenge").asText())).hasSizeGreaterThanOrEqualTo(16);
        assertThat(registrationOptions(enrollmentToken()).get("publicKey").get("challenge").asText())
                .isNotEqualTo(publicKey.get("challenge").asText());
    }

    @Test
    void a_passkey_with_user_verification_becomes_a_device_and_the_link_dies() {
        String token = enrollmentToken();
        TestAuthenticator authenticator = authenticator();
        HttpResult registered = register(token, authenticator, UP_UV);
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        assertThat(registered.json().get("trust").asText()).isEqualTo("software");
        assertThat(registered.json().get("trustReason").asText()).startsWith("no attestation");
        assertThat(registered.json().get("credentialId").asText()).isEqualTo(authenticator.credentialIdText());
        assertThat(server.get("/api/v1/users/" + userId + "/devices").text())
                .contains(registered.json().get("deviceId").asText());
        HttpResult again = server.post("/api/v1/passkeys/registration/options", Map.of("enrollmentToken", token));
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.json().get("code").asText()).isEqualTo("enrollment_used");
    }

    @Test
    void a_passkey_without_user_verification_is_refused_and_its_challenge_is_spent() {
        String token = enrollmentToken();
        JsonNode options = registrationOptions(token);
        ObjectNode answer = authenticator().register(options.get("publicKey"), TestAuthenticator.UP,
                new TestAuthenticator.None());
        HttpResult refused = finishRegistration(token, options, answer);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asText()).isEqualTo("user_verification_missing");
        assertThat(refused.json().get("detail").asText()).contains("biometric or device PIN");
        HttpResult retried = finishRegistration(token, options, answer);
        assertThat(retried.status()).isEqualTo(410);
        assertThat(retried.json().get("code").asText()).isEqualTo("challenge_unknown");
    }

    @Test
    void a_registration_answered_after_60_seconds_is_refused() {
        String token = enrollmentToken();
        JsonNode options = registrationOptions(token);
        server.clock().advance(Duration.ofSeconds(61));
        HttpResult late = finishRegistration(token, options, authenticator().register(options.get("publicKey"),
                UP_UV, new TestAuthenticator.None()));
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.json().get("code").asText()).isEqualTo("challenge_expired");
    }

    @Test
    void a_signed_assertion_is_verified_once_and_a_counter_that_goes_backwards_flags_the_passkey() {
        TestAuthenticator authenticator = authenticator();
        String deviceId = register(enrollmentToken(), authenticator, UP_UV).json().get("deviceId").asText();

        JsonNode options = assertionOptions(deviceId);
        assertThat(options.get("publicKey").get("userVerification").asText()).isEqualTo("required");
        assertThat(options.get("publicKey").get("allowCredentials").get(0).get("id").asText())
                .isEqualTo(authenticator.credentialIdText());
        ObjectNode answer = authenticator.assert_(options.get("publicKey"), UP_UV, 5, userHandle());
        HttpResult verified = finishAssertion(options, answer);
        assertThat(verified.status()).as(verified.text()).isEqualTo(200);
        assertThat(verified.json().get("userVerified").asBoolean()).isTrue();
        assertThat(verified.json().get("deviceId").asText()).isEqualTo(deviceId);
        assertThat(verified.json().get("userId").asText()).isEqualTo(userId);
        assertThat(verified.json().get("signatureCount").asLong()).isEqualTo(5);

        HttpResult replayed = finishAssertion(options, answer);
        assertThat(replayed.status()).isEqualTo(410);
        assertThat(replayed.json().get("code").asText()).isEqualTo("challenge_unknown");

        JsonNode next = assertionOptions(deviceId);
        HttpResult cloned = finishAssertion(next, authenticator.assert_(next.get("publicKey"), UP_UV, 5,
                userHandle()));
        assertThat(cloned.status()).isEqualTo(403);
        assertThat(cloned.json().get("code").asText()).isEqualTo("possibly_cloned");
        HttpResult after = server.post("/api/v1/passkeys/assertion/options", Map.of("deviceId", deviceId));
        assertThat(after.status()).isEqualTo(403);
        assertThat(after.json().get("code").asText()).isEqualTo("possibly_cloned");
    }

    @Test
    void an_assertion_without_user_verification_is_refused() {
        TestAuthenticator authenticator = authenticator();
        String deviceId = register(enrollmentToken(), authenticator, UP_UV).json().get("deviceId").asText();
        JsonNode options = assertionOptions(deviceId);
        HttpResult refused = finishAssertion(options, authenticator.assert_(options.get("publicKey"),
                TestAuthenticator.UP, 1, userHandle()));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("code").asText()).isEqualTo("user_verification_missing");
    }

    @Test
    void a_synced_passkey_reports_its_backed_up_flag_as_it_changes() {
        TestAuthenticator authenticator = authenticator();
        HttpResult registered = register(enrollmentToken(), authenticator, UP_UV | TestAuthenticator.BE);
        assertThat(registered.json().get("trust").asText()).isEqualTo("synced");
        assertThat(registered.json().get("backedUp").asBoolean()).isFalse();
        String deviceId = registered.json().get("deviceId").asText();
        JsonNode options = assertionOptions(deviceId);
        HttpResult verified = finishAssertion(options, authenticator.assert_(options.get("publicKey"),
                UP_UV | TestAuthenticator.BE | TestAuthenticator.BS, 0, userHandle()));
        assertThat(verified.status()).as(verified.text()).isEqualTo(200);
        assertThat(verified.json().get("backedUp").asBoolean()).isTrue();
    }

    @Test
    void a_revoked_device_gets_no_challenge() {
        String deviceId = register(enrollmentToken(), authenticator(), UP_UV).json().get("deviceId").asText();
        assertThat(server.post("/api/v1/devices/" + deviceId + "/revoke", Map.of()).status()).isEqualTo(200);
        HttpResult refused = server.post("/api/v1/passkeys/assertion/options", Map.of("deviceId", deviceId));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("device_revoked");
    }

    @Test
    void a_server_whose_origin_is_an_ip_address_over_http_refuses_webauthn() {
        // Links on a loopback address say localhost by default; an operator may still name an IP address.
        int port = TestServer.freePort();
        try (TestServer plain = TestServer.start(dir.resolve("plain"), Map.of("port", String.valueOf(port),
                "public-base-url", "http://127.0.0.1:" + port))) {
            String user = plain.post("/api/v1/users", Map.of("username", "bea")).json().get("id").asText();
            String url = plain.post("/api/v1/users/" + user + "/device-enrollments", Map.of()).json()
                    .get("enrollmentUrl").asText();
            HttpResult refused = plain.post("/api/v1/passkeys/registration/options", Map.of("enrollmentToken",
                    url.substring(url.lastIndexOf('/') + 1)));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("code").asText()).isEqualTo("insecure_origin");
            assertThat(refused.json().get("detail").asText()).contains("https, or http on localhost");
        }
    }

    private TestAuthenticator authenticator() {
        return new TestAuthenticator(origin, "localhost", new UUID(0, 0));
    }

    private byte[] userHandle() {
        return userId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private String enrollmentToken() {
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private JsonNode registrationOptions(String token) {
        HttpResult options = server.post("/api/v1/passkeys/registration/options", Map.of("enrollmentToken", token));
        assertThat(options.status()).as(options.text()).isEqualTo(200);
        return options.json();
    }

    private HttpResult register(String token, TestAuthenticator authenticator, int flags) {
        JsonNode options = registrationOptions(token);
        return finishRegistration(token, options, authenticator.register(options.get("publicKey"), flags,
                new TestAuthenticator.None()));
    }

    private HttpResult finishRegistration(String token, JsonNode options, ObjectNode credential) {
        return server.post("/api/v1/passkeys/registration", Map.of("enrollmentToken", token, "ceremonyId",
                options.get("ceremonyId").asText(), "credential", credential), null);
    }

    private JsonNode assertionOptions(String deviceId) {
        HttpResult options = server.post("/api/v1/passkeys/assertion/options", Map.of("deviceId", deviceId), null);
        assertThat(options.status()).as(options.text()).isEqualTo(200);
        return options.json();
    }

    private HttpResult finishAssertion(JsonNode options, ObjectNode credential) {
        return server.post("/api/v1/passkeys/assertion", Map.of("ceremonyId", options.get("ceremonyId").asText(),
                "credential", credential), null);
    }
}
