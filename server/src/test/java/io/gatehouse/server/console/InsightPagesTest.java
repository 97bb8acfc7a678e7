package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.OpenApiContract;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's Overview, Audit and Analytics pages over HTTP: what each role sees and may do, filters and escaping,
 * the console's export (audited) and its live stream, which takes the session instead of a token.
 */
class InsightPagesTest {
    static final String SCRIPT = "<script>alert(1)</script>";

    @TempDir
    Path data;
    TestServer server;
    Database database;
    AuditLog audit;

    @BeforeEach
    void start() {
        server = TestServer.startOnLocalhost(data, true);
        database = server.gatehouse().services().core().database();
        audit = server.gatehouse().services().core().audit();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ConsoleClient as(String username, String role) {
        String id = server.post("/api/v1/users", Map.of("username", username, "roles", List.of(role))).json()
                .get("id").asText();
        return ConsoleClient.signIn(server, id);
    }

    private long scan(String door, String result, String reason) {
        return database.decide(tx -> audit.append(tx, new AuditEvent("reader:rdr_t", "door.scan", null,
                "door:" + door, result, reason, ClientInfo.local("test"), Map.of("mode", "online"))));
    }

    @Test
    void the_overview_shows_todays_decisions_to_readers_of_the_audit_log_only() {
        scan("dor_front", "grant", null);
        scan("dor_front", "deny", "revoked");
        scan("dor_back", "deny", "revoked");

        HttpResult overview = as("sam", "security").get("/console");
        HttpResult desk = as("hal", "helpdesk").get("/console");

        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.text()).contains("data-page=\"overview\"", "data-figure=\"grants\">1<",
                "data-figure=\"denies\">2<", "<td>revoked</td><td>2</td>", "data-feed=\"/console/stream\"",
                "/console/assets/overview.js");
        assertThat(desk.status()).isEqualTo(200);
        assertThat(desk.text()).contains("data-page=\"overview\"").doesNotContain("data-feed", "data-figure");
    }

    @Test
    void the_audit_page_filters_pages_and_escapes_what_it_shows() {
        for (int i = 0; i < AuditPages.PAGE + 5; i++) {
            scan("dor_front", "deny", "revoked");
        }
        scan("dor_side", "deny", SCRIPT);
        ConsoleClient auditor = as("ann", "auditor");

        HttpResult page = auditor.get("/console/audit?door=dor_front&result=deny&user=" + "%22%3E%3Cimg%20src%3Dx%3E");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-page=\"audit\"", "data-chain-state=\"intact\"")
                .doesNotContain("\"><img src=x>").contains("value=\"&#34;>&lt;img src=x>\"");

        HttpResult front = auditor.get("/console/audit?door=dor_front&from=2000-01-01T00:00");
        assertThat(front.text().split("data-record=").length - 1).isEqualTo(AuditPages.PAGE);
        assertThat(front.text()).contains("rel=\"next\"", "/console/audit/export?door=dor_front&amp;from=2000-01-01T00%3A00%3A00Z&amp;format=csv");

        HttpResult side = auditor.get("/console/audit?door=dor_side");
        assertThat(side.text()).doesNotContain(SCRIPT).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void a_role_without_audit_read_is_refused_the_audit_and_analytics_pages() {
        ConsoleClient desk = as("hal", "helpdesk");

        assertThat(desk.get("/console/audit").status()).isEqualTo(403);
        assertThat(desk.get("/console/analytics").status()).isEqualTo(403);
        assertThat(desk.get("/console/audit/export?format=csv").status()).isEqualTo(403);
        assertThat(desk.get("/console/stream").status()).isEqualTo(403);
    }

    @Test
    void the_console_export_is_a_file_and_is_audited_as_the_person() {
        scan("dor_front", "deny", "=cmd|' /C calc'!A0");
        ConsoleClient security = as("sam", "security");

        HttpResult csv = security.get("/console/audit/export?door=dor_front&format=csv");

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Disposition")).startsWith("attachment; filename=\"gatehouse-audit-");
        assertThat(csv.text()).contains(",'=cmd|' /C calc'!A0,");
        HttpResult exports = server.get("/api/v1/audit?action=audit.export");
        assertThat(exports.json().get("records").get(0).get("actor").asText()).startsWith("user:");
        assertThat(exports.json().get("records").get(0).get("details").get("filter").get("door").asText())
                .isEqualTo("dor_front");
    }

    @Test
    void analytics_carries_the_figures_its_charts_draw() {
        scan("dor_front", "deny", "revoked");

        HttpResult page = as("ann", "auditor").get("/console/analytics");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-page=\"analytics\"", "data-chart=\"decisions\"",
                "data-chart=\"reasons\"", "data-chart=\"doors\"", "data-chart=\"devices\"", "data-chart=\"totp\"",
                "/console/assets/echarts.min.js", "/console/assets/analytics.js",
                "<tr><td class=\"mono\">dor_front</td><td>0</td><td>1</td></tr>");
        assertThat(as("bo", "admin").get("/console/analytics?from=2026-13-01T00:00").status()).isEqualTo(400);
    }

    @Test
    void the_console_stream_sends_door_decisions_to_a_signed_in_reader() throws Exception {
        ConsoleClient security = as("sam", "security");
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                server.uri("/console/stream")).header("Cookie", ConsoleClient.cookieName() + "="
                + security.cookieValue()).build(), HttpResponse.BodyHandlers.ofLines());
        OpenApiContract.get().check(response, new byte[0]);
        try (Stream<String> lines = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            database.decide(tx -> audit.append(tx, AuditEvent.of("tester", "user.note", ClientInfo.local("test"))
                    .success()));
            long id = scan("dor_front", "grant", null);

            Iterator<String> read = lines.iterator();
            String line = read.next();
            while (!line.startsWith("id: ")) {
                line = read.next();
            }
            assertThat(line).isEqualTo("id: " + id);
            assertThat(read.next()).startsWith("data: {\"id\":" + id + ",\"time\":\"").contains("\"door\":\"dor_front\"");
        }
        assertThat(Instant.now()).isNotNull();
    }
}
