package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings page in a real Chromium, signed in with a real passkey: a policy change more than five minutes after
 * the last verification goes through a fresh passkey check and back; an idle session is sent to sign in.
 */
class SettingsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestServer server;
    private String base;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        base = server.gatehouse().baseUrl().toString();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_late_policy_change_asks_for_the_passkey_again_and_an_idle_session_ends() {
        String adminId = server.post("/api/v1/users", Map.of("username", "alice", "roles", List.of("admin"))).json()
                .get("id").asText();
        String enrollment = server.post("/api/v1/users/" + adminId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        String axe = Axe.require();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(enrollment);
            browser.click("[data-action=\"register-passkey\"]");
            browser.waitForUrl(url -> url.contains("/wallet"), WAIT);
            browser.open(base + "/console/settings");
            browser.click("[data-action=\"sign-in-passkey\"]");
            browser.waitForUrl(url -> url.endsWith("/console/settings"), WAIT);
            for (int width : new int[] {1280, 390}) {
                browser.resize(width, 900);
                browser.open(base + "/console/settings");
                assertThat(browser.accessibilityViolations(axe)).as("settings at " + width).isEqualTo("[]");
                browser.saveScreenshot("console-settings-" + width);
            }

            server.clock().advance(Duration.ofMinutes(6));
            browser.open(base + "/console/settings");
            browser.type("#policy-role", "ops");
            browser.click("#policy-form button[type=\"submit\"]");
            browser.waitForVisible("[data-action=\"verify-passkey\"]", WAIT);
            assertThat(browser.accessibilityViolations(axe)).as("verify page").isEqualTo("[]");
            assertThat(server.get("/api/v1/policies/ops").status()).as("nothing saved yet").isEqualTo(404);
            browser.click("[data-action=\"verify-passkey\"]");
            browser.waitForUrl(url -> url.endsWith("/console/settings"), WAIT);
            browser.type("#policy-role", "ops");
            browser.click("#policy-console");
            browser.click("#policy-form button[type=\"submit\"]");
            browser.waitForText("The policy of role 'ops' is saved.", WAIT);
            assertThat(server.get("/api/v1/policies/ops").json().get("consoleTotpSignIn").asBoolean()).isTrue();

            server.clock().advance(Duration.ofMinutes(16));
            browser.open(base + "/console/settings");
            browser.waitForVisible("[data-action=\"sign-in-passkey\"]", WAIT);
            assertThat(browser.currentUrl()).endsWith("/console/sign-in?next=%2Fconsole%2Fsettings");
        }
    }
}
