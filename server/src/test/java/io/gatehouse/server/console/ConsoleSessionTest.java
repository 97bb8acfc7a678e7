package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Console sessions over HTTP: what a request without a live session, without its CSRF token or from another origin
 * gets, and when a session ends by itself.
 */
@DatabaseTest
class ConsoleSessionTest {
    @TempDir
    Path data;
    TestServer server;
    String adminId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        adminId = server.post("/api/v1/users", Map.of("username", "alice", "roles", List.of("admin"))).json()
                .get("id").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/console", "/console/people", "/console/sessions", "/console/anything"})
    void without_a_session_a_page_sends_the_browser_to_sign_in_and_back(String path) {
        HttpResult answer = ConsoleClient.anonymous(server).get(path);

        assertThat(answer.status()).isEqualTo(303);
        assertThat(answer.header("Location")).isEqualTo("/console/sign-in?next=" + java.net.URLEncoder.encode(path,
                java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void the_sign_in_page_offers_the_passkey_under_a_strict_policy() {
        HttpResult page = ConsoleClient.anonymous(server).get("/console/sign-in");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-action=\"sign-in-passkey\"").contains("data-page=\"sign-in\"");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("style-src 'self'")
                .doesNotContain("unsafe-inline").contains("frame-ancestors 'none'");
        assertThat(page.text()).doesNotContain("<script>").doesNotContain(" style=");
    }

    @Test
    void a_signed_in_person_sees_the_overview() {
        HttpResult page = ConsoleClient.signIn(server, adminId).get("/console");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-page=\"overview\"").contains("alice");
    }

    @Test
    void a_change_without_its_csrf_token_is_refused_with_403_and_changes_nothing() {
        ConsoleClient console = ConsoleClient.signIn(server, adminId);
        ConsoleClient other = ConsoleClient.signIn(server, adminId);
        String otherId = server.gatehouse().console().sessions().openSessions(adminId).get(0).id();

        HttpResult without = console.postForm("/console/sessions/" + otherId + "/revoke", Map.of());
        HttpResult wrong = console.postForm("/console/sessions/" + otherId + "/revoke", Map.of("_csrf",
                other.csrfFrom("/console/sessions")));

        assertThat(without.status()).isEqualTo(403);
        assertThat(without.text()).contains("data-problem=\"csrf_failed\"");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(server.gatehouse().console().sessions().openSessions(adminId)).hasSize(2);
        HttpResult with = console.postForm("/console/sessions/" + otherId + "/revoke", Map.of("_csrf",
                console.csrfFrom("/console/sessions")));
        assertThat(with.status()).as(with.text()).isEqualTo(200);
        assertThat(server.gatehouse().console().sessions().openSessions(adminId)).hasSize(1);
        assertThat(other.get("/console").status()).as("the ended session signs in nobody").isEqualTo(303);
    }

    @Test
    void a_change_from_another_origin_is_refused_even_with_the_token() {
        ConsoleClient console = ConsoleClient.signIn(server, adminId);
        String csrf = console.csrfFrom("/console/sessions");

        HttpResult refused = console.send(HttpRequest.newBuilder(server.uri("/console/sign-out"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf)));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(console.get("/console").status()).isEqualTo(200);
    }

    @Test
    void a_session_ends_after_the_idle_timeout_and_at_its_absolute_expiry() {
        ConsoleClient idle = ConsoleClient.signIn(server, adminId);
        server.clock().advance(Duration.ofMinutes(14));
        assertThat(idle.get("/console").status()).isEqualTo(200);
        server.clock().advance(Duration.ofMinutes(14));
        assertThat(idle.get("/console").status()).as("used 14 minutes ago: still live").isEqualTo(200);
        server.clock().advance(Duration.ofMinutes(15));
        assertThat(idle.get("/console").status()).as("idle for 15 minutes").isEqualTo(303);

        ConsoleClient busy = ConsoleClient.signIn(server, adminId);
        for (int i = 0; i < 8 * 6 - 1; i++) {
            server.clock().advance(Duration.ofMinutes(10));
            assertThat(busy.get("/console").status()).isEqualTo(200);
        }
        server.clock().advance(Duration.ofMinutes(10));
        assertThat(busy.get("/console").status()).as("8 hours after sign-in, however busy").isEqualTo(303);
    }

    @Test
    void suspending_the_person_or_taking_their_console_role_ends_their_sessions() {
        ConsoleClient console = ConsoleClient.signIn(server, adminId);
        assertThat(console.get("/console").status()).isEqualTo(200);

        server.put("/api/v1/users/" + adminId + "/roles", Map.of("roles", List.of("staff")));
        assertThat(console.get("/console").status()).isEqualTo(303);

        server.put("/api/v1/users/" + adminId + "/roles", Map.of("roles", List.of("auditor")));
        ConsoleClient again = ConsoleClient.signIn(server, adminId);
        server.post("/api/v1/users/" + adminId + "/suspend", Map.of());
        assertThat(again.get("/console").status()).isEqualTo(303);
    }

    @Test
    void the_cookie_is_http_only_and_same_site_strict() {
        HttpResult signOut = signOutAnswer();

        assertThat(signOut.status()).isEqualTo(303);
        assertThat(signOut.header("Set-Cookie")).contains("HttpOnly").contains("SameSite=Strict")
                .contains("Max-Age=0");
    }

    @Test
    void the_api_lists_a_persons_sessions_and_ends_them_all() {
        ConsoleClient first = ConsoleClient.signIn(server, adminId);
        ConsoleClient second = ConsoleClient.signIn(server, adminId);
        String helpdesk = server.post("/api/v1/tokens", Map.of("name", "desk", "scopes", List.of("helpdesk")))
                .json().get("token").asText();

        HttpResult listed = server.get("/api/v1/users/" + adminId + "/console-sessions");
        HttpResult refused = server.send(HttpRequest.newBuilder(server.uri("/api/v1/users/" + adminId
                + "/console-sessions")).DELETE(), helpdesk);
        HttpResult ended = server.delete("/api/v1/users/" + adminId + "/console-sessions");

        assertThat(listed.json().get("sessions")).hasSize(2);
        assertThat(listed.text()).doesNotContain("ghs_");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(ended.json().get("ended").asInt()).isEqualTo(2);
        assertThat(first.get("/console").status()).isEqualTo(303);
        assertThat(second.get("/console").status()).isEqualTo(303);
        assertThat(server.get("/api/v1/users/usr_unknown/console-sessions").status()).isEqualTo(404);
    }

    private HttpResult signOutAnswer() {
        ConsoleClient console = ConsoleClient.signIn(server, adminId);
        return console.postForm("/console/sign-out", Map.of("_csrf", console.csrfFrom("/console")));
    }
}
