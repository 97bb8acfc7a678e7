package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The People pages over HTTP, without a browser: each role is offered only what it may do and refused the rest, a
 * change without the session's CSRF token changes nothing, and what a request puts in a page comes back escaped.
 */
class PeoplePagesTest {
    @TempDir
    Path dir;
    TestServer server;
    String targetId;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        targetId = person("target", List.of("staff"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String person(String name, List<String> roles) {
        return server.post("/api/v1/users", Map.of("username", name, "roles", roles)).json().get("id").asText();
    }

    ConsoleClient as(String role) {
        return ConsoleClient.signIn(server, person("a-" + role, List.of(role)));
    }

    @Test
    void helpdesk_may_unlock_and_enrol_but_sees_no_suspend_or_delete_and_is_refused_them() {
        ConsoleClient desk = as("helpdesk");

        HttpResult page = desk.get("/console/people/" + targetId);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.text()).contains("data-page=\"people\"").contains("data-action=\"unlock\"")
                .contains("data-action=\"totp-link\"").doesNotContain("data-action=\"suspend\"")
                .doesNotContain("data-action=\"delete\"").doesNotContain("data-action=\"revoke-all\"")
                .doesNotContain("Save roles");
        String csrf = desk.csrfFrom("/console/people/" + targetId);

        for (String action : List.of("delete", "suspend", "roles", "devices/revoke")) {
            HttpResult refused = desk.postForm("/console/people/" + targetId + "/" + action, Map.of("_csrf", csrf,
                    "confirm", "yes", "roles", "admin"));
            assertThat(refused.status()).as(action).isEqualTo(403);
            assertThat(refused.text()).contains("insufficient_scope");
        }
        HttpResult target = server.get("/api/v1/users/" + targetId);
        assertThat(target.json().get("status").asText()).isEqualTo("active");
        assertThat(target.json().get("roles").toString()).isEqualTo("[\"staff\"]");
        assertThat(desk.postForm("/console/people/" + targetId + "/unlock", Map.of("_csrf", csrf)).status())
                .isEqualTo(303);
    }

    @Test
    void an_auditor_reads_the_list_without_the_form_to_add_people() {
        ConsoleClient auditor = as("auditor");

        HttpResult list = auditor.get("/console/people");

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.text()).contains("target").doesNotContain("Add a person");
        String csrf = auditor.csrfFrom("/console/people");
        assertThat(auditor.postForm("/console/people", Map.of("_csrf", csrf, "username", "sneaky")).status())
                .isEqualTo(403);
        assertThat(server.get("/api/v1/users?q=sneaky").json().get("users")).isEmpty();
    }

    @Test
    void a_change_without_the_csrf_token_is_refused_and_changes_nothing() {
        ConsoleClient admin = as("admin");

        HttpResult refused = admin.postForm("/console/people/" + targetId + "/suspend", Map.of());
        HttpResult forged = admin.postForm("/console/people/" + targetId + "/delete", Map.of("_csrf", "forged",
                "confirm", "yes"));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(server.get("/api/v1/users/" + targetId).json().get("status").asText()).isEqualTo("active");
    }

    @Test
    void a_deletion_without_the_confirmation_is_refused() {
        ConsoleClient admin = as("admin");
        String csrf = admin.csrfFrom("/console/people/" + targetId);

        HttpResult refused = admin.postForm("/console/people/" + targetId + "/delete", Map.of("_csrf", csrf));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(server.get("/api/v1/users/" + targetId).status()).isEqualTo(200);
    }

    @Test
    void search_text_comes_back_escaped_in_the_form_and_in_the_problem() {
        ConsoleClient admin = as("admin");

        HttpResult page = admin.get("/console/people?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        HttpResult attribute = admin.get("/console/people?role=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.text()).doesNotContain("<script>alert(1)").contains("&lt;script&gt;alert(1)");
        assertThat(attribute.status()).isEqualTo(400);
        assertThat(attribute.text()).doesNotContain("<img src=x").contains("&lt;img src=x");
    }

    @Test
    void a_device_of_someone_else_cannot_be_revoked_from_this_persons_page() {
        ConsoleClient admin = as("admin");
        String csrf = admin.csrfFrom("/console/people/" + targetId);

        HttpResult refused = admin.postForm("/console/people/" + targetId + "/devices/dev_other/revoke",
                Map.of("_csrf", csrf));

        assertThat(refused.status()).isEqualTo(404);
    }
}
