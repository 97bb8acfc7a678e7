package io.gatehouse.server.oidc.rp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.otp.TotpParameters;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.login.LoginRequests;
import io.gatehouse.server.oidc.CodeGrant;
import io.gatehouse.server.oidc.SignIn;
import io.gatehouse.server.oidc.StepUp;
import io.gatehouse.server.testing.Browser;
import io.gatehouse.server.testing.ExternalTool;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gatehouse as the OpenID provider of a real relying party, Apache httpd with mod_auth_openidc: the module sends an
 * unauthenticated visitor to Gatehouse with PKCE, state and nonce; a real Chromium signs in on Gatehouse's page
 * with a passkey, a TOTP code (made by oathtool) or a second device's approval, and lands on the protected page,
 * which shows the ID token's claims; a page that asks for the phishing-resistant level makes a person signed in
 * with a code step up. One Gatehouse and one Apache serve all tests; each test has fresh browsers, so that no
 * provider session carries over.
 */
class ApacheSignInBrowserTest {
    @TempDir
    static Path dir;
    static TestServer gatehouse;
    static ApacheRelyingParty apache;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SIGN_IN_PAGE = "main[data-page=\"oidc-sign-in\"]";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        gatehouse = TestServer.startOnLocalhost(dir, true);
        apache = ApacheRelyingParty.start(gatehouse);
    }

    @AfterAll
    static void stop() {
        try {
            if (apache != null) {
                apache.close();
            }
        } finally {
            if (gatehouse != null) {
                gatehouse.close();
            }
        }
    }

    @Test
    void an_unauthenticated_visitor_is_sent_to_the_sign_in_page_with_pkce_state_and_nonce() throws Exception {
        HttpResponse<String> answer = get(HTTP, apache.protectedUrl());
        assertThat(answer.statusCode()).as(answer.body() + apache.log()).isEqualTo(302);
        URI location = URI.create(answer.headers().firstValue("Location").orElseThrow());
        assertThat(location.getScheme() + "://" + location.getRawAuthority() + location.getRawPath())
                .isEqualTo(issuer() + "/oauth2/authorize");
        Map<String, String> query = ApacheRelyingParty.query(location);
        assertThat(query).containsEntry("response_type", "code").containsEntry("client_id", apache.clientId())
                .containsEntry("redirect_uri", apache.redirectUri()).containsEntry("scope", "openid")
                .containsEntry("code_challenge_method", "S256");
        assertThat(query.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(query.get("state")).isNotBlank();
        assertThat(query.get("nonce")).isNotBlank();

        HttpResponse<String> page = get(HTTP, location.toString());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("<main data-page=\"oidc-sign-in\">");
        assertThat(page.headers().allValues("Set-Cookie")).anyMatch(cookie -> cookie.startsWith("gh_signin="));
    }

    /**
     * The protocol half without the page: the code Gatehouse issues for Apache's request (its PKCE challenge and
     * nonce) is redeemed by mod_auth_openidc with its client secret. A failure here is the token endpoint's or the
     * ID token's, not the page's.
     */
    @Test
    void apache_redeems_a_code_and_the_protected_page_shows_the_id_tokens_claims() throws Exception {
        String userId = createUser("alice");
        HttpClient visitor = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> sent = get(visitor, apache.protectedUrl());
        assertThat(sent.statusCode()).as(apache.log()).isEqualTo(302);
        Map<String, String> request = ApacheRelyingParty.query(URI.create(sent.headers().firstValue("Location")
                .orElseThrow()));

        String code = gatehouse.gatehouse().oidc().tokens().issueCode(new CodeGrant(apache.clientId(),
                apache.redirectUri(), Optional.of(request.get("code_challenge")), Optional.of(request.get("nonce")),
                "openid", new SignIn(userId, gatehouse.clock().instant().truncatedTo(ChronoUnit.SECONDS),
                        StepUp.PHISHING_RESISTANT.getValue(), List.of("hwk", "user"))), ClientInfo.local("test"));
        HttpResponse<String> back = get(visitor, apache.redirectUri() + "?code=" + encode(code) + "&state="
                + encode(request.get("state")) + "&iss=" + encode(issuer()));
        assertThat(back.statusCode()).as(back.body() + apache.log()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location")).contains(apache.protectedUrl());

        HttpResponse<String> page = get(visitor, apache.protectedUrl());
        assertThat(page.statusCode()).as(page.body() + apache.log()).isEqualTo(200);
        assertThat(ApacheRelyingParty.claims(page.body())).containsEntry("sub", userId)
                .containsEntry("acr", StepUp.PHISHING_RESISTANT.getValue()).containsEntry("amr", "hwk,user")
                .containsEntry("aud", apache.clientId()).containsEntry("nonce", request.get("nonce"))
                .containsEntry("iss", issuer());
    }

    @Test
    void a_passkey_sign_in_lands_on_the_protected_page_with_a_phishing_resistant_acr() {
        String userId = createUser("ada");
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            enrollPasskey(browser, userId);

            browser.open(apache.protectedUrl());
            browser.waitForVisible(SIGN_IN_PAGE, WAIT);
            browser.type("input[name=\"username\"]", "ada");
            browser.click("[data-action=\"sign-in-passkey\"]");

            Map<String, String> claims = protectedPageClaims(browser);
            assertThat(claims).containsEntry("sub", userId).containsEntry("acr", "urn:gatehouse:acr:phr");
            assertThat(List.of(claims.get("amr").split(","))).contains("hwk");
        }
    }

    @Test
    void a_totp_sign_in_lands_on_the_protected_page_with_the_mfa_acr() {
        Path oathtool = ExternalTool.require("oathtool", "oathtool");
        TotpUsers.Enrolled grace = TotpUsers.enroll(gatehouse, "grace");
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            browser.open(apache.protectedUrl());
            browser.waitForVisible(SIGN_IN_PAGE, WAIT);
            browser.type("input[name=\"username\"]", grace.username());
            browser.type("input[name=\"code\"]", oathtool(oathtool, grace, grace.nextStep(gatehouse)));
            browser.click("[data-action=\"sign-in-totp\"]");

            Map<String, String> claims = protectedPageClaims(browser);
            assertThat(claims).containsEntry("sub", userId("grace")).containsEntry("acr", "urn:gatehouse:acr:mfa");
            assertThat(List.of(claims.get("amr").split(","))).contains("otp");
        }
    }

    @Test
    void an_approval_on_a_second_device_lands_the_first_browser_on_the_protected_page() {
        String userId = createUser("lin");
        try (Browser phone = Browser.start(Browser.Authenticator.USER_VERIFYING);
                Browser desktop = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            enrollPasskey(phone, userId);

            desktop.open(apache.protectedUrl());
            desktop.waitForVisible(SIGN_IN_PAGE, WAIT);
            desktop.click("[data-action=\"sign-in-phone\"]");
            String loginRequest = desktop.waitForNonEmptyAttribute("[data-login-request]", "data-login-request",
                    WAIT);
            String number = desktop.waitForVisible("[data-login-number]", WAIT).getText().strip();
            assertThat(loginRequest).startsWith(issuer() + LoginRequests.PHONE_PATH);

            phone.open(loginRequest);
            phone.waitForVisible("[data-choice]", WAIT);
            assertThat(phone.text("[data-fact=\"application\"]")).isEqualTo(ApacheRelyingParty.CLIENT_NAME);
            phone.click("[data-choice=\"" + number + "\"]");
            phone.waitForAttribute("[data-login-status]", "data-status", WAIT, "done");

            Map<String, String> claims = protectedPageClaims(desktop);
            assertThat(claims).containsEntry("sub", userId).containsEntry("acr", "urn:gatehouse:acr:phr");
            assertThat(List.of(claims.get("amr").split(","))).contains("hwk");
        }
    }

    @Test
    void a_person_signed_in_with_a_code_steps_up_with_a_passkey_for_the_page_that_asks_for_it() {
        TotpUsers.Enrolled mia = TotpUsers.enroll(gatehouse, "mia");
        String userId = userId("mia");
        try (Browser browser = Browser.start(Browser.Authenticator.USER_VERIFYING)) {
            enrollPasskey(browser, userId);
            browser.open(apache.protectedUrl());
            browser.waitForVisible(SIGN_IN_PAGE, WAIT);
            browser.type("input[name=\"username\"]", mia.username());
            browser.type("input[name=\"code\"]", mia.nextCode(gatehouse));
            browser.click("[data-action=\"sign-in-totp\"]");
            assertThat(claimsOn(browser, apache.protectedUrl())).containsEntry("acr", "urn:gatehouse:acr:mfa");

            browser.open(apache.strongUrl());
            browser.waitForVisible("[data-step-up]", WAIT);
            browser.click("[data-action=\"sign-in-passkey\"]");

            Map<String, String> claims = claimsOn(browser, apache.strongUrl());
            assertThat(claims).containsEntry("sub", userId).containsEntry("acr", "urn:gatehouse:acr:phr");
            assertThat(List.of(claims.get("amr").split(","))).contains("hwk");
        }
    }

    private static String createUser(String username) {
        return gatehouse.createdId("/api/v1/users", Map.of("username", username));
    }

    private static String userId(String username) {
        return gatehouse.get("/api/v1/users?q=" + username).json().get("users").get(0).get("id").asText();
    }

    /** Registers a passkey in {@code browser}'s authenticator through a device enrollment link, as a person does. */
    private static void enrollPasskey(Browser browser, String userId) {
        String enrollment = gatehouse.post("/api/v1/users/" + userId + "/device-enrollments", Map.of()).json()
                .get("enrollmentUrl").asText();
        browser.open(enrollment);
        browser.click("[data-action=\"register-passkey\"]");
        browser.waitForUrl(url -> url.contains("/wallet"), WAIT);
    }

    /** Waits until mod_auth_openidc has redeemed the code and shows the protected page; returns its claims. */
    private static Map<String, String> protectedPageClaims(Browser browser) {
        return claimsOn(browser, apache.protectedUrl());
    }

    /** Waits until the browser shows the protected page {@code url}; returns the claims it shows. */
    private static Map<String, String> claimsOn(Browser browser, String url) {
        try {
            browser.waitForUrl(url::equals, WAIT);
            browser.waitForText("OIDC_CLAIM_sub=", WAIT);
        } catch (RuntimeException e) {
            throw new AssertionError("not on the protected page: " + browser.currentUrl() + "\n"
                    + browser.pageSource() + apache.log(), e);
        }
        return ApacheRelyingParty.claims(browser.text("body"));
    }

    /** The code oathtool, a generator Gatehouse did not write, computes for {@code user} at {@code epochSecond}. */
    private static String oathtool(Path oathtool, TotpUsers.Enrolled user, long epochSecond) {
        TotpParameters parameters = user.totp().parameters();
        ExternalTool.Result result = ExternalTool.run(Duration.ofSeconds(10), oathtool.toString(),
                "--totp=" + parameters.algorithm().name().toLowerCase(Locale.ROOT), "--digits="
                + parameters.digits(), "--time-step-size=" + parameters.periodSeconds() + "s", "--now=@"
                + epochSecond, HexFormat.of().formatHex(user.secret()));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().strip();
    }

    private static String issuer() {
        return gatehouse.gatehouse().baseUrl().toString().replaceAll("/$", "");
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        // mod_auth_openidc redirects only a visitor that accepts HTML; anything else gets a plain 401.
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html")
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
