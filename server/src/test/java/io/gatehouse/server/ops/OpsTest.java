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
        assertThat(server.get("/health/live", null).status()).isEqualTo(200);
        HttpResult ready = server.get("/health/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("database").asText()).isEqualTo("UP");
    }

    @Test
    void metrics_are_in_prometheus_text_format() {
        server.post("/api/v1/totp/verify", "{\"username\":\"nobody\",\"code\":\"123456\"}");
        HttpResult metrics = server.get("/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.contentType()).startsWith("text/plain");
        assertThat(metrics.text()).contains("jvm_memory_used_bytes").contains("gatehouse_http_requests_seconds");
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
