package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.server.login.LoginRequests;
import io.gatehouse.server.testing.Axe;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sign-in page in real Chromium: a TOTP code typed, a passkey of the virtual authenticator, and the phone (a
 * second Chromium with its own authenticator) approving the number the first one shows; each ends on the client's
 * redirect URI with a code. The page passes axe-core at desktop and phone widths.
 */
class SignInBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    @TempDir
    Path dir;
    private TestServer server;
    private HttpServer application;
    private String callback;
    private String clientId;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.startOnLocalhost(dir, true);
        application = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        application.createContext("/callback", exchange -> {
            byte[] body = "<!doctype html><title>Back in the application</title><p>signed in</p>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        application.start();
        callback = "http://localhost:" + application.getAddress().getPort() + "/callback";
        clientId = server.post("/api/v1/oidc/clients", Map.of("name", "Vault", "redirectUris", List.of(callback),
                "public", false)).json().get("clientId").asText();
    }

    @AfterEach
    void stop() {
        application.stop(0);
        server.close();
    }

    @Test
    void a_code_a_passkey_and_the_phone_each_sign_in_and_return_to_the_application() {
        String axe = Axe.require();
        TotpUsers.Enrolled ada = TotpUsers.enroll(server, "ada");
        String userId = server.get("/api/v1/users?q=ada").json().get("users").get(0).get("id").asText();
        String enrollment = server.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        try (Browser desktop = Browser.start(Browser.Authenticator.USER_VERIFYING);
                Browser phone = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            // A code typed into the page.
            desktop.open(authorize(Map.of()));
            desktop.waitForVisible("[data-action=\"sign-in-totp\"]", WAIT);
            assertThat(desktop.accessibilityViolations(axe)).as("sign-in page").isEqualTo("[]");
            desktop.saveScreenshot("oidc-sign-in");
            desktop.type("[name=\"username\"]", "ada");
            desktop.type("[name=\"code\"]", ada.nextCode(server));
            desktop.click("[data-action=\"sign-in-totp\"]");
            assertThat(desktop.waitForUrl(url -> url.startsWith(callback), WAIT)).contains("code=", "state=st");

            // A passkey on the phone, signing in on the phone itself.
            phone.open(enrollment);
            phone.click("[data-action=\"register-passkey\"]");
            phone.waitForUrl(url -> url.contains("/wallet"), WAIT);
            phone.resize(390, 900);
            phone.open(authorize(Map.of()));
            phone.waitForVisible("[data-action=\"sign-in-passkey\"]", WAIT);
            assertThat(phone.accessibilityViolations(axe)).as("sign-in page at 390").isEqualTo("[]");
            phone.saveScreenshot("oidc-sign-in-390");
            phone.click("[data-action=\"sign-in-passkey\"]");
            assertThat(phone.waitForUrl(url -> url.startsWith(callback), WAIT)).contains("code=");

            // The phone approves the desktop's login request (prompt=login: the desktop's session must not answer).
            desktop.open(authorize(Map.of("prompt", "login")));
            desktop.click("[data-action=\"sign-in-phone\"]");
            String loginRequest = desktop.waitForNonEmptyAttribute("[data-login-request]", "data-login-request",
                    WAIT);
            assertThat(loginRequest).startsWith(server.gatehouse().baseUrl() + LoginRequests.PHONE_PATH);
            String number = desktop.text("[data-login-number]");
            desktop.saveScreenshot("oidc-sign-in-phone");
            phone.open(loginRequest);
            phone.waitForVisible("[data-choice]", WAIT);
            assertThat(phone.text("[data-fact=\"application\"]")).isEqualTo("Vault");
            phone.click("[data-choice=\"" + number + "\"]");
            phone.waitForAttribute("[data-login-status]", "data-status", WAIT, "done");
            assertThat(desktop.waitForUrl(url -> url.startsWith(callback), WAIT)).contains("code=");
        }
    }

    private String authorize(Map<String, String> extra) {
        StringBuilder url = new StringBuilder(server.uri(Endpoints.AUTHORIZE) + "?response_type=code"
                + "&scope=openid&state=st&nonce=n&client_id=" + clientId + "&redirect_uri="
                + URLEncoder.encode(callback, StandardCharsets.UTF_8));
        extra.forEach((key, value) -> url.append('&').append(key).append('=').append(value));
        return url.toString();
    }
}
