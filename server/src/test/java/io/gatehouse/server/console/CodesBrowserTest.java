package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
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
 * The Codes section in a real Chromium: an administrator creates a code with the keyboard alone, sees its scans
 * charted, disables, enables and revokes it on a phone-sized screen; axe-core finds nothing at either width, and
 * script typed into the fields comes back as text.
 */
class CodesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SCRIPT = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
            + " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

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
    void an_administrator_creates_charts_and_ends_a_code() {
        String axe = Axe.require();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(base + "/console/sign-in");
            browser.addCookie(ConsoleClient.cookieName(), ConsoleClient.signIn(server, adminId).cookieValue());
            for (int width : new int[] {1280, 390}) {
                browser.resize(width, 900);
                browser.open(base + "/console/codes");
                assertThat(browser.count("main[data-page=\"codes\"]")).isEqualTo(1);
                assertThat(browser.accessibilityViolations(axe)).as("empty list at " + width).isEqualTo("[]");
                assertThat(browser.scrollsSideways()).as("sideways at " + width).isFalse();
                browser.saveScreenshot("console-codes-" + width);
            }

            // At a desk, with the keyboard alone.
            browser.resize(1280, 900);
            browser.open(base + "/console/codes");
            tabUntil(browser, "code-target");
            browser.press("https://example.com/poster");
            browser.press(Keys.TAB);
            assertThat(focusedId(browser)).isEqualTo("code-label");
            browser.press(SCRIPT);
            List<String> passed = tabUntil(browser, "code-submit");
            assertThat(passed).containsSubsequence("code-expires", "code-max-uses");
            browser.press(Keys.ENTER);
            browser.waitForText("The code was created.", WAIT);
            String url = browser.text("[data-code-url]");
            String id = browser.currentUrl().replaceAll(".*/console/codes/([^?]+).*", "$1");
            assertThat(browser.count("img[src=\"x\"]")).isZero();
            assertThat(browser.pageSource()).contains("&lt;script&gt;alert(1)&lt;/script&gt;");

            // Two scans, then the page charts them.
            for (int i = 0; i < 2; i++) {
                assertThat(server.send(HttpRequest.newBuilder(server.uri(url)).GET().header("User-Agent", IPHONE),
                        null).status()).isEqualTo(302);
            }
            browser.open(base + "/console/codes/" + id);
            assertThat(browser.text("[data-total]")).isEqualTo("2");
            assertThat(browser.text("table[data-table=\"device-types\"] tbody")).contains("phone").contains("2");
            browser.waitForAttribute("[data-chart=\"days\"]", "data-drawn", WAIT, "true");
            assertThat(browser.accessibilityViolations(axe)).as("a code's page at 1280").isEqualTo("[]");
            browser.saveScreenshot("console-code-1280");

            // On a phone: disable, enable, revoke.
            browser.resize(390, 900);
            browser.click("[data-action=\"disable\"]");
            browser.waitForText("The code is disabled", WAIT);
            assertThat(browser.text("[data-code-state]")).isEqualTo("disabled");
            browser.click("[data-action=\"enable\"]");
            browser.waitForText("The code is enabled again.", WAIT);
            browser.click("[data-action=\"revoke\"]");
            browser.waitForText("The code is revoked", WAIT);
            assertThat(browser.text("[data-code-state]")).isEqualTo("revoked");
            assertThat(browser.accessibilityViolations(axe)).as("a revoked code at 390").isEqualTo("[]");
            assertThat(browser.scrollsSideways()).as("a code's page at 390").isFalse();
            browser.saveScreenshot("console-code-revoked-390");
            JsonNode code = server.get("/api/v1/codes/" + id).json();
            assertThat(code.get("state").asText()).isEqualTo("revoked");
            assertThat(code.get("label").asText()).isEqualTo(SCRIPT);
            browser.open(base + "/console/codes");
            assertThat(browser.count("tr[data-code=\"" + id + "\"]")).isEqualTo(1);
            assertThat(browser.count("img[src=\"x\"]")).isZero();
            assertThat(browser.accessibilityViolations(axe)).as("a list with a code at 390").isEqualTo("[]");
            browser.saveScreenshot("console-codes-list-390");
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
