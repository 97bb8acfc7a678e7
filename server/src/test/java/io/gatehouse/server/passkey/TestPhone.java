package io.gatehouse.server.passkey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * A phone with a passkey enrolled through a device enrollment link, for tests of other packages that need a
 * person's verified assertion without a browser.
 */
public final class TestPhone {
    private final TestAuthenticator authenticator;
    private final String userId;
    private final String deviceId;
    private long counter;

    private TestPhone(TestAuthenticator authenticator, String userId, String deviceId) {
        this.authenticator = authenticator;
        this.userId = userId;
        this.deviceId = deviceId;
    }

    /** Enrols a new passkey device for {@code userId} on {@code server} (which runs on localhost). */
    public static TestPhone enroll(TestServer server, String userId) {
        TestAuthenticator authenticator = new TestAuthenticator(server.gatehouse().baseUrl().toString(), "localhost",
                new UUID(0, 0));
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        String token = url.substring(url.lastIndexOf('/') + 1);
        JsonNode options = server.post("/api/v1/passkeys/registration/options", Map.of("enrollmentToken", token))
                .json();
        HttpResult registered = server.post("/api/v1/passkeys/registration", Map.of("enrollmentToken", token,
                "ceremonyId", options.get("ceremonyId").asText(), "credential", authenticator.register(
                        options.get("publicKey"), TestAuthenticator.UP | TestAuthenticator.UV,
                        new TestAuthenticator.None())), null);
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        return new TestPhone(authenticator, userId, registered.json().get("deviceId").asText());
    }

    /** A user-verified assertion over {@code publicKey} (the options' member), the counter moving forward. */
    public ObjectNode assertion(JsonNode publicKey) {
        return assertion(publicKey, true);
    }

    /** An assertion with or without user verification. */
    public ObjectNode assertion(JsonNode publicKey, boolean userVerified) {
        int flags = TestAuthenticator.UP | (userVerified ? TestAuthenticator.UV : 0);
        return authenticator.assert_(publicKey, flags, ++counter, userId.getBytes(StandardCharsets.UTF_8));
    }

    public String userId() {
        return userId;
    }

    public String deviceId() {
        return deviceId;
    }
}
