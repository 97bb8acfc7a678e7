package io.gatehouse.server.passkey;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/** A real Chromium with a virtual platform authenticator registers a passkey through the enrollment page. */
class PasskeyBrowserTest {
    private static final String STATUS = "[role=\"status\"]";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestServer server;
    private String userId;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        userId = server.post("/api/v1/users", Map.of("username", "ada")).json().get("id").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_phone_that_verifies_its_user_registers_a_passkey_and_becomes_a_device() {
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(passkeyPage());
            browser.click("[data-action=\"register-passkey\"]");
            WebElement status = browser.waitForAttribute(STATUS, "data-status", WAIT, "registered", "refused");
            assertThat(status.getDomAttribute("data-status")).as(status.getText()).isEqualTo("registered");
            assertThat(status.getText()).contains("door device");
        }
        String devices = server.get("/api/v1/users/" + userId + "/devices").text();
        assertThat(devices).contains("\"trust\":\"software\"").contains("\"status\":\"active\"");
    }

    @Test
    void a_phone_without_user_verification_is_refused_with_a_clear_message() {
        try (Browser browser = Browser.start(Browser.Authenticator.WITHOUT_USER_VERIFICATION)) {
            browser.open(passkeyPage());
            browser.click("[data-action=\"register-passkey\"]");
            WebElement status = browser.waitForAttribute(STATUS, "data-status", WAIT, "registered", "refused");
            assertThat(status.getDomAttribute("data-status")).isEqualTo("refused");
            assertThat(status.getText()).contains("fingerprint, face or PIN");
        }
        assertThat(server.get("/api/v1/users/" + userId + "/devices").json().get("devices")).isEmpty();
    }

    private String passkeyPage() {
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        return server.gatehouse().baseUrl() + PasskeyController.PAGE_PATH + url.substring(url.lastIndexOf('/') + 1);
    }
}
