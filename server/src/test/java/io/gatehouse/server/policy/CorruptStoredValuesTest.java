package io.gatehouse.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.ServerPerTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stored value this server would never have written (a policy's unknown algorithm or impossible digit count, a
 * role name outside the alphabet, an unknown token scope) is the server's problem, not the request's: the answer
 * is a 500 with an incident id, never a 400 blaming the client.
 */
@DatabaseTest
class CorruptStoredValuesTest extends ServerPerTest {
    private static void assertIncident(HttpResult result) {
        assertThat(result.status()).as(result.toString()).isEqualTo(500);
        assertThat(result.json().path("code").asText()).isEqualTo("internal_error");
        assertThat(result.json().path("incident").asText()).as(result.toString()).isNotBlank();
    }

    private void corrupt(String sql, Object... args) {
        database.inTransaction(tx -> tx.update(sql, args));
    }

    @Test
    void a_policy_with_an_unknown_stored_algorithm_is_an_incident() {
        assertThat(server.put("/api/v1/policies/staff", Map.of("digits", 8)).status()).isEqualTo(200);
        corrupt("UPDATE role_policies SET algorithm = 'MD5' WHERE role = 'staff'");

        assertIncident(server.get("/api/v1/policies/staff"));
        assertIncident(server.get("/api/v1/policies"));
    }

    @Test
    void a_policy_with_an_out_of_range_stored_value_is_an_incident() {
        assertThat(server.put("/api/v1/policies/staff", Map.of("digits", 8)).status()).isEqualTo(200);
        String userId = server.post("/api/v1/users", Map.of("username", "dana", "roles", List.of("staff"))).json()
                .path("id").asText();
        corrupt("UPDATE role_policies SET digits = 7 WHERE role = 'staff'");

        assertIncident(server.get("/api/v1/policies/staff"));
        assertIncident(server.get("/api/v1/users/" + userId));
    }

    @Test
    void a_stored_role_name_outside_the_alphabet_is_an_incident() {
        String userId = server.post("/api/v1/users", Map.of("username", "erin", "roles", List.of("staff"))).json()
                .path("id").asText();
        corrupt("UPDATE user_roles SET role = 'Staff Room' WHERE user_id = ?", userId);

        assertIncident(server.get("/api/v1/users/" + userId));
    }

    @Test
    void a_token_with_an_unknown_stored_scope_is_an_incident() {
        server.post("/api/v1/tokens", Map.of("name", "reporting", "scopes", List.of("audit:read")));
        corrupt("UPDATE api_tokens SET scopes = 'audit:read root' WHERE name = 'reporting'");

        assertIncident(server.get("/api/v1/tokens"));
    }
}
