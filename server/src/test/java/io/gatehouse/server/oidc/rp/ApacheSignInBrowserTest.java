package io.gatehouse.server.oidc.rp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gatehouse as the OpenID provider of a real relying party, Apache httpd with mod_auth_openidc: the module sends an
 * unauthenticated visitor to Gatehouse with PKCE, state and nonce. One Gatehouse and one Apache serve all tests.
 */
class ApacheSignInBrowserTest {
    @TempDir
    static Path dir;
    static TestServer gatehouse;
    static ApacheRelyingParty apache;
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
    void an_unauthenticated_visitor_is_sent_to_gatehouse_with_pkce_state_and_nonce() throws Exception {
        HttpResponse<String> answer = get(apache.protectedUrl());
        assertThat(answer.statusCode()).as(answer.body() + apache.log()).isEqualTo(302);
        URI location = URI.create(answer.headers().firstValue("Location").orElseThrow());
        assertThat(location.getScheme() + "://" + location.getRawAuthority() + location.getRawPath())
                .isEqualTo(gatehouse.gatehouse().baseUrl().toString().replaceAll("/$", "") + "/oauth2/authorize");
        Map<String, String> query = ApacheRelyingParty.query(location);
        assertThat(query).containsEntry("response_type", "code").containsEntry("client_id", apache.clientId())
                .containsEntry("redirect_uri", apache.redirectUri()).containsEntry("scope", "openid")
                .containsEntry("code_challenge_method", "S256");
        assertThat(query.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(query.get("state")).isNotBlank();
        assertThat(query.get("nonce")).isNotBlank();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        // mod_auth_openidc redirects only a visitor that accepts HTML; anything else gets a plain 401.
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html")
                .timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
