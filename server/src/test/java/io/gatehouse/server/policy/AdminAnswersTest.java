package io.gatehouse.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The members of the admin answers about policies, users and tokens, with their nulls, as clients read them. */
@DatabaseTest
class AdminAnswersTest {
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

    private static List<String> members(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void the_policy_list_holds_the_default_and_each_role_by_name() {
        server.put("/api/v1/policies/staff", Map.of("digits", 8, "totpRequired", true));
        JsonNode list = server.get("/api/v1/policies").json();

        assertThat(members(list)).containsExactly("default", "roles", "next");
        assertThat(list.get("next").isNull()).isTrue();
        assertThat(members(list.get("roles"))).containsExactly("staff");
        JsonNode staff = list.get("roles").get("staff");
        assertThat(members(staff)).containsExactly("totpRequired", "algorithm", "digits", "periodSeconds",
                "lookBehindSteps", "lookAheadSteps", "enrollmentLinkTtlSeconds", "consoleTotpSignIn", "signInMethods",
                "phishingResistantSignIn", "stepUpWhenFlagged");
        assertThat(staff.get("digits").asInt()).isEqualTo(8);
        assertThat(staff.get("algorithm").asText()).isEqualTo("SHA1");
        assertThat(list.get("default").get("totpRequired").asBoolean()).isFalse();
    }

    @Test
    void a_user_shows_their_second_factor_and_the_policy_of_their_roles() {
        server.put("/api/v1/policies/staff", Map.of("totpRequired", true));
        JsonNode user = server.post("/api/v1/users", Map.of("username", "fay", "roles", List.of("staff", "desk")))
                .json();

        assertThat(members(user)).containsExactly("id", "username", "roles", "status", "createdAt", "totp");
        assertThat(user.get("roles").toString()).isEqualTo("[\"desk\",\"staff\"]");
        JsonNode totp = user.get("totp");
        assertThat(members(totp)).containsExactly("status", "pendingEnrollment", "required",
                "recoveryCodesRemaining", "consecutiveFailures", "lockedUntil");
        assertThat(totp.get("status").asText()).isEqualTo("none");
        assertThat(totp.get("required").asBoolean()).isTrue();
        assertThat(totp.get("lockedUntil").isNull()).isTrue();

        JsonNode page = server.get("/api/v1/users?limit=1").json();
        assertThat(members(page)).containsExactly("users", "next");
        assertThat(page.get("next").asText()).isEqualTo("fay");
    }

    @Test
    void a_listed_token_names_its_scopes_and_shows_an_unrevoked_token_with_a_null_revocation() {
        JsonNode created = server.post("/api/v1/tokens", Map.of("name", "app", "scopes",
                List.of("verify", "audit:read"))).json();
        assertThat(members(created)).containsExactlyInAnyOrder("id", "name", "scopes", "token", "expiresAt");
        assertThat(created.get("scopes").toString()).isEqualTo("[\"audit:read\",\"verify\"]");

        JsonNode list = server.get("/api/v1/tokens").json();
        assertThat(members(list)).containsExactly("tokens", "next");
        JsonNode app = null;
        for (JsonNode token : list.get("tokens")) {
            app = token.get("id").asText().equals(created.get("id").asText()) ? token : app;
        }
        assertThat(app).as("the new token in " + list).isNotNull();
        assertThat(members(app)).containsExactly("id", "name", "scopes", "createdBy", "createdAt", "revokedAt",
                "expiresAt");
        assertThat(app.get("revokedAt").isNull()).isTrue();
        assertThat(app.get("scopes").toString()).isEqualTo("[\"audit:read\",\"verify\"]");
    }
}
