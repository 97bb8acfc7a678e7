package io.gatehouse.server.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

/** {@code POST /api/v1/keys/minting/rotate}: the two rotation steps for an admin token, audited with the token. */
@DatabaseTest
class MintingKeyApiTest {
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
    void two_calls_publish_the_next_key_then_mint_with_it_and_each_is_audited_with_the_token() {
        HttpResult first = server.post("/api/v1/keys/minting/rotate", "");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().get("result").asText()).startsWith("created the next minting key 2;");
        assertThat(first.json().get("publishedKeyIds")).extracting(JsonNode::asInt).containsExactly(1, 2);
        assertThat(server.gatehouse().services().reader().mintingKeys().signingKey().keyId()).isEqualTo(1);

        HttpResult second = server.post("/api/v1/keys/minting/rotate", "");
        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        assertThat(second.json().get("result").asText()).startsWith("minting key 2 now mints;");
        assertThat(second.json().get("publishedKeyIds")).extracting(JsonNode::asInt).containsExactly(2);
        assertThat(server.gatehouse().services().reader().mintingKeys().signingKey().keyId()).isEqualTo(2);

        JsonNode records = server.get("/api/v1/audit?action=keys.minting.rotate").json().get("records");
        assertThat(records).hasSize(2);
        records.forEach(record -> assertThat(record.get("actor").asText()).startsWith("token:"));
    }

    @Test
    void only_an_admin_token_rotates() {
        assertThat(server.post("/api/v1/keys/minting/rotate", "", null).status()).isEqualTo(401);
        String auditor = server.post("/api/v1/tokens", Map.of("name", "auditor", "scopes", List.of("audit:read")))
                .json().get("token").asText();
        HttpResult refused = server.post("/api/v1/keys/minting/rotate", "", auditor);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(server.gatehouse().services().reader().mintingKeys().published()).hasSize(1);
    }
}
