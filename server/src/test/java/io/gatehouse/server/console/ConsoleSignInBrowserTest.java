package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing in to the console in a real Chromium whose virtual platform authenticator verifies the user: the bootstrap
 * link of a fresh installation makes the first administrator's passkey and signs them in; that passkey signs them in
 * again after signing out; a passkey whose person has no console role does not.
 */
class ConsoleSignInBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void the_bootstrap_link_registers_the_first_administrators_passkey_and_signs_them_in() {
        server = TestServer.startOnLocalhost(dir, false);
        String link = server.gatehouse().bootstrapUrl().orElseThrow();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(link);
            browser.waitForVisible("[data-action=\"register-passkey\"]", WAIT);
            browser.saveScreenshot("console-bootstrap");
            browser.type("#username", "root-admin");
            browser.click("[data-action=\"register-passkey\"]");

            browser.waitForUrl(url -> url.endsWith("/console"), WAIT);
            browser.waitForVisible("[data-page=\"overview\"]", WAIT);
            assertThat(browser.text("header .who")).contains("root-admin");
            browser.saveScreenshot("console-overview-after-bootstrap");

            // The link has done its work: it ends, and no new one comes at the next start.
            browser.open(link);
            assertThat(browser.pageSource()).contains("data-problem=\"bootstrap_");
            assertThat(server.gatehouse().services().auth().bootstrap().issueIfNeeded()).isEmpty();

            // Signing out ends the session; the same passkey signs in again.
            browser.open(server.gatehouse().baseUrl() + "/console");
            browser.click("header form[action=\"/console/sign-out\"] button");
            browser.waitForVisible("[data-action=\"sign-in-passkey\"]", WAIT);
            browser.open(server.gatehouse().baseUrl() + "/console/people");
            browser.waitForUrl(url -> url.contains("/console/sign-in?next=%2Fconsole%2Fpeople"), WAIT);
            browser.click("[data-action=\"sign-in-passkey\"]");
            browser.waitForUrl(url -> url.endsWith("/console/people"), WAIT);
        }
    }

    @Test
    void a_passkey_without_a_console_role_is_refused_and_audited() {
        server = TestServer.startOnLocalhost(dir, true);
        String userId = server.post("/api/v1/users", Map.of("username", "ada", "roles", List.of("staff"))).json()
                .get("id").asText();
        String enrollment = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(enrollment);
            browser.click("[data-action=\"register-passkey\"]");
            browser.waitForUrl(url -> url.contains("/wallet"), WAIT);

            browser.open(server.gatehouse().baseUrl() + "/console/sign-in");
            browser.click("[data-action=\"sign-in-passkey\"]");
            browser.waitForAttribute("[data-passkey-status]", "data-status", WAIT, "refused");
            assertThat(browser.text("[data-passkey-status]")).contains("cannot sign in to the console");
            assertThat(browser.currentUrl()).contains("/console/sign-in");
        }
        HttpResult denied = server.get("/api/v1/audit?action=console.sign_in");
        assertThat(denied.json().get("records").get(0).get("result").asText()).isEqualTo("denied");
        assertThat(denied.json().get("records").get(0).get("reason").asText()).isEqualTo("no_console_role");
    }

    @Test
    void the_sign_in_bootstrap_and_sessions_pages_have_no_accessibility_violations() {
        String axe = Axe.require();
        server = TestServer.startOnLocalhost(dir, false);
        String link = server.gatehouse().bootstrapUrl().orElseThrow();
        String adminId = server.gatehouse().services().people().users().create("carol", List.of("admin"),
                io.gatehouse.server.auth.Principal.token("test", "test", java.util.Set.of(
                        io.gatehouse.server.auth.Scope.ADMIN)), io.gatehouse.server.common.ClientInfo.local("test"))
                .id();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            for (int width : new int[] {1280, 390}) {
                browser.resize(width, 900);
                browser.open(link);
                assertThat(browser.accessibilityViolations(axe)).as("bootstrap at " + width).isEqualTo("[]");
                browser.open(server.gatehouse().baseUrl() + "/console/sign-in");
                assertThat(browser.accessibilityViolations(axe)).as("sign-in at " + width).isEqualTo("[]");
                browser.saveScreenshot("console-sign-in-" + width);
            }
            browser.addCookie(ConsoleClient.cookieName(), ConsoleClient.signIn(server, adminId).cookieValue());
            for (String path : List.of("/console", "/console/sessions", "/console/verify")) {
                for (int width : new int[] {1280, 390}) {
                    browser.resize(width, 900);
                    browser.open(server.gatehouse().baseUrl() + path);
                    assertThat(browser.accessibilityViolations(axe)).as(path + " at " + width).isEqualTo("[]");
                }
            }
            browser.saveScreenshot("console-sessions-390");
        }
    }
}
