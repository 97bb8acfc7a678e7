package io.gatehouse.server.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ExternalTool;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/**
 * The web wallet in a real Chromium whose virtual platform authenticator plays the phone: from the device enrollment
 * link to a passkey, to the wallet, to a door code a reader relays.
 */
class WalletBrowserTest {
    private static final String REGISTER = "[data-action=\"register-passkey\"]";
    private static final String SHOW_CODE = "[data-action=\"show-door-code\"]";
    private static final String STATUS = "[role=\"status\"]";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private TestServer server;
    private String userId;
    private String reader;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(dir, true);
        String siteId = created("/api/v1/sites", Map.of("name", "HQ", "timeZone", "Europe/Berlin"));
        String zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", "Offices"));
        String doorId = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Main entrance"));
        HttpResult newReader = server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "main reader"));
        assertThat(newReader.status()).as(newReader.toString()).isEqualTo(201);
        reader = newReader.json().get("credential").asText();
        created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", "staff"));
        userId = created("/api/v1/users", Map.of("username", "ada", "roles", List.of("staff")));
    }

    @AfterEach
    void stop() {
        server.close();
    }


    @Test
    void the_enrollment_link_makes_a_passkey_device_and_the_wallet_shows_its_code_as_a_qr_code() {
        Path zbarimg = ExternalTool.require("zbarimg", "zbar-tools");
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            enrollThisPhone(browser);
            String payload = showDoorCode(browser);
            assertThat(browser.waitForVisible(".countdown", WAIT).getText()).matches("\\d+ seconds left");
            assertThat(decoded(zbarimg, browser.screenshot("[data-qr]"))).isEqualTo(payload);
        }
        JsonNode device = server.get("/api/v1/users/" + userId + "/devices").json().get("devices").get(0);
        assertThat(device.get("kind").asText()).isEqualTo("passkey");
        assertThat(device.get("trust").asText()).isEqualTo("software");
        assertThat(device.get("status").asText()).isEqualTo("active");
        JsonNode audit = server.get("/api/v1/audit?action=wallet.door_code").json().get("records").get(0);
        assertThat(audit.get("result").asText()).isEqualTo("success");
        assertThat(audit.toString()).contains("\"userVerified\":true").contains(device.get("credentialId").asText());
    }

    /**
     * The acceptance path end to end. Until the scan service knows the minting keys (the scan path's part of the web
     * wallet, not this one's) the first scan is denied {@code unknown_minting_key}.
     */
    @Test
    void a_door_code_opens_the_door_once_and_its_replay_is_denied() {
        String payload;
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            enrollThisPhone(browser);
            payload = showDoorCode(browser);
        }
        HttpResult first = server.post("/api/v1/scans", Map.of("payload", payload), reader);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().get("decision").asText()).as(first.toString()).isEqualTo("grant");
        HttpResult again = server.post("/api/v1/scans", Map.of("payload", payload), reader);
        assertThat(again.json().get("decision").asText()).as(again.toString()).isEqualTo("deny");
        assertThat(again.json().get("reason").asText()).isEqualTo("replayed");
    }

    @Test
    void each_code_takes_its_own_check_and_a_failed_check_gets_no_code() {
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            enrollThisPhone(browser);
            String first = showDoorCode(browser);
            browser.userVerifies(false);
            browser.click(SHOW_CODE);
            WebElement status = browser.waitForAttribute(STATUS, "data-status", WAIT, "refused");
            assertThat(status.getText()).contains("fingerprint, face or PIN").contains("No code");
            assertThat(browser.waitForAttribute("[data-door-code]", "data-door-code", WAIT, "")
                    .getDomAttribute("data-door-code")).isEmpty();
            browser.userVerifies(true);
            assertThat(showDoorCode(browser)).isNotEqualTo(first);
        }
    }

    @Test
    void an_authenticator_without_user_verification_cannot_register_and_so_gets_no_code() {
        try (Browser browser = Browser.start(Browser.Authenticator.WITHOUT_USER_VERIFICATION)) {
            browser.open(enrollmentUrl());
            browser.click(REGISTER);
            WebElement status = browser.waitForAttribute(STATUS, "data-status", WAIT, "registered", "refused");
            assertThat(status.getDomAttribute("data-status")).isEqualTo("refused");
            assertThat(status.getText()).contains("fingerprint, face or PIN");
        }
        assertThat(server.get("/api/v1/users/" + userId + "/devices").json().get("devices")).isEmpty();
    }

    @Test
    void a_revoked_device_gets_no_code_and_the_refusal_is_audited() {
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            enrollThisPhone(browser);
            String deviceId = server.get("/api/v1/users/" + userId + "/devices").json().at("/devices/0/id").asText();
            assertThat(server.post("/api/v1/devices/" + deviceId + "/revoke", "").status()).isEqualTo(200);
            browser.click(SHOW_CODE);
            WebElement status = browser.waitForAttribute(STATUS, "data-status", WAIT, "refused", "shown");
            assertThat(status.getDomAttribute("data-status")).isEqualTo("refused");
            assertThat(status.getText()).contains("revoked");
            assertThat(browser.waitForAttribute("[data-door-code]", "data-door-code", WAIT, "")
                    .getDomAttribute("data-door-code")).isEmpty();
        }
        JsonNode audit = server.get("/api/v1/audit?action=wallet.door_code").json().get("records").get(0);
        assertThat(audit.get("result").asText()).isEqualTo("denied");
        assertThat(audit.get("reason").asText()).isEqualTo("device_revoked");
    }

    @Test
    void the_enrollment_page_and_the_wallet_have_no_accessibility_violations() {
        String axe = Axe.require();
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(enrollmentUrl());
            browser.waitForVisible(REGISTER, WAIT);
            assertThat(browser.accessibilityViolations(axe)).as("axe-core on the enrollment page").isEqualTo("[]");
            browser.click(REGISTER);
            browser.waitForVisible(SHOW_CODE, WAIT);
            assertThat(browser.accessibilityViolations(axe)).as("axe-core on the wallet").isEqualTo("[]");
            server.clock().set(Instant.now());
            browser.click(SHOW_CODE);
            browser.waitForNonEmptyAttribute("[data-door-code]", "data-door-code", WAIT);
            assertThat(browser.accessibilityViolations(axe)).as("axe-core on the wallet with a code")
                    .isEqualTo("[]");
        }
    }

    /** Opens the enrollment link, registers the passkey, and follows the page to the wallet. */
    private void enrollThisPhone(Browser browser) {
        browser.open(enrollmentUrl());
        browser.click(REGISTER);
        WebElement status = browser.waitForAttribute(STATUS, "data-status", WAIT, "registered", "refused");
        assertThat(status.getDomAttribute("data-status")).as(status.getText()).isEqualTo("registered");
        browser.waitForVisible(SHOW_CODE, WAIT);
        assertThat(browser.currentUrl()).endsWith("/wallet/");
    }

    /** Asks for a code and returns the text the page says a reader relays. */
    private String showDoorCode(Browser browser) {
        // The test clock stands still; the page counts down against the real time.
        server.clock().set(Instant.now());
        browser.click(SHOW_CODE);
        WebElement status = browser.waitForAttribute(STATUS, "data-status", WAIT, "shown", "refused");
        assertThat(status.getDomAttribute("data-status")).as(status.getText()).isEqualTo("shown");
        return browser.waitForNonEmptyAttribute("[data-door-code]", "data-door-code", WAIT);
    }

    private String enrollmentUrl() {
        HttpResult link = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of());
        assertThat(link.status()).as(link.toString()).isEqualTo(201);
        return link.json().get("enrollmentUrl").asText();
    }

    private String created(String path, Map<String, Object> body) {
        return server.createdId(path, body);
    }

    private String decoded(Path zbarimg, byte[] png) {
        try {
            Path file = dir.resolve("door-code.png");
            Files.write(file, png);
            ExternalTool.Result result = ExternalTool.run(Duration.ofSeconds(30), zbarimg.toString(), "--raw", "-q",
                    "--nodbus", file.toString());
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            return result.stdout().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
