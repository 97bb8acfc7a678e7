package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import io.gatehouse.server.login.LoginController;
import io.gatehouse.server.login.LoginRequests;
import io.gatehouse.server.passkey.TestPhone;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorization endpoint's sign-in page over real HTTP: each method signs in and yields a code whose ID token says
 * how (acr, amr, auth_time, nonce); the provider session answers the next request; the page's posts are bound to the
 * browser it was shown in; refusals are audited.
 */
@DatabaseTest
class SignInPageTest {
    @TempDir
    Path data;
    TestServer server;
    SignInAgent browser;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(data, true);
        browser = SignInAgent.register(server, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_page_offers_username_passkey_code_and_phone_and_binds_itself_to_the_browser() {
        HttpResult page = browser.authorize();

        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("data-page=\"oidc-sign-in\"", "name=\"username\"",
                "data-action=\"sign-in-passkey\"", "data-action=\"sign-in-totp\"", "name=\"code\"",
                "data-action=\"sign-in-phone\"", "data-login-request", "Sign in to <span data-application>Vault");
        assertThat(page.text().indexOf("sign-in-passkey")).isLessThan(page.text().indexOf("sign-in-phone"));
        assertThat(page.text().indexOf("sign-in-phone")).isLessThan(page.text().indexOf("data-action=\"sign-in-totp"));
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").doesNotContain("unsafe");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        String cookie = page.raw().headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("gh_signin="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/");
    }

    @Test
    void a_totp_code_signs_in_at_the_mfa_level_and_the_session_answers_the_next_request() throws Exception {
        TotpUsers.Enrolled alice = TotpUsers.enroll(server, "alice");

        HttpResult back = browser.signInWithCode("alice", alice.nextCode(server), Map.of());

        assertThat(back.status()).as(back.toString()).isEqualTo(303);
        IDTokenClaimsSet claims = browser.exchange(browser.codeFrom(back));
        assertThat(claims.getACR().getValue()).isEqualTo(StepUp.MFA.getValue());
        assertThat(claims.getAMR()).extracting(Object::toString).containsExactly("otp");
        assertThat(claims.getAuthenticationTime().toInstant()).isEqualTo(server.clock().instant()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(browser.cookie("gh_sso")).startsWith("ghp_");

        HttpResult again = browser.authorize();
        assertThat(again.status()).as("the provider session signs in without a page").isEqualTo(303);
        assertThat(browser.exchange(browser.codeFrom(again)).getAMR()).extracting(Object::toString)
                .containsExactly("otp");
        assertThat(actions("oidc.sign_in")).containsExactly("accepted");
    }

    @Test
    void a_recovery_code_signs_in_too() throws Exception {
        TotpUsers.Enrolled alice = TotpUsers.enroll(server, "alice");
        String userId = server.get("/api/v1/users?q=alice").json().get("users").get(0).get("id").asText();
        String recovery = server.post("/api/v1/users/" + userId + "/recovery-codes", Map.of()).json()
                .get("recoveryCodes").get(0).asText();

        HttpResult back = browser.signInWithCode(alice.username(), recovery, Map.of());

        assertThat(browser.exchange(browser.codeFrom(back)).getAMR()).extracting(Object::toString)
                .containsExactly("otp");
    }

    @Test
    void a_wrong_code_shows_the_page_again_with_the_same_answer_as_an_unknown_username() {
        TotpUsers.enroll(server, "alice");

        HttpResult wrong = browser.signInWithCode("alice", "000000", Map.of());
        HttpResult unknown = browser.signInWithCode("nobody", "000000", Map.of());

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.text()).contains("role=\"alert\"", "data-page=\"oidc-sign-in\"", "value=\"alice\"");
        assertThat(alert(wrong)).isEqualTo(alert(unknown));
        assertThat(actions("oidc.sign_in")).containsExactly("rejected");
        assertThat(actions("totp.verify")).contains("rejected");
    }

    @Test
    void wrong_codes_lock_the_account_out_as_the_verification_api_does() {
        TotpUsers.enroll(server, "alice");
        HttpResult last = null;
        for (int i = 0; i < 12 && (last == null || last.status() != 429); i++) {
            last = browser.signInWithCode("alice", String.format("%06d", i), Map.of());
        }
        assertThat(last.status()).as(last.toString()).isEqualTo(429);
        assertThat(last.header("Retry-After")).isNotBlank();
        assertThat(alert(last)).contains("too many wrong codes");
    }

    @Test
    void a_passkey_signs_in_at_the_phishing_resistant_level() throws Exception {
        String userId = server.createdId("/api/v1/users", Map.of("username", "bob"));
        TestPhone phone = TestPhone.enroll(server, userId);

        HttpResult back = signInWithPasskey(browser, phone, "bob", Map.of());

        assertThat(back.status()).as(back.toString()).isEqualTo(200);
        IDTokenClaimsSet claims = browser.exchange(browser.codeFrom(back));
        assertThat(claims.getSubject().getValue()).isEqualTo(userId);
        assertThat(claims.getACR().getValue()).isEqualTo(StepUp.PHISHING_RESISTANT.getValue());
        assertThat(claims.getAMR()).extracting(Object::toString).containsExactly("hwk", "user");
    }

    @Test
    void a_passkey_of_another_person_than_the_typed_username_is_refused() {
        server.createdId("/api/v1/users", Map.of("username", "carol"));
        TestPhone bobs = TestPhone.enroll(server, server.createdId("/api/v1/users", Map.of("username", "bob")));

        HttpResult refused = signInWithPasskey(browser, bobs, "carol", Map.of());

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("other_persons_passkey");
        assertThat(browser.cookie("gh_sso")).isNull();
    }

    @Test
    void the_phone_approves_and_the_browser_completes() throws Exception {
        String userId = server.createdId("/api/v1/users", Map.of("username", "dave"));
        TestPhone phone = TestPhone.enroll(server, userId);
        String interaction = SignInAgent.interaction(browser.authorize());

        HttpResult started = browser.json("/oauth2/sign-in/phone", Map.of("interaction", interaction));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        JsonNode request = started.json();
        assertThat(request.get("qr").asText()).startsWith("data:image/png;base64,");
        String handle = request.get("loginRequest").asText().substring(request.get("loginRequest").asText()
                .lastIndexOf('/') + 1);
        assertThat(server.get(LoginRequests.PHONE_PATH + handle, null).text()).contains("Vault");
        JsonNode options = server.post(LoginRequests.PHONE_PATH + handle + "/options", Map.of(), null).json();
        HttpResult approved = server.post(LoginRequests.PHONE_PATH + handle + "/approve", Map.of("number",
                request.get("number").asInt(), "ceremonyId", options.get("ceremonyId").asText(), "credential",
                phone.assertion(options.get("publicKey"))), null);
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        String token = server.send(HttpRequest.newBuilder(server.uri("/login/requests/" + request.get("id").asText()
                + "/status")).header(LoginController.SECRET_HEADER, request.get("secret").asText()).GET(), null)
                .json().get("completionToken").asText();

        HttpResult back = browser.json("/oauth2/sign-in/phone/complete", Map.of("interaction", interaction,
                "completionToken", token));

        IDTokenClaimsSet claims = browser.exchange(browser.codeFrom(back));
        assertThat(claims.getSubject().getValue()).isEqualTo(userId);
        assertThat(claims.getACR().getValue()).isEqualTo(StepUp.PHISHING_RESISTANT.getValue());
        assertThat(claims.getAMR()).extracting(Object::toString).containsExactly("hwk", "user");
        HttpResult spent = browser.json("/oauth2/sign-in/phone/complete", Map.of("interaction", interaction,
                "completionToken", token));
        assertThat(spent.status()).isGreaterThanOrEqualTo(400);
    }

    @Test
    void a_page_posted_from_another_browser_or_tampered_with_or_too_old_is_refused() {
        TotpUsers.Enrolled alice = TotpUsers.enroll(server, "alice");
        String interaction = SignInAgent.interaction(browser.authorize());

        HttpResult elsewhere = browser.otherBrowser().form("/oauth2/sign-in/totp", Map.of("interaction",
                interaction, "username", "alice", "code", alice.nextCode(server)));
        assertThat(elsewhere.status()).isEqualTo(410);
        assertThat(elsewhere.text()).contains("expired or was opened in another browser");
        HttpResult options = browser.otherBrowser().json("/oauth2/sign-in/passkey/options", Map.of("interaction",
                interaction));
        assertThat(options.status()).isEqualTo(410);
        assertThat(options.json().get("code").asText()).isEqualTo("sign_in_expired");

        String tampered = interaction.substring(0, 10) + (interaction.charAt(10) == 'A' ? 'B' : 'A')
                + interaction.substring(11);
        assertThat(browser.form("/oauth2/sign-in/totp", Map.of("interaction", tampered, "username", "alice", "code",
                alice.nextCode(server))).status()).isEqualTo(410);

        server.clock().advance(Interactions.LIFETIME);
        assertThat(browser.form("/oauth2/sign-in/totp", Map.of("interaction", interaction, "username", "alice",
                "code", alice.nextCode(server))).status()).isEqualTo(410);
        assertThat(browser.cookie("gh_sso")).isNull();
    }

    @Test
    void a_client_registered_for_phishing_resistance_offers_no_code_and_refuses_one() {
        SignInAgent strict = SignInAgent.register(server, Map.of("phishingResistant", true));
        TotpUsers.Enrolled alice = TotpUsers.enroll(server, "alice");

        HttpResult page = strict.authorize();
        assertThat(page.text()).contains("data-action=\"sign-in-passkey\"", "data-action=\"sign-in-phone\"",
                "data-step-up").doesNotContain("data-action=\"sign-in-totp\"");
        HttpResult refused = strict.form("/oauth2/sign-in/totp", Map.of("interaction", SignInAgent.interaction(page),
                "username", "alice", "code", alice.nextCode(server)));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(actions("oidc.sign_in")).containsExactly("rejected");
    }

    @Test
    void a_role_policy_narrows_the_methods_once_the_username_is_known() {
        server.put("/api/v1/policies/admins", Map.of("signInMethods", List.of("passkey", "phone")));
        TotpUsers.Enrolled alice = TotpUsers.enroll(server, "alice");
        String interaction = SignInAgent.interaction(browser.authorize());

        HttpResult narrowed = browser.form("/oauth2/sign-in/continue", Map.of("interaction", interaction,
                "username", "alice"));
        assertThat(narrowed.text()).contains("value=\"alice\"", "data-action=\"sign-in-passkey\"")
                .doesNotContain("data-action=\"sign-in-totp\"");
        HttpResult unknown = browser.form("/oauth2/sign-in/continue", Map.of("interaction", interaction,
                "username", "nobody"));
        assertThat(unknown.text()).contains("data-action=\"sign-in-totp\"");

        HttpResult refused = browser.form("/oauth2/sign-in/totp", Map.of("interaction", interaction, "username",
                "alice", "code", alice.nextCode(server)));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(browser.cookie("gh_sso")).isNull();
    }

    @Test
    void logout_with_an_id_token_hint_ends_the_session_and_returns_to_a_registered_uri() throws Exception {
        TotpUsers.Enrolled alice = TotpUsers.enroll(server, "alice");
        browser.exchange(browser.codeFrom(browser.signInWithCode("alice", alice.nextCode(server), Map.of())));

        HttpResult unregistered = browser.get(SignInController.LOGOUT + "?id_token_hint=" + browser.lastIdToken()
                + "&post_logout_redirect_uri=https://evil.example/");
        assertThat(unregistered.status()).isEqualTo(400);
        assertThat(browser.authorize().status()).as("a refused logout ends nothing").isEqualTo(303);

        HttpResult out = browser.get(SignInController.LOGOUT + "?id_token_hint=" + browser.lastIdToken()
                + "&post_logout_redirect_uri=" + SignInAgent.REDIRECT + "/signed-out&state=bye");
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.header("Location")).isEqualTo(SignInAgent.REDIRECT + "/signed-out?state=bye");
        assertThat(browser.cookie("gh_sso")).isNull();
        assertThat(browser.authorize().status()).isEqualTo(200);
        assertThat(actions("oidc.session.end")).containsExactly("success");
    }

    @Test
    void logout_without_a_hint_asks_first() {
        HttpResult asked = browser.get(SignInController.LOGOUT);
        assertThat(asked.status()).isEqualTo(200);
        assertThat(asked.text()).contains("data-action=\"sign-out\"", "method=\"post\"");
    }

    @Test
    void a_suspended_person_loses_the_provider_session() throws Exception {
        TotpUsers.Enrolled alice = TotpUsers.enroll(server, "alice");
        browser.codeFrom(browser.signInWithCode("alice", alice.nextCode(server), Map.of()));
        String userId = server.get("/api/v1/users?q=alice").json().get("users").get(0).get("id").asText();

        assertThat(server.post("/api/v1/users/" + userId + "/suspend", Map.of()).status()).isEqualTo(200);

        assertThat(browser.authorize().status()).isEqualTo(200);
    }

    static HttpResult signInWithPasskey(SignInAgent browser, TestPhone phone, String username,
            Map<String, String> overrides) {
        String interaction = SignInAgent.interaction(browser.authorize(overrides));
        HttpResult options = browser.json("/oauth2/sign-in/passkey/options", Map.of("interaction", interaction));
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        return browser.json("/oauth2/sign-in/passkey", Map.of("interaction", interaction, "username", username,
                "ceremonyId", options.json().get("ceremonyId").asText(), "credential",
                phone.assertion(options.json().get("publicKey"))));
    }

    private static String alert(HttpResult page) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("role=\"alert\">([^<]*)<")
                .matcher(page.text());
        assertThat(matcher.find()).as(page.text()).isTrue();
        return matcher.group(1);
    }

    private List<String> actions(String action) {
        List<String> results = new ArrayList<>();
        server.get("/api/v1/audit?action=" + action).json().get("records").forEach(record ->
                results.add(record.get("result").asText()));
        return results;
    }
}
