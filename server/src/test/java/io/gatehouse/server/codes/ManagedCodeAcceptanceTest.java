package io.gatehouse.server.codes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.CodeImageDecoder;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acceptance through one real server, the parts together: a code made with {@code POST /api/v1/codes}
 * redirects, counts its uses, renders in each format to an image that zbarimg reads back as the code's URL, refuses
 * #777777 on white by its ratio, and a visitor's pass is a managed code too.
 */
@DatabaseTest
class ManagedCodeAcceptanceTest {
    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(strings = {"png", "svg", "pdf"})
    void a_created_code_renders_to_an_image_of_its_url_and_low_contrast_is_refused_by_its_ratio(String format) {
        try (TestServer server = TestServer.start(data)) {
            HttpResult created = server.post("/api/v1/codes", Map.of("target", "https://example.com/welcome",
                    "maxUses", 2));
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().get("id").asText();
            String url = created.json().get("url").asText();

            HttpResult refused = server.get("/api/v1/codes/" + id + "/image." + format + "?fg=777777&bg=ffffff");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().get("detail").asText()).contains("4.48").contains("777777");

            HttpResult image = server.get("/api/v1/codes/" + id + "/image." + format + "?fg=767676&bg=ffffff");
            assertThat(image.status()).isEqualTo(200);
            assertThat(CodeImageDecoder.decode(format, image.bytes(), data)).isEqualTo(url);
        }
    }

    @Test
    void the_code_redirects_while_active_then_answers_gone_and_summarises_its_scans() {
        try (TestServer server = TestServer.start(data)) {
            JsonNode created = server.post("/api/v1/codes", Map.of("target", "https://example.com/a", "maxUses", 2))
                    .json();
            String id = created.get("id").asText();
            String url = created.get("url").asText();
            HttpResult first = server.get(url, null);
            assertThat(first.status()).isIn(302, 303);
            assertThat(first.header("Location")).isEqualTo("https://example.com/a");
            assertThat(server.patch("/api/v1/codes/" + id, Map.of("target", "https://example.com/b")).status())
                    .isEqualTo(200);
            assertThat(server.get(url, null).header("Location")).isEqualTo("https://example.com/b");
            assertThat(server.get(url, null).status()).as("used up").isEqualTo(410);
            JsonNode summary = server.get("/api/v1/codes/" + id + "/scans/summary").json();
            assertThat(summary.has("total") && summary.has("byDeviceType") && summary.has("byCountry")).isTrue();
            assertThat(summary.get("total").asLong()).isEqualTo(3);
        }
    }

    @Test
    void a_visitor_s_pass_is_a_managed_code_that_leads_to_the_pass_page() {
        try (TestServer server = TestServer.start(data)) {
            String site = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"));
            String zone = server.createdId("/api/v1/zones", Map.of("siteId", site, "name", "Lobby"));
            String door = server.createdId("/api/v1/doors", Map.of("zoneId", zone, "name", "Front"));
            java.time.Instant now = server.clock().instant();
            HttpResult visitor = server.post("/api/v1/visitors", Map.of("name", "Ada Visitor", "email",
                    "ada@example.com", "doorIds", java.util.List.of(door), "from", now.toString(), "until",
                    now.plusSeconds(7200).toString(), "maxEntries", 2));
            assertThat(visitor.status()).as(visitor.toString()).isEqualTo(201);
            String passUrl = visitor.json().get("passUrl").asText();
            JsonNode listed = server.get("/api/v1/codes?purpose=visitor_pass").json();
            assertThat(listed.toString()).contains(visitor.json().get("id").asText());
            HttpResult opened = server.get(passUrl, null);
            assertThat(opened.status()).isEqualTo(303);
            assertThat(opened.header("Location")).contains("/visit/");
        }
    }
}
