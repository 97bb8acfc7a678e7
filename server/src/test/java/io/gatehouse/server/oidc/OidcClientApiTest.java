package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/oidc/clients}: registration by administrators with exact redirect URIs, secrets shown once. */
@DatabaseTest
class OidcClientApiTest {
    static final String CLIENTS = "/api/v1/oidc/clients";
    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_confidential_client_gets_its_secret_once_and_only_its_hash_is_kept() {
        HttpResult created = server.post(CLIENTS, Map.of("name", "Vault", "redirectUris",
                List.of("https://vault.example.com/oidc/callback"), "public", false));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode client = created.json();
        String clientId = client.get("clientId").asText();
        assertThat(clientId).startsWith("oc_");
        assertThat(client.get("clientSecret").asText()).startsWith("ghcs_");
        assertThat(client.get("tokenEndpointAuthMethod").asText()).isEqualTo("client_secret_basic");
        assertThat(client.get("public").asBoolean()).isFalse();
        assertThat(created.header("Cache-Control")).contains("no-store");

        HttpResult read = server.get(CLIENTS + "/" + clientId);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().has("clientSecret")).isFalse();
        assertThat(read.json().get("redirectUris").get(0).asText()).isEqualTo("https://vault.example.com/oidc/callback");
        assertThat(server.get(CLIENTS).json().get("clients")).hasSize(1);
        assertThat(server.get(CLIENTS).text()).doesNotContain(client.get("clientSecret").asText());

        OidcClient stored = server.gatehouse().services().core().database().read(tx -> new OidcClientStore()
                .find(tx, clientId)).orElseThrow();
        assertThat(OidcClients.secretMatches(stored, client.get("clientSecret").asText())).isTrue();
        assertThat(OidcClients.secretMatches(stored, client.get("clientSecret").asText() + "x")).isFalse();
        assertThat(server.get("/api/v1/audit?action=oidc.client.register").json().get("records")).hasSize(1);
    }

    @Test
    void a_public_client_has_no_secret_and_may_use_localhost_for_development() {
        HttpResult created = server.post(CLIENTS, Map.of("name", "CLI", "redirectUris",
                List.of("http://localhost:8400/callback", "http://127.0.0.1:8400/callback"), "public", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().has("clientSecret")).isFalse();
        assertThat(created.json().get("tokenEndpointAuthMethod").asText()).isEqualTo("none");
    }

    @Test
    void a_client_with_a_jwks_authenticates_with_private_key_jwt_and_gets_no_secret() throws Exception {
        Map<String, Object> jwks = Map.of("keys", List.of(new ECKeyGenerator(Curve.P_256).keyID("k1").generate()
                .toPublicJWK().toJSONObject()));
        HttpResult created = server.post(CLIENTS, Map.of("name", "Deploy", "redirectUris",
                List.of("https://deploy.example.com/cb"), "public", false, "jwks", jwks, "refreshTokens", true));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().has("clientSecret")).isFalse();
        assertThat(created.json().get("tokenEndpointAuthMethod").asText()).isEqualTo("private_key_jwt");
        assertThat(created.json().get("refreshTokens").asBoolean()).isTrue();
    }

    @Test
    void a_private_key_in_the_jwks_is_refused_and_not_kept() throws Exception {
        Map<String, Object> jwks = Map.of("keys", List.of(new ECKeyGenerator(Curve.P_256).generate()
                .toJSONObject()));
        HttpResult refused = server.post(CLIENTS, Map.of("name", "Deploy", "redirectUris",
                List.of("https://deploy.example.com/cb"), "public", false, "jwks", jwks));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").asText()).contains("public keys only");
        assertThat(server.get(CLIENTS).json().get("clients")).isEmpty();
    }

    @Test
    void redirect_uris_must_be_exact_https_without_fragment_wildcard_or_user_info() {
        for (String uri : List.of("https://*.example.com/cb", "https://app.example.com/cb#x",
                "http://app.example.com/cb", "https://user@app.example.com/cb", "/relative/cb",
                "javascript:alert(1)")) {
            HttpResult refused = server.post(CLIENTS, Map.of("name", "App", "redirectUris", List.of(uri),
                    "public", true));
            assertThat(refused.status()).as(uri).isEqualTo(400);
            assertThat(refused.json().get("code").asText()).as(uri).isEqualTo("invalid_redirect_uri");
        }
        HttpResult none = server.post(CLIENTS, Map.of("name", "App", "redirectUris", List.of(), "public", true));
        assertThat(none.status()).isEqualTo(400);
        assertThat(server.get(CLIENTS).json().get("clients")).isEmpty();
    }

    @Test
    void public_has_no_default_and_a_public_client_cannot_register_keys() {
        HttpResult missing = server.post(CLIENTS, Map.of("name", "App", "redirectUris",
                List.of("https://app.example.com/cb")));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("detail").asText()).contains("public");
        HttpResult keys = server.post(CLIENTS, Map.of("name", "App", "redirectUris",
                List.of("https://app.example.com/cb"), "public", true, "jwks", Map.of("keys", List.of())));
        assertThat(keys.status()).isEqualTo(400);
    }

    @Test
    void delete_removes_the_client_and_is_audited() {
        String clientId = server.post(CLIENTS, Map.of("name", "App", "redirectUris",
                List.of("https://app.example.com/cb"), "public", true)).json().get("clientId").asText();
        assertThat(server.delete(CLIENTS + "/" + clientId).status()).isEqualTo(204);
        assertThat(server.get(CLIENTS + "/" + clientId).status()).isEqualTo(404);
        assertThat(server.delete(CLIENTS + "/" + clientId).status()).isEqualTo(404);
        assertThat(server.get("/api/v1/audit?action=oidc.client.delete").json().get("records")).hasSize(1);
    }

    @Test
    void only_an_admin_token_manages_clients() {
        assertThat(server.get(CLIENTS, null).status()).isEqualTo(401);
        String security = server.post("/api/v1/tokens", Map.of("name", "sec", "scopes", List.of("security")))
                .json().get("token").asText();
        HttpResult refused = server.post(CLIENTS, Map.of("name", "App", "redirectUris",
                List.of("https://app.example.com/cb"), "public", true), security);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(server.get(CLIENTS, security).status()).isEqualTo(403);
    }
}
