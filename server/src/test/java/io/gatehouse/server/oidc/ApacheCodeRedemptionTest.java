package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Core;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.oidc.rp.ApacheRelyingParty;
import io.gatehouse.server.testing.TestServer;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol half of Apache's sign-in without a browser or the sign-in page: the code Gatehouse issues for
 * Apache's authorization request (its PKCE challenge and nonce) is redeemed by mod_auth_openidc with its client
 * secret, and the ID token's claims reach the protected page. A failure here is the token endpoint's or the ID
 * token's, not the page's.
 */
class ApacheCodeRedemptionTest {
    @TempDir
    Path dir;

    @Test
    void apache_redeems_the_code_and_the_protected_page_shows_the_id_tokens_claims() throws Exception {
        try (TestServer server = TestServer.startOnLocalhost(dir, true);
                ApacheRelyingParty apache = ApacheRelyingParty.start(server)) {
            String userId = server.post("/api/v1/users", Map.of("username", "alice")).json().get("id").asText();
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            HttpResponse<String> sent = get(browser, apache.protectedUrl());
            assertThat(sent.statusCode()).as(apache.log()).isEqualTo(302);
            Map<String, String> request = ApacheRelyingParty.query(URI.create(sent.headers().firstValue("Location")
                    .orElseThrow()));

            String code = tokens(server).issueCode(new CodeGrant(apache.clientId(), apache.redirectUri(),
                    Optional.of(request.get("code_challenge")), Optional.of(request.get("nonce")), "openid",
                    new SignIn(userId, server.clock().instant().truncatedTo(ChronoUnit.SECONDS),
                            StepUp.PHISHING_RESISTANT.getValue(), List.of("hwk", "user"))), ClientInfo.local("test"));
            HttpResponse<String> back = get(browser, apache.redirectUri() + "?code=" + encode(code) + "&state="
                    + encode(request.get("state")) + "&iss=" + encode(server.gatehouse().baseUrl().toString()
                    .replaceAll("/$", "")));
            assertThat(back.statusCode()).as(back.body() + apache.log()).isEqualTo(302);
            assertThat(back.headers().firstValue("Location")).contains(apache.protectedUrl());

            HttpResponse<String> page = get(browser, apache.protectedUrl());
            assertThat(page.statusCode()).as(page.body() + apache.log()).isEqualTo(200);
            assertThat(ApacheRelyingParty.claims(page.body())).containsEntry("sub", userId)
                    .containsEntry("acr", StepUp.PHISHING_RESISTANT.getValue()).containsEntry("amr", "hwk,user")
                    .containsEntry("aud", apache.clientId()).containsEntry("nonce", request.get("nonce"));
        }
    }

    /** The provider's codes, over the server's database and keys, as the authorization endpoint issues them. */
    private static Tokens tokens(TestServer server) {
        Core core = server.gatehouse().services().core();
        return new OidcProvider(core.database(), core.audit(), new OidcClients(core.database(), core.audit(),
                core.clock(), core.random()), new SigningKeys(core.database(), core.secrets(), core.audit(),
                core.clock(), core.random()), () -> server.gatehouse().baseUrl(), core.clock(), new SecureRandom())
                .tokens();
    }

    private static HttpResponse<String> get(HttpClient browser, String url) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
