package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.EnrollmentClient;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The People pages in a real Chromium, signed in as an administrator: search, create, each action on a person with
 * its effect on the page and in the audit log, the detour through verification for a dangerous action, text from
 * devices shown as text, and no accessibility violations on a desk or a phone.
 */
class PeoplePagesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String XSS = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";

    @TempDir
    static Path dir;
    static TestServer server;
    static Browser browser;
    static String base;
    static String adminId;

    @BeforeAll
    static void start() {
        server = TestServer.startOnLocalhost(dir, true);
        base = server.gatehouse().baseUrl().toString().replaceAll("/$", "");
        adminId = server.post("/api/v1/users", Map.of("username", "root", "roles", List.of("admin"))).json()
                .get("id").asText();
        browser = Browser.start(Browser.Authenticator.USER_VERIFYING);
    }

    /** A session of its own for each test, verified just now, as after a passkey sign-in. */
    @BeforeEach
    void signIn() {
        browser.open(base + "/console/sign-in");
        browser.addCookie(ConsoleClient.cookieName(), ConsoleClient.signIn(server, adminId).cookieValue());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    static String person(String name, List<String> roles) {
        return server.post("/api/v1/users", Map.of("username", name, "roles", roles)).json().get("id").asText();
    }

    static String enrollDevice(String userId, DeviceFacts facts) {
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", "").json().get("enrollmentUrl")
                .asText();
        return new EnrollmentClient().enroll(URI.create(url), ProofSigner.generateP256(new SecureRandom())
                .getPublic(), facts).deviceId();
    }

    static long audited(String action, String userId) {
        return server.get("/api/v1/audit?action=" + action + "&userId=" + userId).json().get("records").size();
    }

    @Test
    void the_list_searches_by_name_role_and_status_and_a_person_is_added_through_the_form() {
        person("Lena.Search", List.of("staff"));
        person("lenny", List.of("visitors"));

        browser.open(base + "/console/people");
        browser.waitForVisible("[data-page=\"people\"] table[data-people]", WAIT);
        browser.type("#q", "LEN");
        browser.type("#role", "staff");
        browser.click("form[role=search] button[type=submit]");
        browser.waitForUrl(url -> url.contains("q=LEN"), WAIT);
        assertThat(browser.text("table[data-people] tbody")).contains("Lena.Search").doesNotContain("lenny");
        browser.saveScreenshot("people-list-search-1280");

        browser.open(base + "/console/people");
        browser.type("#new-username", "newcomer");
        browser.type("#new-roles", "staff, helpdesk");
        browser.click("[data-action=create]");
        browser.waitForText("The person was created.", WAIT);
        assertThat(browser.currentUrl()).contains("/console/people/usr_");
        assertThat(browser.pageSource()).contains("helpdesk staff");
        assertThat(browser.text("main h1")).isEqualTo("newcomer");
    }

    @Test
    void each_action_on_a_person_shows_its_effect_and_is_audited() {
        TotpUsers.enroll(server, "walter");
        String id = server.get("/api/v1/users?q=walter").json().at("/users/0/id").asText();
        String first = enrollDevice(id, DeviceFacts.cli());
        enrollDevice(id, DeviceFacts.cli());
        browser.open(base + "/console/people/" + id);
        browser.waitForVisible("[data-page=\"people\"] [data-totp]", WAIT);
        assertThat(browser.text("[data-totp]")).isEqualTo("active");
        assertThat(browser.text("[data-recovery-codes]")).isEqualTo("10");
        assertThat(browser.text("table[data-devices]")).contains("Device key").contains("software").contains("never");

        browser.type("#roles", "staff night-shift");
        browser.click("form[action$=\"/roles\"] button");
        browser.waitForText("The roles were saved.", WAIT);
        assertThat(browser.pageSource()).contains("night-shift staff");

        browser.click("[data-action=suspend]");
        browser.waitForText("The person is suspended", WAIT);
        assertThat(browser.text("[data-status]")).isEqualTo("suspended");
        browser.click("[data-action=resume]");
        browser.waitForText("The person is active again.", WAIT);

        browser.click("[data-action=unlock]");
        browser.waitForText("The lockout was ended.", WAIT);
        assertThat(audited("totp.unlock", id)).isOne();

        browser.click("[data-action=recovery-codes]");
        browser.waitForVisible("[data-once=recovery-codes]", WAIT);
        assertThat(browser.count("[data-once=recovery-codes] li")).isEqualTo(10);
        browser.saveScreenshot("people-person-recovery-codes-1280");

        browser.click("[data-action=totp-link]");
        browser.waitForVisible("[data-once=totp-link] img.qr", WAIT);
        String link = browser.text("[data-link]");
        assertThat(link).contains("/enroll/totp/");
        assertThat(server.get(link, null).status()).as("the link opens the enrollment page").isEqualTo(200);
        assertThat(browser.pageSource()).doesNotContain("otpauth://");
        browser.saveScreenshot("people-person-totp-link-1280");

        browser.open(base + "/console/people/" + id);
        browser.click("tr[data-device=\"" + first + "\"] [data-action=revoke-device]");
        browser.waitForText("The device was revoked.", WAIT);
        assertThat(browser.text("tr[data-device=\"" + first + "\"]")).contains("revoked");
        browser.click("[data-action=revoke-all]");
        browser.waitForText("Every device of the person was revoked.", WAIT);
        assertThat(browser.count("[data-action=revoke-device]")).isZero();
        assertThat(audited("device.revoke_all", id)).isOne();

        browser.click("#confirm");
        browser.click("[data-action=delete]");
        browser.waitForText("The person was deleted and their personal data erased.", WAIT);
        assertThat(server.get("/api/v1/users/" + id).status()).isEqualTo(404);
        assertThat(audited("user.delete", id)).isOne();
    }

    @Test
    void a_dangerous_action_after_five_minutes_asks_for_a_fresh_verification_first() {
        String id = person("olga", List.of("staff"));
        browser.open(base + "/console/people/" + id);
        server.clock().advance(Duration.ofMinutes(6));

        browser.click("#confirm");
        browser.click("[data-action=delete]");

        browser.waitForUrl(url -> url.contains("/console/verify?next=%2Fconsole%2Fpeople%2F" + id), WAIT);
        assertThat(server.get("/api/v1/users/" + id).status()).as("nothing deleted yet").isEqualTo(200);
    }

    @Test
    void text_a_device_reported_comes_back_as_text() {
        String id = person("mallory", List.of());
        enrollDevice(id, new DeviceFacts(XSS, XSS, "1"));

        browser.open(base + "/console/people/" + id);
        browser.waitForVisible("table[data-devices]", WAIT);

        assertThat(browser.text("table[data-devices]")).contains(XSS);
        assertThat(browser.pageSource()).doesNotContain("<script>alert(1)").doesNotContain("<img src=\"x\"");
        assertThat(browser.count("main img:not(.qr)")).isZero();
        assertThat(browser.count("main script")).isZero();
    }

    @Test
    void the_pages_have_no_accessibility_violations_on_a_desk_or_a_phone() {
        String axe = Axe.require();
        String id = person("ada", List.of("staff"));
        enrollDevice(id, DeviceFacts.cli());
        for (int width : new int[] {1280, 390}) {
            browser.resize(width, 900);
            for (String path : List.of("/console/people", "/console/people/" + id)) {
                browser.open(base + path);
                browser.waitForVisible("[data-page=\"people\"]", WAIT);
                assertThat(browser.accessibilityViolations(axe)).as(path + " at " + width).isEqualTo("[]");
            }
            browser.saveScreenshot("people-person-" + width);
            browser.open(base + "/console/people");
            browser.saveScreenshot("people-list-" + width);
        }
        browser.resize(1280, 900);
    }
}
