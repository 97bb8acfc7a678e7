package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Overview, Audit and Analytics pages in a real Chromium: the live feed shows a decision as it is committed,
 * the audit filter form narrows the records and shows typed script as text, the charts draw, and every page passes
 * axe-core at 1280 and 390 pixels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsightPagesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path dir;
    TestServer server;
    Browser browser;
    String axe;
    Database database;
    AuditLog audit;

    @BeforeAll
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        database = server.gatehouse().services().core().database();
        audit = server.gatehouse().services().core().audit();
        for (int i = 0; i < 6; i++) {
            scan(i % 3 == 0 ? "dor_front" : "dor_back", i % 2 == 0 ? "grant" : "deny", i % 2 == 0 ? null : "revoked");
        }
        database.decide(tx -> audit.append(tx, AuditEvent.of("reader:rdr_lobby", "reader.events.alert",
                ClientInfo.local("test")).subject("reader:rdr_lobby").reason("chain_gap").result("alert")));
        String adminId = server.post("/api/v1/users", Map.of("username", "alice", "roles", List.of("admin"))).json()
                .get("id").asText();
        axe = Axe.require();
        browser = Browser.start(Browser.Authenticator.USER_VERIFYING);
        browser.open(server.gatehouse().baseUrl() + "/console/sign-in");
        browser.addCookie(ConsoleClient.cookieName(), ConsoleClient.signIn(server, adminId).cookieValue());
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    private long scan(String door, String result, String reason) {
        return database.decide(tx -> audit.append(tx, new AuditEvent("reader:rdr_t", "door.scan", null,
                "door:" + door, result, reason, ClientInfo.local("test"), Map.of("mode", "online"))));
    }

    private void accessibleAtBothWidths(String name) {
        for (int width : new int[] {1280, 390}) {
            browser.resize(width, 900);
            assertThat(browser.accessibilityViolations(axe)).as("axe-core on " + name + " at " + width)
                    .isEqualTo("[]");
            browser.saveScreenshot(name + "-" + width);
        }
        browser.resize(1280, 900);
    }

    @Test
    void the_overview_feed_shows_a_decision_as_it_is_committed() {
        browser.open(server.gatehouse().baseUrl() + "/console");
        browser.waitForVisible("[data-page=\"overview\"]", WAIT);
        browser.waitForText("Live.", WAIT);
        assertThat(browser.text("[data-figure=\"denies\"]")).isEqualTo("3");

        long id = scan("dor_lobby", "deny", "outside_schedule");

        browser.waitForVisible("[data-feed] li[data-record=\"" + id + "\"]", WAIT);
        assertThat(browser.text("[data-feed] li")).contains("dor_lobby", "denied", "outside_schedule");
        assertThat(browser.text("[data-alerts]")).contains("reader:rdr_lobby", "chain_gap");
        accessibleAtBothWidths("console-overview");
    }

    @Test
    void the_audit_filter_narrows_the_records_and_shows_typed_script_as_text() {
        browser.open(server.gatehouse().baseUrl() + "/console/audit");
        browser.waitForVisible("[data-page=\"audit\"]", WAIT);
        assertThat(browser.text("[data-chain-state]")).contains("Intact");
        browser.type("#f-door", "dor_front");
        browser.type("#f-result", "grant");
        browser.click("form.filters button[type=\"submit\"]");
        browser.waitForUrl(url -> url.contains("door=dor_front"), WAIT);
        assertThat(browser.count("[data-records] tbody tr")).isEqualTo(1);
        assertThat(browser.count("[data-exports] a")).isEqualTo(2);
        accessibleAtBothWidths("console-audit");

        browser.type("#f-reason", "<script>alert(1)</script>\"><img src=x onerror=alert(1)>");
        browser.click("form.filters button[type=\"submit\"]");
        browser.waitForUrl(url -> url.contains("reason="), WAIT);
        assertThat(browser.count("img[src=\"x\"]")).isZero();
        assertThat(browser.count("[data-records] tbody tr")).isZero();
        assertThat(browser.pageSource()).doesNotContain("<script>alert(1)</script>");
    }

    @Test
    void the_analytics_charts_draw_from_the_figures() {
        browser.open(server.gatehouse().baseUrl() + "/console/analytics");
        browser.waitForVisible("[data-page=\"analytics\"]", WAIT);
        for (String chart : List.of("decisions", "reasons", "doors", "devices", "totp")) {
            browser.waitForAttribute("[data-chart=\"" + chart + "\"]", "data-drawn", WAIT, "true");
        }
        assertThat(browser.count("[data-chart] canvas")).isEqualTo(5);
        assertThat(browser.text("[data-table=\"reasons\"]")).contains("revoked", "3");
        accessibleAtBothWidths("console-analytics");
    }
}
