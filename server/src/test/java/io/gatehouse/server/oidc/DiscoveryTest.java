package io.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
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

/** Discovery and the JWKS: valid provider metadata, issuer = the public base URL, keys rotated in two steps. */
@DatabaseTest
class DiscoveryTest {
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
    void discovery_is_valid_provider_metadata_whose_issuer_is_the_base_url() throws Exception {
        HttpResult answer = server.get(Endpoints.DISCOVERY, null);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        OIDCProviderMetadata metadata = OIDCProviderMetadata.parse(answer.text());
        String base = server.gatehouse().baseUrl().toString().replaceAll("/$", "");
        assertThat(metadata.getIssuer().getValue()).isEqualTo(base);
        assertThat(metadata.getJWKSetURI().toString()).isEqualTo(base + Endpoints.JWKS);
        assertThat(metadata.getAuthorizationEndpointURI().toString()).isEqualTo(base + Endpoints.AUTHORIZE);
        assertThat(metadata.getCodeChallengeMethods()).extracting(Object::toString).containsExactly("S256");
        assertThat(metadata.getIDTokenJWSAlgs()).extracting(Object::toString).containsExactly("ES256");
        assertThat(metadata.getACRs()).extracting(Object::toString).contains("urn:gatehouse:acr:phr");
    }

    @Test
    void the_jwks_publishes_the_signing_key_by_its_kid_and_no_private_half() throws Exception {
        JWKSet jwks = JWKSet.parse(server.get(Endpoints.JWKS, null).text());
        assertThat(jwks.getKeys()).hasSize(1);
        JWK key = jwks.getKeys().get(0);
        assertThat(key.isPrivate()).isFalse();
        assertThat(key.getKeyID()).isEqualTo(key.computeThumbprint().toString());
        assertThat(key.getKeyID()).isEqualTo(signingKid());
    }

    @Test
    void rotation_publishes_the_next_key_before_it_signs_and_keeps_the_previous_one_published() throws Exception {
        String first = signingKid();
        HttpResult step1 = server.post("/api/v1/keys/oidc/rotate", "");
        assertThat(step1.status()).as(step1.toString()).isEqualTo(200);
        assertThat(signingKid()).isEqualTo(first);
        List<String> published = kids();
        assertThat(published).hasSize(2).startsWith(first);
        String second = published.get(1);

        server.post("/api/v1/keys/oidc/rotate", "");
        assertThat(signingKid()).isEqualTo(second);
        assertThat(kids()).containsExactly(first, second);

        server.post("/api/v1/keys/oidc/rotate", "");
        server.post("/api/v1/keys/oidc/rotate", "");
        assertThat(kids()).hasSize(2).doesNotContain(first).contains(second);
        assertThat(server.get("/api/v1/audit?action=keys.oidc.rotate").json().get("records")).hasSize(4);
    }

    @Test
    void only_an_admin_token_rotates() {
        assertThat(server.post("/api/v1/keys/oidc/rotate", "", null).status()).isEqualTo(401);
        String auditor = server.post("/api/v1/tokens", Map.of("name", "a", "scopes", List.of("auditor")))
                .json().get("token").asText();
        assertThat(server.post("/api/v1/keys/oidc/rotate", "", auditor).status()).isEqualTo(403);
        assertThat(kids()).hasSize(1);
    }

    /** A second reader of the same rows, as another node would be: it unseals the key with the master key. */
    private String signingKid() {
        var core = server.gatehouse().services().core();
        return new SigningKeys(core.database(), core.secrets(), core.audit(), core.clock(),
                new java.security.SecureRandom()).signingKey().getKeyID();
    }

    private List<String> kids() {
        try {
            return JWKSet.parse(server.get(Endpoints.JWKS, null).text()).getKeys().stream().map(JWK::getKeyID)
                    .toList();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }
}
