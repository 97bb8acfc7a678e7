package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without a browser, for protocol tests of the sign-in page: it keeps the cookies the provider sets,
 * follows no redirects, reads the page's sealed interaction like a form would, and exchanges codes as a
 * confidential client (client_secret_basic) registered for {@link #REDIRECT}.
 */
final class SignInAgent {
    static final String REDIRECT = "http://localhost:9/callback";
    private static final Pattern INTERACTION = Pattern.compile("name=\"interaction\" value=\"([^\"]+)\"");

    private final TestServer server;
    private final String clientId;
    private final String clientSecret;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    SignInAgent(TestServer server, String clientId, String clientSecret) {
        this.server = server;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    /** Registers a confidential client for {@link #REDIRECT}, with the registration's {@code extra} fields. */
    static SignInAgent register(TestServer server, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("name", "Vault", "redirectUris", java.util.List.of(
                REDIRECT), "public", false, "postLogoutRedirectUris", java.util.List.of(REDIRECT + "/signed-out")));
        body.putAll(extra);
        HttpResult created = server.post("/api/v1/oidc/clients", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new SignInAgent(server, created.json().get("clientId").asText(),
                created.json().get("clientSecret").asText());
    }

    /** Another browser for the same client: no cookies. */
    SignInAgent otherBrowser() {
        return new SignInAgent(server, clientId, clientSecret);
    }

    String clientId() {
        return clientId;
    }

    /** {@code GET /oauth2/authorize} with the usual parameters and {@code overrides}. */
    HttpResult authorize(Map<String, String> overrides) {
        Map<String, String> params = new LinkedHashMap<>(Map.of("response_type", "code", "client_id", clientId,
                "redirect_uri", REDIRECT, "scope", "openid", "state", "st-1", "nonce", "n-1"));
        params.putAll(overrides);
        params.values().removeIf(value -> value == null);
        String query = params.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(server.uri(Endpoints.AUTHORIZE + "?" + query)).GET());
    }

    HttpResult authorize() {
        return authorize(Map.of());
    }

    /** The sign-in page's sealed interaction. */
    static String interaction(HttpResult page) {
        assertThat(page.status()).as(page.toString()).isIn(200, 401, 403, 429);
        Matcher matcher = INTERACTION.matcher(page.text());
        assertThat(matcher.find()).as("the page holds an interaction: " + page.text()).isTrue();
        return matcher.group(1);
    }

    HttpResult form(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResult json(String path, Object body) {
        return send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    HttpResult get(String path) {
        return send(HttpRequest.newBuilder(server.uri(path)).GET());
    }

    /** Signs in with a code on a fresh page; the redirect back to the client. */
    HttpResult signInWithCode(String username, String code, Map<String, String> overrides) {
        String interaction = interaction(authorize(overrides));
        return form("/oauth2/sign-in/totp", Map.of("interaction", interaction, "username", username, "code", code));
    }

    /** The code of a successful redirect back to the client, checking its state and issuer. */
    String codeFrom(HttpResult redirect) throws Exception {
        String location = redirect.status() == 303 ? redirect.header("Location")
                : redirect.json().get("redirect").asText();
        assertThat(location).as(redirect.toString()).startsWith(REDIRECT + "?");
        AuthorizationResponse response = AuthorizationResponse.parse(URI.create(location));
        assertThat(response.indicatesSuccess()).as(location).isTrue();
        assertThat(response.getState().getValue()).isEqualTo("st-1");
        assertThat(response.toSuccessResponse().getIssuer().getValue()).isEqualTo(issuer());
        return response.toSuccessResponse().getAuthorizationCode().getValue();
    }

    /** Exchanges a code and validates the ID token (signature, issuer, audience, nonce). */
    IDTokenClaimsSet exchange(String code) throws Exception {
        HTTPRequest request = new TokenRequest(server.uri(Endpoints.TOKEN), new ClientSecretBasic(new ClientID(
                clientId), new Secret(clientSecret)), new AuthorizationCodeGrant(new AuthorizationCode(code),
                URI.create(REDIRECT))).toHTTPRequest();
        HttpResult answer = server.send(HttpRequest.newBuilder(request.getURI()).header("Content-Type",
                "application/x-www-form-urlencoded").header("Authorization", request.getAuthorization())
                .POST(HttpRequest.BodyPublishers.ofString(request.getBody())), null);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        lastIdToken = answer.json().get("id_token").asText();
        IDTokenValidator validator = new IDTokenValidator(new Issuer(issuer()), new ClientID(clientId),
                JWSAlgorithm.ES256, server.uri(Endpoints.JWKS).toURL());
        // The server's clock is the test's, moved ahead of the wall clock the validator reads.
        validator.setMaxClockSkew((int) Duration.ofDays(2).toSeconds());
        return validator.validate(JWTParser.parse(lastIdToken), new Nonce("n-1"));
    }

    private String lastIdToken;

    String lastIdToken() {
        return lastIdToken;
    }

    String cookie(String name) {
        return cookies.get(name);
    }

    private String issuer() {
        return server.gatehouse().baseUrl().toString().replaceAll("/$", "");
    }

    private HttpResult send(HttpRequest.Builder request) {
        if (!cookies.isEmpty()) {
            request.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        HttpResult result = server.send(request, null);
        for (String header : result.raw().headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int equals = pair.indexOf('=');
            String name = pair.substring(0, equals);
            String value = pair.substring(equals + 1);
            if (value.isEmpty() || header.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        return result;
    }
}
