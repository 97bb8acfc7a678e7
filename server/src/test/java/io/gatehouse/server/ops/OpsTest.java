package io.gatehouse.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DatabaseTest
class OpsTest {
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

    @Test
    void health_probes_answer_without_a_token() {
        HttpResult live = server.get("/health/live", null);
        assertThat(live.status()).isEqualTo(200);
        assertThat(live.text()).isEqualTo("{\"status\":\"UP\"}");
        HttpResult ready = server.get("/health/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("database").asText()).isEqualTo("UP");
        assertThat(ready.text()).isEqualTo("{\"status\":\"UP\",\"database\":\"UP\"}");
    }

    @Test
    void metrics_are_in_prometheus_text_format() {
        server.post("/api/v1/totp/verify", "{\"username\":\"nobody\",\"code\":\"123456\"}");
        HttpResult metrics = server.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.text()).contains("jvm_memory_used_bytes").contains("gatehouse_http_requests_seconds");
        if (!io.gatehouse.server.testing.TestDatabases.isPostgres()) {
            assertThat(metrics.text()).as("group commit on SQLite").contains("gatehouse_commit_groups_total")
                    .contains("gatehouse_commit_decisions_total");
        }
    }

    @Test
    void every_route_is_described_in_the_openapi_document() {
        HttpResult document = server.get("/api/openapi.json", null);
        assertThat(document.status()).isEqualTo(200);
        JsonNode paths = document.json().get("paths");
        for (String route : server.gatehouse().routes()) {
            String method = route.substring(0, route.indexOf(' ')).toLowerCase(Locale.ROOT);
            String path = route.substring(route.indexOf(' ') + 1);
            assertThat(paths.has(path)).as("OpenAPI documents " + path).isTrue();
            assertThat(paths.get(path).has(method)).as("OpenAPI documents " + route).isTrue();
        }
        paths.fieldNames().forEachRemaining(path -> assertThat(server.gatehouse().routes())
                .as("documented path %s exists", path).anyMatch(route -> route.endsWith(" " + path)));
    }

    @Test
    void swagger_ui_is_served_from_the_webjar_under_a_policy_without_inline_script() {
        HttpResult page = server.get("/api/docs", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType().replace(" ", "")).isEqualTo("text/html;charset=utf-8");
        assertThat(page.header("Content-Security-Policy").split(";\\s*"))
                .as("scripts only from this server, none inline").contains("script-src 'self'")
                .doesNotContain("script-src 'self' 'unsafe-inline'").contains("default-src 'none'");
        assertThat(page.text()).contains("src=\"/api/docs/swagger-ui-bundle.js\"")
                .contains("src=\"/api/docs/init.js\"").doesNotContain("<script>");
        HttpResult bundle = server.get("/api/docs/swagger-ui-bundle.js", null);
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.contentType()).startsWith("text/javascript");
        assertThat(bundle.bytes().length).isGreaterThan(100_000);
        assertThat(server.get("/api/docs/init.js", null).text()).contains("/api/openapi.json");
        assertThat(server.get("/api/docs/index.html", null).status()).as("only the listed files").isEqualTo(404);
        assertThat(server.get("/api/docs/..%2F..%2Fopenapi.json", null).status()).isEqualTo(404);
    }

    @Test
    void the_bootstrap_link_creates_one_admin_and_dies() {
        // The test server created its admin through the services, so start from a database without one.
        server.gatehouse().services().core().database()
                .inTransaction(tx -> tx.update("UPDATE api_tokens SET revoked_at = 1"));
        String secret = server.gatehouse().services().auth().bootstrap().issueIfNeeded().orElseThrow();
        HttpResult page = server.get("/bootstrap/" + secret, null);
        assertThat(page.status()).isEqualTo(200);
        HttpResult created = server.post("/bootstrap/" + secret, "{\"name\":\"first admin\"}", null);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String token = created.json().get("token").asText();
        assertThat(server.get("/api/v1/users", token).status()).isEqualTo(200);
        assertThat(server.post("/bootstrap/" + secret, "{}", null).status()).isEqualTo(410);
        assertThat(server.gatehouse().services().auth().bootstrap().issueIfNeeded()).isEmpty();
    }
}
