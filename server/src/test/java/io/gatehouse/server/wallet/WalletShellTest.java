package io.gatehouse.server.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wallet's installable shell: its page, manifest, icons and service worker, and the headers they carry. */
class WalletShellTest {
    @TempDir
    Path dir;
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_manifest_is_a_web_app_manifest_with_real_icons_of_192_and_512_pixels() throws IOException {
        HttpResult manifest = server.get("/wallet/manifest.webmanifest", null);
        assertThat(manifest.status()).isEqualTo(200);
        assertThat(manifest.contentType()).startsWith("application/manifest+json");
        JsonNode json = manifest.json();
        assertThat(json.get("name").asText()).isEqualTo("Gatehouse wallet");
        assertThat(json.get("short_name").asText()).isNotBlank();
        assertThat(json.get("start_url").asText()).isEqualTo("/wallet/");
        assertThat(json.get("scope").asText()).isEqualTo("/wallet/");
        assertThat(json.get("display").asText()).isEqualTo("standalone");
        assertThat(json.get("theme_color").asText()).matches("#[0-9a-f]{6}");
        assertThat(json.get("background_color").asText()).matches("#[0-9a-f]{6}");
        Set<String> sizes = new HashSet<>();
        for (JsonNode icon : json.get("icons")) {
            HttpResult png = server.get(icon.get("src").asText(), null);
            assertThat(png.status()).as(icon.toString()).isEqualTo(200);
            assertThat(png.contentType()).isEqualTo(icon.get("type").asText()).isEqualTo("image/png");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.bytes()));
            assertThat(image.getWidth() + "x" + image.getHeight()).isEqualTo(icon.get("sizes").asText());
            sizes.add(icon.get("sizes").asText());
        }
        assertThat(sizes).containsExactlyInAnyOrder("192x192", "512x512");
    }

    @Test
    void the_page_runs_only_its_own_scripts_and_links_the_manifest() {
        for (String path : new String[] {"/wallet", "/wallet/"}) {
            HttpResult page = server.get(path, null);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.contentType()).startsWith("text/html");
            String csp = page.header("Content-Security-Policy");
            assertThat(csp).contains("script-src 'self'").contains("connect-src 'self'")
                    .contains("img-src 'self' blob:").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(page.text()).contains("<link rel=\"manifest\" href=\"/wallet/manifest.webmanifest\">")
                    .contains("data-action=\"show-door-code\"").contains("data-door-code")
                    .contains("brightness").doesNotContain("<script>");
        }
    }

    @Test
    void the_service_worker_keeps_the_shell_and_never_an_api_answer() {
        HttpResult worker = server.get("/wallet/sw.js", null);
        assertThat(worker.status()).isEqualTo(200);
        assertThat(worker.contentType()).startsWith("text/javascript");
        assertThat(worker.text()).contains("'/wallet/wallet.js'").doesNotContain("/api/");
        HttpResult script = server.get("/wallet/wallet.js", null);
        assertThat(script.text()).contains("navigator.serviceWorker.register('/wallet/sw.js', {scope: '/wallet/'})")
                .doesNotContain("eval(");
    }

    @Test
    void the_device_enrollment_page_offers_this_phone_and_keeps_the_command_line_wallet() {
        String userId = server.post("/api/v1/users", java.util.Map.of("username", "ada")).json().get("id").asText();
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", java.util.Map.of()).json()
                .get("enrollmentUrl").asText();
        HttpResult page = server.get(url, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("data-action=\"register-passkey\"").contains("Use this phone")
                .contains("<script src=\"/passkey/register.js\" defer></script>").contains("/qr.png")
                .contains("command-line wallet");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'")
                .contains("connect-src 'self'").doesNotContain("script-src 'unsafe");
    }
}
