package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.ConsoleClient;
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

/** The console's Codes section over HTTP: list, create, change and revoke; who may see and do what. */
@DatabaseTest
class CodesPagesTest {
    private static final String PAGE = "/console/codes";

    @TempDir
    Path data;
    TestServer server;
    ConsoleClient admin;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        admin = ConsoleClient.signIn(server, user("alice", "admin"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String user(String name, String role) {
        return server.createdId("/api/v1/users", Map.of("username", name, "roles", List.of(role)));
    }

    @Test
    void an_administrator_creates_a_code_and_sees_it_with_its_state_and_uses() {
        HttpResult created = admin.postForm(PAGE, Map.of("_csrf", admin.csrfFrom(PAGE), "target",
                "https://example.com/lobby", "label", "Lobby poster", "maxUses", "2", "expiresAt",
                "2099-01-01T12:00"));
        assertThat(created.status()).as(created.text()).isEqualTo(303);
        String location = created.header("Location");
        assertThat(location).startsWith(PAGE + "/qc_").endsWith("?done=created");
        String id = location.substring(PAGE.length() + 1, location.indexOf('?'));
        JsonNode code = server.get("/api/v1/codes/" + id).json();
        assertThat(code.get("expiresAt").asText()).isEqualTo("2099-01-01T12:00:00Z");
        assertThat(code.get("maxUses").asInt()).isEqualTo(2);
        assertThat(code.get("createdBy").asText()).startsWith("user:");

        HttpResult detail = admin.get(location);
        assertThat(detail.status()).isEqualTo(200);
        assertThat(detail.text()).contains("data-page=\"codes\"").contains("The code was created.")
                .contains(code.get("url").asText()).contains("https://example.com/lobby")
                .contains("data-action=\"disable\"").contains("data-action=\"revoke\"");
        HttpResult list = admin.get(PAGE);
        assertThat(list.text()).contains("data-code=\"" + id + "\"").contains("Lobby poster").contains("0 of 2")
                .contains("href=\"/console/codes\" aria-current=\"page\"");
        assertThat(admin.get(PAGE + "?state=revoked").text()).doesNotContain("data-code=\"" + id + "\"");
    }

    @Test
    void changes_on_the_code_page_take_effect_and_are_audited() {
        String id = server.createdId("/api/v1/codes", Map.of("target", "https://example.com/a"));
        String page = PAGE + "/" + id;
        assertThat(admin.postForm(page + "/edit", Map.of("_csrf", admin.csrfFrom(page), "target",
                "https://example.com/b", "label", "Renamed", "expiresAt", "", "maxUses", "5")).status())
                .isEqualTo(303);
        JsonNode code = server.get("/api/v1/codes/" + id).json();
        assertThat(code.get("target").asText()).isEqualTo("https://example.com/b");
        assertThat(code.get("maxUses").asInt()).isEqualTo(5);
        assertThat(admin.postForm(page + "/disable", Map.of("_csrf", admin.csrfFrom(page))).status())
                .isEqualTo(303);
        assertThat(server.get("/api/v1/codes/" + id).json().get("state").asText()).isEqualTo("disabled");
        assertThat(admin.get(page).text()).contains("data-action=\"enable\"");
        admin.postForm(page + "/enable", Map.of("_csrf", admin.csrfFrom(page)));
        admin.postForm(page + "/revoke", Map.of("_csrf", admin.csrfFrom(page)));
        assertThat(server.get("/api/v1/codes/" + id).json().get("state").asText()).isEqualTo("revoked");
        assertThat(admin.get(page).text()).doesNotContain("data-action=\"revoke\"").contains("revoked");

        HttpResult refused = admin.postForm(PAGE, Map.of("_csrf", admin.csrfFrom(PAGE), "target",
                "javascript:alert(1)"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("got a javascript: URL").contains("value=\"javascript:alert(1)\"");
    }

    @Test
    void a_form_without_its_csrf_token_changes_nothing() {
        String id = server.createdId("/api/v1/codes", Map.of("target", "https://example.com/a"));
        assertThat(admin.postForm(PAGE + "/" + id + "/revoke", Map.of()).status()).isEqualTo(403);
        assertThat(admin.postForm(PAGE, Map.of("target", "https://example.com/x")).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/codes/" + id).json().get("state").asText()).isEqualTo("active");
        assertThat(server.get("/api/v1/codes").json().get("codes")).hasSize(1);
    }

    @Test
    void an_auditor_reads_without_the_forms_and_a_helpdesk_person_does_not_see_the_section() {
        String id = server.createdId("/api/v1/codes", Map.of("target", "https://example.com/a"));
        ConsoleClient auditor = ConsoleClient.signIn(server, user("carol", "auditor"));
        HttpResult list = auditor.get(PAGE);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.text()).contains("data-code=\"" + id + "\"").doesNotContain("id=\"code-form\"");
        assertThat(auditor.get(PAGE + "/" + id).text()).doesNotContain("data-action=\"revoke\"");
        assertThat(auditor.postForm(PAGE + "/" + id + "/revoke", Map.of("_csrf", auditor.csrfFrom(PAGE)))
                .status()).isEqualTo(403);
        assertThat(server.get("/api/v1/codes/" + id).json().get("state").asText()).isEqualTo("active");

        ConsoleClient helpdesk = ConsoleClient.signIn(server, user("dave", "helpdesk"));
        assertThat(helpdesk.get(PAGE).status()).isEqualTo(403);
        assertThat(helpdesk.get("/console/people").text()).doesNotContain("href=\"/console/codes\"");
    }
}
