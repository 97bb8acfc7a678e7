package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.alert.WebhookReceiver;
import io.gatehouse.server.alert.WebhookSignature;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.RaisedAlerts;
import io.gatehouse.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
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
 * The Alerts section in a real Chromium: an administrator creates a webhook whose generated secret signs the
 * delivery a real receiver gets when failed verifications raise an alert; finds the alert from the navigation's
 * count, acknowledges it and resolves it with a note using the keyboard alone; changes a rule. axe-core finds
 * nothing on any of the pages, at a desk and on a phone, and no page scrolls sideways on the phone.
 */
class AlertsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SCRIPT = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";

    @TempDir
    static Path dir;
    private static TestServer server;
    private static String base;
    private static String adminId;

    @BeforeAll
    static void start() {
        server = TestServer.startOnLocalhost(dir, true, Map.of("trusted-proxies", "127.0.0.1",
                "alerts.webhook-allow-networks", "127.0.0.1"));
        base = server.gatehouse().baseUrl().toString().replaceAll("/$", "");
        adminId = server.post("/api/v1/users", Map.of("username", "alice", "roles", List.of("admin"))).json()
                .get("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void an_administrator_gets_an_alert_delivered_then_acknowledges_resolves_and_tunes_its_rule() throws Exception {
        String axe = Axe.require();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING);
                WebhookReceiver receiver = new WebhookReceiver()) {
            browser.open(base + "/console/sign-in");
            browser.addCookie(ConsoleClient.cookieName(), ConsoleClient.signIn(server, adminId).cookieValue());
            for (String path : List.of("/console/alerts", "/console/alerts/rules", "/console/alerts/webhooks")) {
                checkAtBothWidths(browser, axe, path, "empty");
            }

            // A webhook, its secret generated and shown once.
            browser.resize(1280, 900);
            browser.open(base + "/console/alerts/webhooks");
            browser.type("#webhook-url", receiver.url());
            browser.click("#webhook-submit");
            String secret = browser.waitForVisible("[data-new-secret]", WAIT).getText();
            assertThat(secret).startsWith("whsec_");
            assertThat(browser.accessibilityViolations(axe)).as("a new secret shown").isEqualTo("[]");
            browser.saveScreenshot("console-alerts-webhook-created-1280");

            // Failed verifications raise an alert; the receiver gets it, signed with that secret.
            String id = RaisedAlerts.failureSpike(server, "quinn");
            WebhookReceiver.Received delivery = receiver.next(WAIT);
            assertThat(WebhookSignature.verify(secret.getBytes(StandardCharsets.UTF_8),
                    delivery.headers().get("Gatehouse-Signature"), delivery.body(),
                    server.clock().instant().getEpochSecond(), 300)).as("signed with the shown secret").isTrue();
            assertThat(Json.MAPPER.readTree(delivery.body()).get("alert").get("id").asText()).isEqualTo(id);
            String hook = server.get("/api/v1/webhooks").json().get("webhooks").get(0).get("id").asText();
            awaitDelivered(hook);
            browser.open(base + "/console/alerts/webhooks");
            assertThat(browser.text("tr[data-webhook=\"" + hook + "\"] [data-count-delivered]")).isEqualTo("1");
            browser.click("tr[data-webhook=\"" + hook + "\"] a");
            browser.waitForVisible("table[data-table=\"deliveries\"]", WAIT);
            assertThat(browser.text("table[data-table=\"deliveries\"] tbody")).contains("delivered");
            checkAtBothWidths(browser, axe, "/console/alerts/webhooks/" + hook, "deliveries");

            // From the navigation's count to the alert.
            browser.resize(1280, 900);
            browser.open(base + "/console");
            assertThat(browser.accessibleRoleAndName("header nav a[href=\"/console/alerts\"]"))
                    .isEqualTo("link: Alerts 1 open");
            assertThat(browser.text("[data-open-alerts] [data-open-severity=\"high\"]")).contains("1");
            assertThat(browser.accessibilityViolations(axe)).as("overview with an open alert").isEqualTo("[]");
            browser.click("header nav a[href=\"/console/alerts\"]");
            browser.waitForVisible("tr[data-alert=\"" + id + "\"]", WAIT);
            assertThat(browser.text("tr[data-alert=\"" + id + "\"] [data-severity]")).isEqualTo("high");
            checkAtBothWidths(browser, axe, "/console/alerts", "one alert");
            checkAtBothWidths(browser, axe, "/console/alerts/" + id, "an open alert");
            assertThat(browser.text("[data-subject] a")).isEqualTo("quinn");
            assertThat(browser.count("[data-evidence] a[data-record]")).isEqualTo(5);
            assertThat(browser.text("main time")).as("a time in the browser's zone").doesNotEndWith("Z");

            // Acknowledge and resolve with the keyboard alone, at a desk.
            browser.resize(1280, 900);
            tabUntil(browser, "acknowledge");
            browser.press(Keys.ENTER);
            browser.waitForText("The alert is acknowledged", WAIT);
            assertThat(browser.text("[data-alert-state]")).isEqualTo("acknowledged");
            assertThat(browser.text("[data-acknowledged]")).contains("by alice");
            tabUntil(browser, "resolve-note");
            browser.press("Announced penetration test " + SCRIPT);
            browser.press(Keys.TAB);
            assertThat(browser.focusedAttribute("id")).isEqualTo("resolve");
            browser.press(Keys.ENTER);
            browser.waitForText("The alert is resolved", WAIT);
            assertThat(browser.text("[data-alert-state]")).isEqualTo("resolved");
            assertThat(browser.text("[data-note]")).isEqualTo("Announced penetration test " + SCRIPT);
            assertThat(browser.count("img[src=\"x\"]")).isZero();
            assertThat(browser.accessibilityViolations(axe)).as("a resolved alert").isEqualTo("[]");
            browser.resize(390, 900);
            assertThat(browser.scrollsSideways()).as("a resolved alert at 390").isFalse();
            browser.saveScreenshot("console-alert-resolved-390");
            JsonNode resolved = server.get("/api/v1/alerts/" + id).json();
            assertThat(resolved.get("state").asText()).isEqualTo("resolved");
            assertThat(resolved.get("resolutionNote").asText()).startsWith("Announced penetration test");
            assertThat(browser.count("header nav [data-count]")).as("no open alerts left").isZero();

            // A rule tuned on a phone.
            browser.open(base + "/console/alerts/rules");
            browser.click("[data-rule=\"failure_spike\"] summary");
            assertThat(browser.accessibilityViolations(axe)).as("a rule's form open at 390").isEqualTo("[]");
            browser.type("#failure_spike-threshold", "7");
            browser.type("#failure_spike-window", "3");
            browser.click("#failure_spike-save");
            browser.waitForText("Rule failure spike is saved", WAIT);
            assertThat(browser.text("[data-rule=\"failure_spike\"] [data-threshold]")).startsWith("7");
            assertThat(browser.text("[data-rule=\"failure_spike\"] [data-window]")).startsWith("3 minutes");
            assertThat(server.get("/api/v1/alert-rules").json().get("rules").toString())
                    .contains("\"rule\":\"failure_spike\",\"enabled\":true,\"severity\":\"high\",\"threshold\":7,"
                            + "\"windowSeconds\":180");
            assertThat(browser.scrollsSideways()).as("rules at 390").isFalse();
            browser.saveScreenshot("console-alert-rules-saved-390");
        }
    }

    private static void checkAtBothWidths(Browser browser, String axe, String path, String what) {
        for (int width : new int[] {1280, 390}) {
            browser.resize(width, 900);
            browser.open(base + path);
            assertThat(browser.count("main[data-page=\"alerts\"]")).as(path).isEqualTo(1);
            assertThat(browser.accessibilityViolations(axe)).as(path + " (" + what + ") at " + width).isEqualTo("[]");
            assertThat(browser.scrollsSideways()).as(path + " sideways at " + width).isFalse();
            browser.saveScreenshot("console" + path.replaceAll("/console|/alr_[^/]*|/whk_[^/]*", "").replace('/', '-')
                    + "-" + what.replace(' ', '-') + "-" + width);
        }
    }

    private static void awaitDelivered(String hook) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode deliveries = server.get("/api/v1/webhooks/" + hook + "/deliveries").json().get("deliveries");
            if (deliveries.size() == 1 && "delivered".equals(deliveries.get(0).get("state").asText())) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the delivery was not marked delivered");
    }

    private static String focusedId(Browser browser) {
        String id = browser.focusedAttribute("id");
        return id == null ? "" : id;
    }

    /** Presses Tab until {@code id} has the focus; the ids passed on the way. */
    private static List<String> tabUntil(Browser browser, String id) {
        List<String> passed = new ArrayList<>();
        for (int presses = 0; presses < 80; presses++) {
            browser.press(Keys.TAB);
            if (focusedId(browser).equals(id)) {
                return passed;
            }
            passed.add(focusedId(browser));
        }
        throw new AssertionError("Tab never reached #" + id + "; it passed " + passed);
    }
}
