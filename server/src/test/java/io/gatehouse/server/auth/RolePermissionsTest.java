package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The console roles as API token scopes: each may do what its role grants and is refused the rest with
 * {@code insufficient_scope} naming the permission, before anything changes.
 */
@DatabaseTest
class RolePermissionsTest {
    @TempDir
    Path data;
    TestServer server;
    String userId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        userId = server.post("/api/v1/users", Map.of("username", "pat")).json().get("id").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static Stream<Arguments> operations() {
        return Stream.of(
                Arguments.of("create a person", "users_write", Set.of()),
                Arguments.of("list people", "users_read", Set.of("security", "helpdesk", "auditor")),
                Arguments.of("suspend", "users_suspend", Set.of("security")),
                Arguments.of("delete a person", "users_delete", Set.of()),
                Arguments.of("unlock", "unlock", Set.of("helpdesk")),
                Arguments.of("revoke all devices", "credentials_revoke", Set.of("security")),
                Arguments.of("TOTP enrollment link", "enroll", Set.of("helpdesk")),
                Arguments.of("device enrollment link", "enroll", Set.of("helpdesk")),
                Arguments.of("create a token", "tokens_manage", Set.of()),
                Arguments.of("read the audit log", "audit_read", Set.of("security", "auditor", "audit:read")),
                Arguments.of("export the audit log", "audit_export", Set.of("security", "auditor")),
                Arguments.of("audit chain state", "audit_read", Set.of("security", "auditor", "audit:read")),
                Arguments.of("decision counts", "audit_read", Set.of("security", "auditor", "audit:read")),
                Arguments.of("read policies", "policies_read", Set.of("security", "helpdesk", "auditor")),
                Arguments.of("change a policy", "policies_write", Set.of()),
                Arguments.of("list doors", "doors_read", Set.of("security", "helpdesk", "auditor")),
                Arguments.of("create a site", "doors_write", Set.of()),
                Arguments.of("read a site", "doors_read", Set.of("security", "helpdesk", "auditor")),
                Arguments.of("change a site", "doors_write", Set.of()),
                Arguments.of("delete a reader", "doors_write", Set.of()),
                Arguments.of("rotate the minting key", "keys_rotate", Set.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void each_scope_may_do_what_its_role_grants_and_nothing_else(String operation, String permission,
            Set<String> allowed) {
        for (String scope : List.of("security", "helpdesk", "auditor", "verify", "audit:read")) {
            String token = server.post("/api/v1/tokens", Map.of("name", scope, "scopes", List.of(scope))).json()
                    .get("token").asText();
            HttpResult answer = perform(operation, token);
            if (allowed.contains(scope)) {
                assertThat(answer.status()).as(scope + ": " + answer).isBetween(200, 299);
            } else {
                assertThat(answer.status()).as(scope + ": " + answer).isEqualTo(403);
                assertThat(answer.json().get("code").asText()).isEqualTo("insufficient_scope");
                assertThat(answer.json().get("requiredPermission").asText()).isEqualTo(permission);
            }
        }
    }

    @Test
    void a_refusal_names_the_permission_and_the_scopes_held() {
        String token = server.post("/api/v1/tokens", Map.of("name", "desk", "scopes", List.of("helpdesk"))).json()
                .get("token").asText();

        HttpResult refused = server.post("/api/v1/users/" + userId + "/suspend", Map.of(), token);

        assertThat(refused.json().get("detail").asText()).isEqualTo("this operation needs permission"
                + " 'users_suspend', which the token's scopes [helpdesk] do not grant");
        assertThat(server.get("/api/v1/users/" + userId).json().get("status").asText()).isEqualTo("active");
    }

    private HttpResult perform(String operation, String token) {
        return switch (operation) {
            case "create a person" -> server.post("/api/v1/users", Map.of("username", "new-" + token.hashCode()),
                    token);
            case "list people" -> server.get("/api/v1/users", token);
            case "suspend" -> server.post("/api/v1/users/" + userId + "/suspend", Map.of(), token);
            case "delete a person" -> server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/users/"
                    + userId)).DELETE(), token);
            case "unlock" -> server.post("/api/v1/users/" + userId + "/unlock", Map.of(), token);
            case "revoke all devices" -> server.post("/api/v1/users/" + userId + "/devices/revoke", Map.of(), token);
            case "TOTP enrollment link" -> server.post("/api/v1/users/" + userId + "/totp/enrollments", Map.of(),
                    token);
            case "device enrollment link" -> server.post("/api/v1/users/" + userId + "/device-enrollments",
                    Map.of(), token);
            case "create a token" -> server.post("/api/v1/tokens", Map.of("name", "t", "scopes", List.of("verify")),
                    token);
            case "read the audit log" -> server.get("/api/v1/audit", token);
            case "export the audit log" -> server.get("/api/v1/audit/export?format=json", token);
            case "audit chain state" -> server.get("/api/v1/audit/verification", token);
            case "decision counts" -> server.get("/api/v1/stats/decisions", token);
            case "read policies" -> server.get("/api/v1/policies", token);
            case "change a policy" -> server.send(java.net.http.HttpRequest.newBuilder(server.uri(
                    "/api/v1/policies/ops")).header("Content-Type", "application/json").PUT(
                    java.net.http.HttpRequest.BodyPublishers.ofString("{\"totpRequired\":true}")), token);
            case "list doors" -> server.get("/api/v1/doors", token);
            case "create a site" -> server.post("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"), token);
            case "read a site" -> server.get("/api/v1/sites/" + server.post("/api/v1/sites", Map.of("name", "HQ",
                    "timeZone", "UTC")).json().get("id").asText(), token);
            case "change a site" -> server.send(java.net.http.HttpRequest.newBuilder(server.uri("/api/v1/sites/x"))
                    .header("Content-Type", "application/json").method("PATCH",
                    java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"New\"}")), token);
            case "delete a reader" -> server.send(java.net.http.HttpRequest.newBuilder(server.uri(
                    "/api/v1/readers/x")).DELETE(), token);
            case "rotate the minting key" -> server.post("/api/v1/keys/minting/rotate", Map.of(), token);
            default -> throw new IllegalArgumentException(operation);
        };
    }
}
