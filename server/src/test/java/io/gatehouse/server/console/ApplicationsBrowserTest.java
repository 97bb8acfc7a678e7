package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * The Applications section in a real Chromium: an administrator registers an application with the keyboard alone,
 * copies its secret, registers a public one on a phone-sized screen and deletes an application after confirming;
 * every state is clean for axe-core at desk and phone widths, and what was typed comes back as text.
 */
class ApplicationsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CALLBACK = "https://vault.example.com/oidc/callback";
    private static final String SCRIPT = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";

    @TempDir
    static Path dir;
    private static TestServer server;
    private static String base;
    private static String adminId;

    @BeforeAll
    static void start() {
        server = TestServer.startOnLocalhost(dir, true);
        base = server.gatehouse().baseUrl().toString().replaceAll("/$", "");
        adminId = server.post("/api/v1/users", Map.of("username", "alice", "roles", List.of("admin"))).json()
                .get("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void an_administrator_registers_sees_the_secret_once_and_deletes() {
        String axe = Axe.require();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(base + "/console/sign-in");
            browser.addCookie(ConsoleClient.cookieName(), ConsoleClient.signIn(server, adminId).cookieValue());
            for (int width : new int[] {1280, 390}) {
                browser.resize(width, 900);
                browser.open(base + "/console/applications");
                assertThat(browser.count("main[data-page=\"applications\"]")).isEqualTo(1);
                assertThat(browser.accessibilityViolations(axe)).as("empty list at " + width).isEqualTo("[]");
                assertThat(browser.scrollsSideways()).as("sideways at " + width).isFalse();
                browser.saveScreenshot("console-applications-" + width);
            }

            // At a desk, with the keyboard alone: Tab reaches every field of the form in order, Enter registers.
            browser.resize(1280, 900);
            browser.open(base + "/console/applications");
            tabUntil(browser, "app-name");
            browser.press("Vault");
            browser.press(Keys.TAB);
            assertThat(focusedId(browser)).isEqualTo("app-redirects");
            browser.press(CALLBACK);
            List<String> fields = tabUntil(browser, "app-submit");
            assertThat(fields).containsSubsequence("app-logouts", "app-public", "app-refresh", "app-method-passkey",
                    "app-method-phone", "app-method-totp", "app-method-recovery_code", "app-phr");
            browser.press(Keys.ENTER);
            String secret = browser.waitForVisible("[data-new-secret]", WAIT).getText();
            String clientId = browser.text("[data-new-client-id]");
            assertThat(secret).startsWith("ghcs_");
            assertThat(browser.pageSource()).contains("Copy the client secret now")
                    .contains(base + "/.well-known/openid-configuration");
            assertThat(browser.accessibilityViolations(axe)).as("the secret shown").isEqualTo("[]");
            browser.saveScreenshot("console-applications-created-1280");
            JsonNode registered = server.get("/api/v1/oidc/clients/" + clientId).json();
            assertThat(registered.get("tokenEndpointAuthMethod").asText()).isEqualTo("client_secret_basic");
            assertThat(registered.get("signInMethods")).hasSize(4);
            browser.open(base + "/console/applications");
            assertThat(browser.pageSource()).contains(clientId).doesNotContain(secret);

            // On a phone: a public application with script in every text field, which comes back as text.
            browser.resize(390, 900);
            browser.type("#app-name", SCRIPT);
            browser.type("#app-redirects", SCRIPT);
            browser.type("#app-logouts", SCRIPT);
            browser.click("#app-public");
            browser.click("#app-method-totp");
            browser.click("#app-submit");
            browser.waitForVisible("#alerts .error", WAIT);
            assertThat(browser.text("#alerts .error")).contains("field 'redirectUris' holds");
            assertThat(browser.count("img[src=\"x\"]")).isZero();
            assertThat(browser.pageSource()).doesNotContain("<img src=\"x\"");
            assertThat(browser.accessibilityViolations(axe)).as("a refusal at 390").isEqualTo("[]");
            browser.saveScreenshot("console-applications-refused-390");
            browser.type("#app-redirects", "http://localhost:9000/cb");
            browser.type("#app-logouts", "");
            browser.click("#app-submit");
            browser.waitForVisible("[data-new-client-id]", WAIT);
            assertThat(browser.count("[data-new-secret]")).isZero();
            assertThat(browser.count("img[src=\"x\"]")).isZero();
            assertThat(browser.pageSource()).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
            String publicId = browser.text("[data-new-client-id]");
            JsonNode publicClient = server.get("/api/v1/oidc/clients/" + publicId).json();
            assertThat(publicClient.get("public").asBoolean()).isTrue();
            assertThat(publicClient.get("signInMethods").toString()).doesNotContain("totp");
            assertThat(browser.accessibilityViolations(axe)).as("a public application at 390").isEqualTo("[]");
            assertThat(browser.scrollsSideways()).as("a list with applications at 390").isFalse();
            browser.saveScreenshot("console-applications-public-390");

            // Delete, after the confirmation page.
            browser.click("tr[data-client=\"" + clientId + "\"] [data-action=\"delete\"]");
            browser.waitForVisible("[data-action=\"confirm-delete\"]", WAIT);
            assertThat(browser.accessibilityViolations(axe)).as("the confirmation at 390").isEqualTo("[]");
            browser.saveScreenshot("console-applications-delete-390");
            browser.click("#confirm");
            browser.click("[data-action=\"confirm-delete\"]");
            browser.waitForText("The application was deleted", WAIT);
            assertThat(browser.count("tr[data-client=\"" + clientId + "\"]")).isZero();
            assertThat(server.get("/api/v1/oidc/clients/" + clientId).status()).isEqualTo(404);
        }
    }

    private static String focusedId(Browser browser) {
        String id = browser.focusedAttribute("id");
        return id == null ? "" : id;
    }

    /** Presses Tab until {@code id} has the focus; the ids passed on the way. */
    private static List<String> tabUntil(Browser browser, String id) {
        List<String> passed = new ArrayList<>();
        for (int presses = 0; presses < 60; presses++) {
            browser.press(Keys.TAB);
            if (focusedId(browser).equals(id)) {
                return passed;
            }
            passed.add(focusedId(browser));
        }
        throw new AssertionError("Tab never reached #" + id + "; it passed " + passed);
    }
}
