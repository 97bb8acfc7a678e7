package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.gatehouse.server.passkey.TestPhone;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step-up that expires: a client asks for the phishing-resistant level or a recent sign-in; the person authenticates
 * again only when the session lacks it; the raised level lasts {@code oidc.step-up-minutes} (here 5) and then falls
 * back to the MFA level, measured on a clock the test moves.
 */
@DatabaseTest
class StepUpTest {
    static final Map<String, String> PHR = Map.of("acr_values", StepUp.PHISHING_RESISTANT.getValue());
    @TempDir
    Path data;
    TestServer server;
    SignInAgent browser;
    TotpUsers.Enrolled alice;
    TestPhone phone;

    @BeforeEach
    void start() {
        int port = TestServer.freePort();
        server = TestServer.start(data, Map.of("port", String.valueOf(port), "public-base-url",
                "http://localhost:" + port, "oidc.step-up-minutes", "5"));
        browser = SignInAgent.register(server, Map.of());
        alice = TotpUsers.enroll(server, "alice");
        String userId = server.get("/api/v1/users?q=alice").json().get("users").get(0).get("id").asText();
        phone = TestPhone.enroll(server, userId);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_code_session_steps_up_with_a_passkey_and_the_raised_level_expires_and_falls_back() throws Exception {
        IDTokenClaimsSet first = browser.exchange(browser.codeFrom(browser.signInWithCode("alice",
                alice.nextCode(server), Map.of())));
        assertThat(first.getACR().getValue()).isEqualTo(StepUp.MFA.getValue());

        // 1. The client asks for more than the session holds: the page asks again, for a passkey or the phone only.
        HttpResult page = browser.authorize(PHR);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-step-up", "data-action=\"sign-in-passkey\"")
                .doesNotContain("data-action=\"sign-in-totp\"");
        Instant steppedUpAt = server.clock().instant();
        IDTokenClaimsSet raised = browser.exchange(browser.codeFrom(SignInPageTest.signInWithPasskey(browser, phone,
                "alice", PHR)));
        assertThat(raised.getACR().getValue()).isEqualTo(StepUp.PHISHING_RESISTANT.getValue());

        // 2. While the raised level lasts, the same request needs no new sign-in.
        server.clock().advance(Duration.ofMinutes(4));
        HttpResult within = browser.authorize(PHR);
        assertThat(within.status()).isEqualTo(303);
        assertThat(browser.exchange(browser.codeFrom(within)).getACR().getValue())
                .isEqualTo(StepUp.PHISHING_RESISTANT.getValue());

        // 3. After five minutes the level has fallen back: a request for it asks again ...
        server.clock().advance(Duration.ofMinutes(1));
        assertThat(browser.authorize(PHR).status()).isEqualTo(200);
        assertThat(error(browser.authorize(Map.of("acr_values", StepUp.PHISHING_RESISTANT.getValue(), "prompt",
                "none")))).isEqualTo("interaction_required");
        // ... and a request without it gets the lower level, with the time of the passkey sign-in.
        IDTokenClaimsSet fallen = browser.exchange(browser.codeFrom(browser.authorize()));
        assertThat(fallen.getACR().getValue()).isEqualTo(StepUp.MFA.getValue());
        assertThat(fallen.getAuthenticationTime().toInstant().getEpochSecond())
                .isEqualTo(steppedUpAt.getEpochSecond());
    }

    @Test
    void max_age_and_prompt_login_ask_again_and_prompt_none_never_shows_a_page() throws Exception {
        browser.codeFrom(browser.signInWithCode("alice", alice.nextCode(server), Map.of()));
        assertThat(browser.authorize(Map.of("max_age", "300")).status()).isEqualTo(303);
        assertThat(browser.authorize(Map.of("prompt", "login")).status()).isEqualTo(200);

        server.clock().advance(Duration.ofMinutes(6));
        assertThat(browser.authorize(Map.of("max_age", "300")).status()).isEqualTo(200);
        assertThat(browser.authorize(Map.of()).status()).isEqualTo(303);
        assertThat(error(browser.otherBrowser().authorize(Map.of("prompt", "none")))).isEqualTo("login_required");
    }

    @Test
    void revoking_the_passkey_device_ends_what_it_proved() throws Exception {
        browser.codeFrom(SignInPageTest.signInWithPasskey(browser, phone, "alice", Map.of()));
        assertThat(browser.authorize().status()).isEqualTo(303);

        assertThat(server.post("/api/v1/devices/" + phone.deviceId() + "/revoke", Map.of()).status()).isIn(200, 204);

        assertThat(browser.authorize().status()).isEqualTo(200);
    }

    @Test
    void a_role_that_requires_phishing_resistance_refuses_the_code_session_for_every_client() throws Exception {
        browser.codeFrom(browser.signInWithCode("alice", alice.nextCode(server), Map.of()));
        server.put("/api/v1/policies/admins", Map.of("phishingResistantSignIn", true));

        HttpResult page = browser.authorize();
        assertThat(page.status()).as("the code session no longer answers").isEqualTo(200);
        HttpResult refused = browser.form("/oauth2/sign-in/totp", Map.of("interaction",
                SignInAgent.interaction(page), "username", "alice", "code", alice.nextCode(server)));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(browser.exchange(browser.codeFrom(SignInPageTest.signInWithPasskey(browser, phone, "alice",
                Map.of()))).getACR().getValue()).isEqualTo(StepUp.PHISHING_RESISTANT.getValue());
    }

    private static String error(HttpResult redirect) throws Exception {
        assertThat(redirect.status()).as(redirect.toString()).isEqualTo(303);
        AuthorizationResponse response = AuthorizationResponse.parse(URI.create(redirect.header("Location")));
        assertThat(response.indicatesSuccess()).isFalse();
        return response.toErrorResponse().getErrorObject().getCode();
    }
}
