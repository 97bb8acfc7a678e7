package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import io.gatehouse.server.Core;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token endpoint, driven by the SDK on the client side: codes with PKCE, client_secret_basic and private_key_jwt,
 * single use, expiry, refresh rotation, and ID tokens verified against the JWKS. Codes are issued as the
 * authorization endpoint does after a sign-in.
 */
@DatabaseTest
class TokenEndpointTest {
    static final String REDIRECT = "https://vault.example.com/cb";
    @TempDir
    Path data;
    TestServer server;
    Tokens tokens;
    String userId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        tokens = server.gatehouse().oidc().tokens();
        userId = server.post("/api/v1/users", Map.of("username", "alice")).json().get("id").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_confidential_client_gets_an_id_token_that_verifies_against_the_jwks() throws Exception {
        JsonNode client = register(false, Map.of());
        CodeVerifier verifier = new CodeVerifier();
        String code = code(client, Optional.of(verifier), "n-0S6_WzA2Mj");

        HttpResult answer = token(basic(client), new AuthorizationCodeGrant(new AuthorizationCode(code),
                URI.create(REDIRECT), verifier));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.json().has("refresh_token")).isFalse();

        IDTokenClaimsSet claims = validator(client).validate(JWTParser.parse(answer.json().get("id_token").asText()),
                new Nonce("n-0S6_WzA2Mj"));
        assertThat(claims.getSubject().getValue()).isEqualTo(userId);
        assertThat(claims.getACR().getValue()).isEqualTo(StepUp.PHISHING_RESISTANT.getValue());
        assertThat(claims.getAMR()).extracting(Object::toString).containsExactly("hwk", "user");
        assertThat(claims.getAuthenticationTime()).isNotNull();

        HttpResult userinfo = server.get(Endpoints.USERINFO, answer.json().get("access_token").asText());
        assertThat(userinfo.status()).isEqualTo(200);
        assertThat(userinfo.json().get("sub").asText()).isEqualTo(userId);
        assertThat(server.get("/api/v1/audit?action=oidc.token.code").json().get("records")).hasSize(1);
    }

    @Test
    void a_code_used_twice_is_refused_and_revokes_the_tokens_it_produced() {
        JsonNode client = register(false, Map.of());
        CodeVerifier verifier = new CodeVerifier();
        String code = code(client, Optional.of(verifier), null);
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(REDIRECT),
                verifier);
        String access = token(basic(client), grant).json().get("access_token").asText();
        assertThat(server.get(Endpoints.USERINFO, access).status()).isEqualTo(200);

        HttpResult again = token(basic(client), grant);
        assertError(again, 400, "invalid_grant");
        assertThat(again.json().get("error_description").asText()).contains("used before");
        HttpResult revoked = server.get(Endpoints.USERINFO, access);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.header("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void a_code_older_than_60_seconds_is_refused() {
        JsonNode client = register(false, Map.of());
        String code = code(client, Optional.empty(), null);
        server.clock().advance(Duration.ofSeconds(61));
        assertError(token(basic(client), new AuthorizationCodeGrant(new AuthorizationCode(code),
                URI.create(REDIRECT))), 400, "invalid_grant");
    }

    @Test
    void another_redirect_uri_or_another_client_is_refused() {
        JsonNode client = register(false, Map.of());
        JsonNode other = register(false, Map.of());
        String code = code(client, Optional.empty(), null);
        assertError(token(basic(client), new AuthorizationCodeGrant(new AuthorizationCode(code),
                URI.create(REDIRECT + "/other"))), 400, "invalid_grant");
        assertError(token(basic(other), new AuthorizationCodeGrant(new AuthorizationCode(code),
                URI.create(REDIRECT))), 400, "invalid_grant");
        assertError(token(basic(client), new AuthorizationCodeGrant(new AuthorizationCode("no-such-code"),
                URI.create(REDIRECT))), 400, "invalid_grant");
    }

    @Test
    void a_public_client_must_answer_its_pkce_challenge() {
        JsonNode client = register(true, Map.of());
        ClientID id = new ClientID(client.get("clientId").asText());
        CodeVerifier verifier = new CodeVerifier();
        String missing = code(client, Optional.of(verifier), null);
        assertError(token(id, new AuthorizationCodeGrant(new AuthorizationCode(missing), URI.create(REDIRECT))),
                400, "invalid_grant");
        String wrong = code(client, Optional.of(verifier), null);
        assertError(token(id, new AuthorizationCodeGrant(new AuthorizationCode(wrong), URI.create(REDIRECT),
                new CodeVerifier())), 400, "invalid_grant");
        String right = code(client, Optional.of(verifier), null);
        HttpResult ok = token(id, new AuthorizationCodeGrant(new AuthorizationCode(right), URI.create(REDIRECT),
                verifier));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }

    @Test
    void a_wrong_secret_an_unknown_client_or_a_confidential_client_without_authentication_is_invalid_client() {
        JsonNode client = register(false, Map.of());
        String code = code(client, Optional.empty(), null);
        AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create(REDIRECT));
        HttpResult wrong = token(new ClientSecretBasic(new ClientID(client.get("clientId").asText()),
                new Secret("ghcs_wrong")), grant);
        assertError(wrong, 401, "invalid_client");
        assertThat(wrong.header("WWW-Authenticate")).startsWith("Basic");
        assertError(token(new ClientSecretBasic(new ClientID("oc_unknown"), new Secret("x")), grant), 401,
                "invalid_client");
        assertError(token(new ClientID(client.get("clientId").asText()), grant), 401, "invalid_client");
        assertThat(server.get("/api/v1/audit?action=oidc.token.code").json().get("records")).isEmpty();
        // The code was not spent by the refusals.
        assertThat(token(basic(client), grant).status()).isEqualTo(200);
    }

    @Test
    void private_key_jwt_verifies_the_registered_key_and_refuses_a_replayed_assertion() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("rp-1").generate();
        JsonNode client = register(false, Map.of("jwks", Map.of("keys", List.of(key.toPublicJWK().toJSONObject()))));
        ClientID id = new ClientID(client.get("clientId").asText());
        URI endpoint = server.uri(Endpoints.TOKEN);
        PrivateKeyJWT assertion = new PrivateKeyJWT(id, endpoint, JWSAlgorithm.ES256, key.toECPrivateKey(), "rp-1",
                null);
        String code = code(client, Optional.empty(), null);
        HttpResult ok = token(assertion, new AuthorizationCodeGrant(new AuthorizationCode(code),
                URI.create(REDIRECT)));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);

        String second = code(client, Optional.empty(), null);
        assertError(token(assertion, new AuthorizationCodeGrant(new AuthorizationCode(second),
                URI.create(REDIRECT))), 401, "invalid_client");
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("rp-1").generate();
        assertError(token(new PrivateKeyJWT(id, endpoint, JWSAlgorithm.ES256, stranger.toECPrivateKey(), "rp-1",
                null), new AuthorizationCodeGrant(new AuthorizationCode(second), URI.create(REDIRECT))), 401,
                "invalid_client");
        assertError(token(new PrivateKeyJWT(id, URI.create("https://elsewhere.example.com/token"),
                JWSAlgorithm.ES256, key.toECPrivateKey(), "rp-1", null), new AuthorizationCodeGrant(
                new AuthorizationCode(second), URI.create(REDIRECT))), 401, "invalid_client");
    }

    @Test
    void refresh_tokens_only_for_clients_registered_for_them_rotate_and_a_reused_one_revokes_the_family() {
        JsonNode client = register(false, Map.of("refreshTokens", true));
        String code = code(client, Optional.empty(), null);
        JsonNode first = token(basic(client), new AuthorizationCodeGrant(new AuthorizationCode(code),
                URI.create(REDIRECT))).json();
        String refresh1 = first.get("refresh_token").asText();

        HttpResult rotated = token(basic(client), new RefreshTokenGrant(new RefreshToken(refresh1)));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String refresh2 = rotated.json().get("refresh_token").asText();
        assertThat(refresh2).isNotEqualTo(refresh1);
        String access2 = rotated.json().get("access_token").asText();

        assertError(token(basic(client), new RefreshTokenGrant(new RefreshToken(refresh1))), 400, "invalid_grant");
        assertError(token(basic(client), new RefreshTokenGrant(new RefreshToken(refresh2))), 400, "invalid_grant");
        assertThat(server.get(Endpoints.USERINFO, access2).status()).isEqualTo(401);
        assertThat(server.get(Endpoints.USERINFO, first.get("access_token").asText()).status()).isEqualTo(401);
    }

    @Test
    void a_client_not_registered_for_refresh_tokens_is_an_unauthorized_client_for_that_grant() {
        JsonNode client = register(false, Map.of());
        assertError(token(basic(client), new RefreshTokenGrant(new RefreshToken("ghrt_" + "A".repeat(52)))), 400,
                "unauthorized_client");
    }

    @Test
    void an_unsupported_grant_type_is_named() {
        JsonNode client = register(false, Map.of());
        assertError(token(basic(client), new ClientCredentialsGrant()), 400, "unsupported_grant_type");
    }

    @Test
    void a_client_whose_stored_row_is_unreadable_is_an_incident_not_an_oauth_error() {
        JsonNode client = register(false, Map.of());
        String code = code(client, Optional.empty(), null);
        server.gatehouse().services().core().database().inTransaction(tx -> tx.update(
                "UPDATE oidc_clients SET sign_in_methods = 'telepathy' WHERE id = ?",
                client.get("clientId").asText()));

        HttpResult answer = token(basic(client), new AuthorizationCodeGrant(new AuthorizationCode(code),
                URI.create(REDIRECT)));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(500);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("code").asText()).isEqualTo("internal_error");
        assertThat(answer.json().get("incident").asText()).isNotBlank();
        assertThat(answer.json().has("error")).isFalse();
        assertThat(answer.text()).doesNotContain("telepathy").doesNotContain("unreadable");
    }

    @Test
    void the_userinfo_answer_and_its_refusal_have_fixed_members_in_rfc_order() {
        JsonNode client = register(false, Map.of());
        CodeVerifier verifier = new CodeVerifier();
        String access = token(basic(client), new AuthorizationCodeGrant(new AuthorizationCode(code(client,
                Optional.of(verifier), null)), URI.create(REDIRECT), verifier)).json().get("access_token").asText();

        HttpResult userinfo = server.get(Endpoints.USERINFO, access);
        assertThat(userinfo.contentType()).isEqualTo("application/json;charset=utf-8");
        assertThat(userinfo.text()).isEqualTo("{\"sub\":\"" + userId + "\"}");
        HttpResult refused = server.get(Endpoints.USERINFO, "not-a-token");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.contentType()).isEqualTo("application/json;charset=utf-8");
        assertThat(refused.text()).isEqualTo("{\"error\":\"invalid_token\",\"error_description\":\"the access"
                + " token is unknown, expired or revoked\"}");
    }

    private JsonNode register(boolean publicClient, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "Vault", "redirectUris", List.of(REDIRECT),
                "public", publicClient));
        body.putAll(extra);
        HttpResult created = server.post(OidcClientApiTest.CLIENTS, body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    /** What the authorization endpoint does once the person signed in with a user-verified passkey. */
    private String code(JsonNode client, Optional<CodeVerifier> verifier, String nonce) {
        SignIn signIn = new SignIn(userId, server.clock().instant().truncatedTo(ChronoUnit.SECONDS),
                StepUp.PHISHING_RESISTANT.getValue(), List.of("hwk", "user"));
        return tokens.issueCode(new CodeGrant(client.get("clientId").asText(), REDIRECT, verifier.map(v ->
                CodeChallenge.compute(CodeChallengeMethod.S256, v).getValue()), Optional.ofNullable(nonce),
                "openid", signIn), ClientInfo.local("test"));
    }

    private static ClientSecretBasic basic(JsonNode client) {
        return new ClientSecretBasic(new ClientID(client.get("clientId").asText()),
                new Secret(client.get("clientSecret").asText()));
    }

    private HttpResult token(ClientAuthentication authentication, AuthorizationGrant grant) {
        return send(new TokenRequest(server.uri(Endpoints.TOKEN), authentication, grant).toHTTPRequest());
    }

    private HttpResult token(ClientID publicClient, AuthorizationGrant grant) {
        return send(new TokenRequest(server.uri(Endpoints.TOKEN), publicClient, grant).toHTTPRequest());
    }

    private HttpResult send(HTTPRequest request) {
        HttpRequest.Builder http = HttpRequest.newBuilder(request.getURI())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(request.getBody()));
        Optional.ofNullable(request.getAuthorization()).ifPresent(value -> http.header("Authorization", value));
        return server.send(http, null);
    }

    private IDTokenValidator validator(JsonNode client) throws Exception {
        String issuer = server.gatehouse().baseUrl().toString().replaceAll("/$", "");
        return new IDTokenValidator(new Issuer(issuer), new ClientID(client.get("clientId").asText()),
                JWSAlgorithm.ES256, server.uri(Endpoints.JWKS).toURL());
    }

    private static void assertError(HttpResult answer, int status, String error) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.json().get("error").asText()).as(answer.toString()).isEqualTo(error);
    }
}
