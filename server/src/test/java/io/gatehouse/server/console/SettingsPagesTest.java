package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings page: MFA policies per role and key rotation, by role, with a fresh verification for changes. */
@DatabaseTest
class SettingsPagesTest {
    @TempDir
    Path data;
    TestServer server;
    String adminId;
    String helpdeskId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        adminId = user("alice", "admin");
        helpdeskId = user("hal", "helpdesk");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void an_administrator_saves_a_policy_and_it_is_what_the_api_serves() {
        ConsoleClient admin = ConsoleClient.signIn(server, adminId);
        HttpResult page = admin.get("/console/settings");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-page=\"settings\"").contains("Save the policy");

        Map<String, String> form = new java.util.LinkedHashMap<>(Map.of("_csrf", admin.csrfFrom("/console/settings"),
                "role", "ops", "digits", "8", "periodSeconds", "30", "algorithm", "SHA256", "lookBehindSteps", "1",
                "lookAheadSteps", "0", "enrollmentLinkTtlMinutes", "5", "totpRequired", "on"));
        form.put("signInMethods", "passkey");
        form.put("phishingResistantSignIn", "on");
        HttpResult saved = admin.postForm("/console/settings/policies", form);

        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.text()).contains("The policy of role 'ops' is saved.").contains("data-role=\"ops\"");
        HttpResult policy = server.get("/api/v1/policies/ops");
        assertThat(policy.json().get("digits").asInt()).isEqualTo(8);
        assertThat(policy.json().get("algorithm").asText()).isEqualTo("SHA256");
        assertThat(policy.json().get("totpRequired").asBoolean()).isTrue();
        assertThat(policy.json().get("consoleTotpSignIn").asBoolean()).isFalse();
        assertThat(policy.json().get("enrollmentLinkTtlSeconds").asInt()).isEqualTo(300);
        assertThat(policy.json().get("signInMethods").toString()).isEqualTo("[\"passkey\"]");
        assertThat(policy.json().get("phishingResistantSignIn").asBoolean()).isTrue();
    }

    @Test
    void a_policy_change_after_five_minutes_asks_for_verification_first_and_changes_nothing() {
        ConsoleClient admin = ConsoleClient.signIn(server, adminId);
        String csrf = admin.csrfFrom("/console/settings");
        server.clock().advance(Duration.ofMinutes(6));

        HttpResult detour = admin.postForm("/console/settings/policies", Map.of("_csrf", csrf, "role", "ops"));

        assertThat(detour.status()).isEqualTo(303);
        assertThat(detour.header("Location")).isEqualTo("/console/verify?next=%2Fconsole%2Fsettings");
        assertThat(server.get("/api/v1/policies/ops").status()).isEqualTo(404);
    }

    @Test
    void helpdesk_reads_policies_but_gets_no_form_and_a_post_is_refused() {
        ConsoleClient helpdesk = ConsoleClient.signIn(server, helpdeskId);
        HttpResult page = helpdesk.get("/console/settings");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).doesNotContain("Save the policy").doesNotContain("minting key rotation")
                .doesNotContain("/console/settings/tokens");

        HttpResult refused = helpdesk.postForm("/console/settings/policies", Map.of("_csrf",
                helpdesk.csrfFrom("/console/settings"), "role", "ops"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text()).contains("data-problem=\"insufficient_scope\"");
        assertThat(server.get("/api/v1/policies/ops").status()).isEqualTo(404);
    }

    @Test
    void a_post_without_the_csrf_token_changes_nothing() {
        ConsoleClient admin = ConsoleClient.signIn(server, adminId);

        HttpResult refused = admin.postForm("/console/settings/policies", Map.of("role", "ops"));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(server.get("/api/v1/policies/ops").status()).isEqualTo(404);
    }

    @Test
    void script_in_a_field_comes_back_as_text() {
        ConsoleClient admin = ConsoleClient.signIn(server, adminId);

        HttpResult refused = admin.postForm("/console/settings/policies", Map.of("_csrf",
                admin.csrfFrom("/console/settings"), "role", "<script>alert(1)</script>", "digits",
                "\"><img src=x onerror=alert(1)>"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).doesNotContain("<script>alert(1)").doesNotContain("<img src=x")
                .contains("&lt;img src=x onerror=alert(1)&gt;");
    }

    private String user(String name, String role) {
        return server.post("/api/v1/users", Map.of("username", name, "roles", List.of(role))).json().get("id")
                .asText();
    }
}
