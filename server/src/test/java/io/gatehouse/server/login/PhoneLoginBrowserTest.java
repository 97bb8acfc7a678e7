package io.gatehouse.server.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * "Sign in with your phone" across two real Chromium instances, each with its own virtual authenticator: browser A
 * asks and shows the number, browser B (the phone, its passkey enrolled through a device enrollment link) opens the
 * login request's link, picks the number with the keyboard and verifies, and A sees the approval. The phone's page
 * is checked at phone widths: axe-core, no sideways scrolling, real buttons with accessible names.
 */
class PhoneLoginBrowserTest {
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
    void the_phone_approves_the_number_the_browser_shows_and_the_browser_completes() {
        String axe = Axe.require();
        server = TestServer.startOnLocalhost(dir, true);
        String userId = server.post("/api/v1/users", Map.of("username", "ada")).json().get("id").asText();
        String enrollment = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        try (Browser phone = Browser.start(Browser.Authenticator.USER_VERIFYING);
                Browser desktop = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            phone.open(enrollment);
            phone.click("[data-action=\"register-passkey\"]");
            phone.waitForUrl(url -> url.contains("/wallet"), WAIT);

            desktop.open(server.gatehouse().baseUrl() + "/login/phone?application=Vault");
            String loginRequest = desktop.waitForNonEmptyAttribute("[data-login-request]", "data-login-request",
                    WAIT);
            String number = desktop.text("[data-login-number]");
            assertThat(number).matches("\\d{2}");
            assertThat(loginRequest).matches(java.util.regex.Pattern.quote(server.gatehouse().baseUrl()
                    + LoginRequests.PHONE_PATH) + "[a-z2-7]{26,}");
            assertThat(desktop.accessibilityViolations(axe)).as("waiting page").isEqualTo("[]");
            desktop.saveScreenshot("login-phone-waiting");

            phone.resize(390, 900);
            phone.open(loginRequest);
            phone.waitForVisible("[data-choice]", WAIT);
            assertThat(phone.count("[data-choice]")).isEqualTo(3);
            assertThat(phone.text("[data-fact=\"application\"]")).isEqualTo("Vault");
            assertThat(phone.text("[data-fact=\"browser\"]")).contains("Chrome");
            assertThat(phone.text("[data-fact=\"location\"]")).isEqualTo("127.0.0.0/24");
            assertThat(phone.text("[data-fact=\"time\"]")).as("a clock time, not ISO 8601")
                    .matches(".*\\d{1,2}:\\d{2}:\\d{2}.*").doesNotContain("Z");
            for (int i = 1; i <= 3; i++) {
                String button = ".choices button:nth-of-type(" + i + ")";
                assertThat(phone.accessibleRoleAndName(button)).isEqualTo("button: " + phone.text(button));
            }
            assertThat(phone.accessibleRoleAndName("[data-action=\"decline-login\"]"))
                    .isEqualTo("button: This was not me");
            assertThat(phone.scrollsSideways()).as("at 390").isFalse();
            assertThat(phone.accessibilityViolations(axe)).as("approval page at 390").isEqualTo("[]");
            phone.saveScreenshot("login-phone-approve-390");
            phone.resize(320, 800);
            assertThat(phone.scrollsSideways()).as("at 320").isFalse();
            assertThat(phone.accessibilityViolations(axe)).as("approval page at 320").isEqualTo("[]");
            phone.saveScreenshot("login-phone-approve-320");

            pickWithTheKeyboard(phone, number);
            phone.waitForAttribute("[data-login-status]", "data-status", WAIT, "done");
            assertThat(phone.text("[data-login-status]")).contains("Vault");
            assertThat(phone.focusedAttribute("data-login-status")).as("the outcome has the focus").isNotNull();

            desktop.waitForAttribute("[data-login-status]", "data-status", WAIT, "done");
            String token = desktop.waitForNonEmptyAttribute("[data-login-waiting]", "data-completion-token", WAIT);
            desktop.saveScreenshot("login-phone-approved");
            assertThat(server.gatehouse().logins().complete(token, io.gatehouse.server.common.ClientInfo.local(
                    "test")).userId()).isEqualTo(userId);
        }
    }

    /** Tabs from the top of the page through the choices, which come first and in order, and presses Enter. */
    private static void pickWithTheKeyboard(Browser phone, String number) {
        for (int tab = 1; tab <= 3; tab++) {
            phone.press(Keys.TAB);
            String focused = phone.focusedAttribute("data-choice");
            assertThat(focused).as("tab " + tab + " lands on a choice").isNotNull();
            if (focused.equals(number)) {
                phone.press(Keys.ENTER);
                return;
            }
        }
        throw new AssertionError("the number " + number + " is not among the choices");
    }
}
