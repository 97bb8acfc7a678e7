package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Doors section in a real Chromium: an administrator sets up a site down to a reader with the forms, edits a
 * door, gives a rule a schedule, provisions, revokes and deletes; markup in names stays text; every page is free of
 * accessibility violations at desk and phone widths.
 */
class DoorsPagesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    static Path dir;
    static TestServer server;
    static Browser browser;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("doors-pages");
        server = TestServer.startOnLocalhost(dir, true);
        base = server.gatehouse().baseUrl().toString().replaceAll("/$", "");
        String adminId = server.post("/api/v1/users", Map.of("username", "alice", "roles", List.of("admin"))).json()
                .get("id").asText();
        browser = Browser.start(Browser.Authenticator.USER_VERIFYING);
        browser.open(base + "/console/sign-in");
        browser.addCookie(ConsoleClient.cookieName(), ConsoleClient.signIn(server, adminId).cookieValue());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static void submit(String form) {
        browser.click("form[data-form=\"" + form + "\"] button[type=\"submit\"]");
    }

    static String idIn(String url, String kind) {
        return url.replaceAll(".*/" + kind + "/([^/?]+).*", "$1");
    }

    static JsonNode lastAudit(String action) {
        return server.get("/api/v1/audit?action=" + action).json().get("records").get(0);
    }

    @Test
    void an_administrator_sets_up_a_door_with_a_scheduled_rule_and_a_reader_and_takes_it_down_again() {
        browser.resize(1280, 900);
        browser.open(base + "/console/doors");
        browser.waitForVisible("[data-page=\"doors\"]", WAIT);
        browser.type("#site-name", "Head office");
        browser.type("#site-zone", "Europe/Berlin");
        submit("create-site");
        String siteId = idIn(browser.waitForUrl(url -> url.contains("/sites/site_"), WAIT), "sites");
        browser.waitForText("The site was created.", WAIT);

        browser.type("#zone-name", "Offices");
        submit("create-zone");
        String zoneId = idIn(browser.waitForUrl(url -> url.contains("/zones/zone_"), WAIT), "zones");

        browser.type("#door-name", "Main entrance");
        submit("create-door");
        String doorId = idIn(browser.waitForUrl(url -> url.contains("/doors/door_"), WAIT), "doors");
        browser.type("#door-skew", "20");
        browser.click("#door-uv");
        submit("edit-door");
        browser.waitForText("readers get it with their next bundle", WAIT);
        JsonNode door = server.get("/api/v1/doors/" + doorId).json();
        assertThat(door.get("allowedSkewSeconds").asInt()).isEqualTo(20);
        assertThat(door.get("requireUserVerification").asBoolean()).isTrue();
        assertThat(lastAudit("door.update").get("details").get("changes").get("allowedSkewSeconds").get("to")
                .asInt()).isEqualTo(20);
        browser.saveScreenshot("doors-door-1280");

        browser.type("#reader-name", "Lobby reader");
        submit("create-reader");
        browser.waitForVisible("[data-credential]", WAIT);
        assertThat(browser.text("[data-credential]")).startsWith("ghr_");
        String readerId = server.get("/api/v1/readers?doorId=" + doorId).json().get("readers").get(0).get("id")
                .asText();
        browser.open(base + "/console/doors/readers/" + readerId);
        submit("provision-reader");
        browser.waitForVisible("img[data-provisioning-qr]", WAIT);
        assertThat(browser.text("[data-token]")).startsWith("ghp_");
        browser.saveScreenshot("doors-provisioning-1280");
        browser.open(base + "/console/doors/readers/" + readerId);
        submit("revoke-reader");
        browser.waitForText("The reader was revoked", WAIT);
        assertThat(browser.text("[data-health]")).isEqualTo("revoked");

        browser.open(base + "/console/doors/zones/" + zoneId);
        browser.type("#rule-role", "staff");
        browser.click("input[name=\"days-0\"][value=\"MON\"]");
        browser.click("input[name=\"days-0\"][value=\"FRI\"]");
        browser.type("#from-0", "0700AM");
        browser.type("#to-0", "0700PM");
        submit("create-rule");
        String ruleId = idIn(browser.waitForUrl(url -> url.contains("/rules/rule_"), WAIT), "rules");
        JsonNode schedule = server.get("/api/v1/access-rules/" + ruleId).json().get("schedule");
        assertThat(schedule.get(0).get("days").toString()).isEqualTo("[\"MON\",\"FRI\"]");
        assertThat(schedule.get(0).get("from").asText()).isEqualTo("07:00");
        assertThat(schedule.get(0).get("to").asText()).isEqualTo("19:00");
        assertThat(browser.pageSource()).contains("Europe/Berlin time");
        browser.saveScreenshot("doors-rule-1280");

        browser.open(base + "/console/doors/sites/" + siteId);
        submit("delete-site");
        browser.waitForText("still has 1 zones", WAIT);
        assertThat(server.get("/api/v1/sites/" + siteId).status()).isEqualTo(200);

        browser.open(base + "/console/doors/rules/" + ruleId);
        submit("delete-rule");
        browser.waitForText("The access rule was deleted.", WAIT);
        assertThat(server.get("/api/v1/access-rules/" + ruleId).status()).isEqualTo(404);
        assertThat(lastAudit("access_rule.delete").get("subject").asText()).isEqualTo("rule:" + ruleId);
    }

    @Test
    void markup_typed_into_every_field_stays_text() {
        String script = "<script>alert(1)</script>";
        String attribute = "\"><img src=x onerror=alert(1)>";
        browser.resize(1280, 900);
        browser.open(base + "/console/doors");
        browser.type("#site-name", script);
        browser.type("#site-zone", "UTC");
        submit("create-site");
        browser.waitForUrl(url -> url.contains("/sites/site_"), WAIT);
        browser.type("#zone-name", attribute);
        submit("create-zone");
        browser.waitForUrl(url -> url.contains("/zones/zone_"), WAIT);
        browser.type("#door-name", script + attribute);
        submit("create-door");
        browser.waitForUrl(url -> url.contains("/doors/door_"), WAIT);
        browser.type("#reader-name", attribute);
        submit("create-reader");
        browser.waitForVisible("[data-credential]", WAIT);
        browser.open(base + "/console/doors/zones/" + server.get("/api/v1/zones").json().get("zones").get(0)
                .get("id").asText());
        browser.type("#rule-role", script);
        submit("create-rule");
        browser.waitForVisible("#alerts .error, .error", WAIT);

        for (String path : List.of("/console/doors", server.get("/api/v1/doors").json().get("doors").get(0)
                .get("id").asText())) {
            browser.open(path.startsWith("/") ? base + path : base + "/console/doors/doors/" + path);
            assertThat(browser.count("img[src=\"x\"]")).isZero();
            assertThat(browser.count("main script")).isZero();
            assertThat(browser.pageSource()).doesNotContain(script).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        }
    }

    @Test
    void the_pages_have_no_accessibility_violations_at_desk_and_phone_widths() {
        String axe = Axe.require();
        String siteId = server.post("/api/v1/sites", Map.of("name", "Depot", "timeZone", "UTC")).json().get("id")
                .asText();
        String zoneId = server.post("/api/v1/zones", Map.of("siteId", siteId, "name", "Yard")).json().get("id")
                .asText();
        String doorId = server.post("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Gate")).json().get("id")
                .asText();
        String readerId = server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "Gate reader")).json()
                .get("id").asText();
        String ruleId = server.post("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff")).json()
                .get("id").asText();
        for (String path : List.of("/console/doors", "/console/doors/sites/" + siteId, "/console/doors/zones/"
                + zoneId, "/console/doors/doors/" + doorId, "/console/doors/rules/" + ruleId,
                "/console/doors/readers/" + readerId)) {
            for (int width : new int[] {1280, 390}) {
                browser.resize(width, 900);
                browser.open(base + path);
                browser.waitForVisible("[data-page=\"doors\"]", WAIT);
                assertThat(browser.accessibilityViolations(axe)).as(path + " at " + width).isEqualTo("[]");
            }
        }
        browser.open(base + "/console/doors");
        browser.saveScreenshot("doors-list-390");
        browser.resize(1280, 900);
        browser.open(base + "/console/doors");
        browser.saveScreenshot("doors-list-1280");
    }
}
