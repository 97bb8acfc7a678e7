package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of the authorization endpoint: unknown clients and unregistered redirect URIs get an error page (never
 * a redirect); every other refusal goes back to the registered URI with the error RFC 6749 / OIDC name, the
 * {@code state} and {@code iss}.
 */
@DatabaseTest
class AuthorizationEndpointTest {
    static final String REDIRECT = "https://app.example.com/cb";
    static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    @TempDir
    Path data;
    TestServer server;
    String publicClient;
    String confidentialClient;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        publicClient = register(true);
        confidentialClient = register(false);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void an_unknown_client_gets_an_error_page_and_no_redirect() {
        HttpResult page = authorize(params(Map.of("client_id", "oc_nobody")));
        assertThat(page.status()).isEqualTo(400);
        assertThat(page.header("Location")).isNull();
        assertThat(page.text()).contains("not registered");
        assertThat(authorize(Map.of("response_type", "code", "redirect_uri", REDIRECT)).status()).isEqualTo(400);
    }

    @Test
    void an_unregistered_or_missing_redirect_uri_gets_an_error_page_and_no_redirect() {
        for (String uri : List.of("https://evil.example.com/cb", REDIRECT + "/", REDIRECT + "?x=1",
                "https://APP.example.com/cb")) {
            HttpResult page = authorize(params(Map.of("redirect_uri", uri)));
            assertThat(page.status()).as(uri).isEqualTo(400);
            assertThat(page.header("Location")).as(uri).isNull();
        }
        Map<String, String> none = params(Map.of());
        none.remove("redirect_uri");
        assertThat(authorize(none).header("Location")).isNull();
    }

    @Test
    void a_missing_openid_scope_is_invalid_scope_with_the_state_and_issuer() throws Exception {
        AuthorizationErrorResponse error = redirectedError(params(Map.of("scope", "profile")));
        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_scope");
        assertThat(error.getState().getValue()).isEqualTo("xyz-state");
        assertThat(error.getIssuer().getValue()).isEqualTo(server.gatehouse().baseUrl().toString()
                .replaceAll("/$", ""));
    }

    @Test
    void another_response_type_is_unsupported_response_type() throws Exception {
        assertThat(redirectedError(params(Map.of("response_type", "token"))).getErrorObject().getCode())
                .isIn("unsupported_response_type", "invalid_request");
        assertThat(redirectedError(params(Map.of("response_type", "code id_token"))).getErrorObject().getCode())
                .isEqualTo("unsupported_response_type");
    }

    @Test
    void a_public_client_without_pkce_or_with_plain_pkce_is_invalid_request() throws Exception {
        Map<String, String> without = params(Map.of());
        without.remove("code_challenge");
        without.remove("code_challenge_method");
        assertThat(redirectedError(without).getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(redirectedError(params(Map.of("code_challenge_method", "plain"))).getErrorObject().getCode())
                .isEqualTo("invalid_request");
    }

    @Test
    void a_confidential_client_may_leave_out_pkce() throws Exception {
        Map<String, String> without = params(Map.of("client_id", confidentialClient, "prompt", "none"));
        without.remove("code_challenge");
        without.remove("code_challenge_method");
        assertThat(redirectedError(without).getErrorObject().getCode()).isEqualTo("login_required");
    }

    @Test
    void prompt_none_without_a_provider_session_is_login_required() throws Exception {
        AuthorizationErrorResponse error = redirectedError(params(Map.of("prompt", "none")));
        assertThat(error.getErrorObject().getCode()).isEqualTo("login_required");
        assertThat(error.getState().getValue()).isEqualTo("xyz-state");
    }

    @Test
    void an_oversized_state_gets_an_error_page_and_an_oversized_nonce_is_invalid_request() throws Exception {
        HttpResult state = authorize(params(Map.of("state", "s".repeat(AuthorizationRequests.MAX_STATE + 1))));
        assertThat(state.status()).isEqualTo(400);
        assertThat(state.header("Location")).isNull();
        AuthorizationErrorResponse nonce = redirectedError(params(Map.of("nonce", "n".repeat(
                AuthorizationRequests.MAX_NONCE + 1))));
        assertThat(nonce.getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(nonce.getState().getValue()).isEqualTo("xyz-state");
    }

    @Test
    void request_objects_are_not_supported() throws Exception {
        assertThat(redirectedError(params(Map.of("request_uri", "https://app.example.com/req/1")))
                .getErrorObject().getCode()).isEqualTo("request_not_supported");
    }

    private String register(boolean publicClient) {
        JsonNode created = server.post(OidcClientApiTest.CLIENTS, Map.of("name", "App", "redirectUris",
                List.of(REDIRECT), "public", publicClient)).json();
        return created.get("clientId").asText();
    }

    private Map<String, String> params(Map<String, String> overrides) {
        Map<String, String> params = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", publicClient,
                "redirect_uri", REDIRECT, "scope", "openid", "state", "xyz-state", "nonce", "n-1",
                "code_challenge", CHALLENGE, "code_challenge_method", "S256"));
        params.putAll(overrides);
        return params;
    }

    private HttpResult authorize(Map<String, String> params) {
        String query = params.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return server.get(Endpoints.AUTHORIZE + "?" + query, null);
    }

    private AuthorizationErrorResponse redirectedError(Map<String, String> params) throws Exception {
        HttpResult answer = authorize(params);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(303);
        String location = answer.header("Location");
        assertThat(location).startsWith(REDIRECT + "?");
        AuthorizationResponse response = AuthorizationResponse.parse(URI.create(location));
        assertThat(response.indicatesSuccess()).isFalse();
        return response.toErrorResponse();
    }
}
