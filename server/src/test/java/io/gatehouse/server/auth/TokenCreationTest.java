package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.Snapshot;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /api/v1/tokens} never makes an admin token by omission: scopes are required. */
@DatabaseTest
class TokenCreationTest {
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"name\":\"x\"}", "{\"name\":\"x\",\"scopes\":null}"})
    void POST_to_tokens_without_scopes_is_refused_and_creates_nothing(String body) {
        String before = Snapshot.of(server.gatehouse().services().core().database());

        HttpResult refused = server.post("/api/v1/tokens", body);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid_field");
        assertThat(refused.json().get("field").asText()).isEqualTo("scopes");
        assertThat(refused.json().get("detail").asText()).isEqualTo("field 'scopes' must be an array of at least"
                + " one of [admin, verify, audit:read, visitors:read, visitors:write, codes:read, codes:write,"
                + " security, helpdesk, auditor], got nothing");
        assertThat(Snapshot.of(server.gatehouse().services().core().database())).isEqualTo(before);
    }

    @Test
    void POST_to_tokens_with_an_empty_scope_list_is_refused_and_creates_nothing() {
        String before = Snapshot.of(server.gatehouse().services().core().database());

        HttpResult refused = server.post("/api/v1/tokens", Map.of("name", "x", "scopes", List.of()));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid_field");
        assertThat(refused.json().get("field").asText()).isEqualTo("scopes");
        assertThat(Snapshot.of(server.gatehouse().services().core().database())).isEqualTo(before);
    }

    @Test
    void a_token_gets_exactly_the_scopes_asked_for() {
        HttpResult created = server.post("/api/v1/tokens", Map.of("name", "app", "scopes", List.of("verify")));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("scopes").toString()).isEqualTo("[\"verify\"]");
        HttpResult asAdmin = server.post("/api/v1/users", Map.of("username", "mallory"),
                created.json().get("token").asText());
        assertThat(asAdmin.status()).isEqualTo(403);
        assertThat(asAdmin.json().get("code").asText()).isEqualTo("insufficient_scope");
    }
}
