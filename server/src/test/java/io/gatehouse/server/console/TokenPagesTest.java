package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API tokens in the console: administrators only, created behind a fresh verification, shown once, revoked. */
@DatabaseTest
class TokenPagesTest {
    private static final Pattern NEW_TOKEN = Pattern.compile("data-new-token>(ght_[^<]+)<");

    @TempDir
    Path data;
    TestServer server;
    String adminId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        adminId = user("alice", "admin");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void an_administrator_creates_a_token_that_works_and_expires_when_asked() {
        ConsoleClient admin = ConsoleClient.signIn(server, adminId);

        HttpResult created = create(admin, "deploy-bot", "30", "verify", "audit:read");

        assertThat(created.status()).as(created.text()).isEqualTo(200);
        Matcher token = NEW_TOKEN.matcher(created.text());
        assertThat(token.find()).isTrue();
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");
        assertThat(server.get("/api/v1/audit?limit=1", token.group(1)).status()).isEqualTo(200);
        assertThat(server.post("/api/v1/users", Map.of("username", "x"), token.group(1)).status()).isEqualTo(403);
        HttpResult listed = admin.get("/console/settings/tokens");
        assertThat(listed.text()).contains("deploy-bot").contains("audit:read, verify")
                .doesNotContain(token.group(1));
        server.clock().advance(Duration.ofDays(31));
        assertThat(server.get("/api/v1/audit?limit=1", token.group(1)).status()).isEqualTo(401);
    }

    @Test
    void creating_a_token_after_five_minutes_asks_for_verification_and_creates_nothing() {
        ConsoleClient admin = ConsoleClient.signIn(server, adminId);
        String csrf = admin.csrfFrom("/console/settings/tokens");
        int before = server.get("/api/v1/tokens").json().get("tokens").size();
        server.clock().advance(Duration.ofMinutes(6));

        HttpResult detour = admin.send(HttpRequest.newBuilder(server.uri("/console/settings/tokens"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers
                        .ofString("_csrf=" + csrf + "&name=late&scopes=verify")));

        assertThat(detour.status()).isEqualTo(303);
        assertThat(detour.header("Location")).startsWith("/console/verify?next=");
        assertThat(server.get("/api/v1/tokens").json().get("tokens").size()).isEqualTo(before);
    }

    @Test
    void helpdesk_and_auditors_cannot_see_or_create_tokens() {
        for (String role : List.of("helpdesk", "auditor", "security")) {
            ConsoleClient person = ConsoleClient.signIn(server, user("p-" + role, role));
            assertThat(person.get("/console/settings/tokens").status()).as(role).isEqualTo(403);
            HttpResult refused = create(person, "mine", "1", "admin");
            assertThat(refused.status()).as(role).isEqualTo(403);
            assertThat(refused.text()).contains("data-problem=\"insufficient_scope\"");
        }
        assertThat(server.get("/api/v1/tokens").json().get("tokens").toString()).doesNotContain("mine");
    }

    @Test
    void a_token_is_revoked_from_the_list_and_a_post_without_csrf_changes_nothing() {
        ConsoleClient admin = ConsoleClient.signIn(server, adminId);
        Matcher token = NEW_TOKEN.matcher(create(admin, "short-lived", "", "verify").text());
        assertThat(token.find()).isTrue();
        String id = server.get("/api/v1/tokens?status=active").json().get("tokens").findValuesAsText("id").stream()
                .filter(each -> token.group(1).startsWith("ght_" + each + "_")).findFirst().orElseThrow();

        assertThat(admin.postForm("/console/settings/tokens/" + id + "/revoke", Map.of()).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/audit?limit=1", token.group(1)).status()).as("no verify scope").isEqualTo(403);
        HttpResult revoked = admin.postForm("/console/settings/tokens/" + id + "/revoke", Map.of("_csrf",
                admin.csrfFrom("/console/settings/tokens")));

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.text()).contains("The token is revoked");
        assertThat(server.get("/api/v1/audit?limit=1", token.group(1)).status()).isEqualTo(401);
    }

    @Test
    void script_in_the_name_comes_back_as_text() {
        ConsoleClient admin = ConsoleClient.signIn(server, adminId);

        HttpResult created = create(admin, "<script>alert(1)</script>\"><img src=x onerror=alert(1)>", "1",
                "verify");

        assertThat(created.status()).isEqualTo(200);
        assertThat(created.text()).doesNotContain("<script>alert(1)").doesNotContain("<img src=x")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    private HttpResult create(ConsoleClient person, String name, String days, String... scopes) {
        StringBuilder body = new StringBuilder("_csrf=" + csrfOf(person) + "&name="
                + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&expiresInDays=" + days);
        for (String scope : scopes) {
            body.append("&scopes=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        return person.send(HttpRequest.newBuilder(server.uri("/console/settings/tokens"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", person.origin())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private static String csrfOf(ConsoleClient person) {
        return person.csrfFrom("/console/settings");
    }

    private String user(String name, String role) {
        return server.post("/api/v1/users", Map.of("username", name, "roles", List.of(role))).json().get("id")
                .asText();
    }
}
