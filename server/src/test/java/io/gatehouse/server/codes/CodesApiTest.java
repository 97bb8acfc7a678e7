package io.gatehouse.server.codes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.CountryDatabase;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Managed URL codes end to end: the API, the public redirect, and the analytics of scripted scans. */
@DatabaseTest
class CodesApiTest {
    static final String TARGET = "https://example.com/welcome?from=poster";

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1",
                "geoip.database", CountryDatabase.require().toString()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    JsonNode create(Map<String, Object> body) {
        HttpResult created = server.post("/api/v1/codes", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    /** A scan as a phone would send it, from {@code address} behind the trusted proxy. */
    HttpResult scan(String url, String userAgent, String address) {
        return scan(url, userAgent, address, "*/*");
    }

    HttpResult scan(String url, String userAgent, String address, String accept) {
        return server.send(HttpRequest.newBuilder(server.uri(url)).GET().header("User-Agent", userAgent)
                .header("X-Forwarded-For", address).header("Accept", accept), null);
    }

    @Test
    void a_code_redirects_until_its_uses_are_up_and_its_scans_are_summarised_exactly() {
        JsonNode code = create(Map.of("target", TARGET, "maxUses", 3, "label", "Lobby poster"));
        String id = code.get("id").asText();
        String url = code.get("url").asText();
        assertThat(id).startsWith("qc_");
        assertThat(url).startsWith(server.gatehouse().baseUrl() + "/q/");
        assertThat(url.substring(url.lastIndexOf('/') + 1)).hasSize(27).matches("[A-Za-z0-9_-]+");
        assertThat(code.get("state").asText()).isEqualTo("active");
        assertThat(code.get("remainingUses").asInt()).isEqualTo(3);

        for (String[] client : new String[][] {{UserAgentStrings.IPHONE_SAFARI, "8.8.8.8"},
                {UserAgentStrings.ANDROID_CHROME, "1.1.1.1"}, {UserAgentStrings.DESKTOP_FIREFOX, "81.2.69.160"}}) {
            HttpResult redirect = scan(url, client[0], client[1]);
            assertThat(redirect.status()).as(redirect.toString()).isEqualTo(302);
            assertThat(redirect.header("Location")).isEqualTo(TARGET);
            assertThat(redirect.header("Cache-Control")).isEqualTo("no-store");
        }
        HttpResult usedUp = scan(url, UserAgentStrings.GOOGLEBOT, "10.0.0.1");
        assertThat(usedUp.status()).isEqualTo(410);
        assertThat(usedUp.json().get("code").asText()).isEqualTo("code_gone");
        HttpResult page = scan(url, UserAgentStrings.IPAD_SAFARI, "2001:4860:4860::8888",
                "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        assertThat(page.status()).isEqualTo(410);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("<html lang=\"en\">").contains("data-code-gone").doesNotContain("<script");
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'");

        JsonNode listed = server.get("/api/v1/codes/" + id).json();
        assertThat(listed.get("state").asText()).isEqualTo("used_up");
        assertThat(listed.get("uses").asInt()).isEqualTo(3);
        assertThat(listed.get("scans").asInt()).isEqualTo(5);

        JsonNode summary = server.get("/api/v1/codes/" + id + "/scans/summary").json();
        assertThat(summary.get("total").asInt()).isEqualTo(5);
        assertThat(summary.get("redirected").asInt()).isEqualTo(3);
        assertThat(summary.get("refused").asInt()).isEqualTo(2);
        assertThat(counts(summary.get("byDeviceType"))).isEqualTo(Map.of("phone", 2, "desktop", 1, "bot", 1,
                "tablet", 1));
        assertThat(counts(summary.get("byCountry"))).isEqualTo(Map.of("US", 2, "AU", 1, "GB", 1, "unknown", 1));
        assertThat(counts(summary.get("byOs"))).containsEntry("iOS", 2).containsEntry("Android", 1)
                .containsEntry("Windows", 1);
        assertThat(counts(summary.get("byOutcome"))).isEqualTo(Map.of("redirected", 3, "used_up", 2));
        List<JsonNode> days = new ArrayList<>();
        summary.get("overTime").forEach(days::add);
        assertThat(days).hasSize(30);
        assertThat(days.stream().mapToInt(day -> day.get("total").asInt()).sum()).isEqualTo(5);
        assertThat(days.get(days.size() - 1).get("redirected").asInt()).isEqualTo(3);

        // Only the network is stored, never the address.
        List<String> networks = server.gatehouse().services().core().database().read(tx -> tx.query(
                "SELECT network FROM code_scans WHERE code_id = ? ORDER BY id", rs -> rs.getString(1), id));
        assertThat(networks).containsExactly("8.8.8.0/24", "1.1.1.0/24", "81.2.69.0/24", "10.0.0.0/24",
                "2001:4860:4860::/48");
    }

    @Test
    void summaries_by_hour_and_for_a_period() {
        String url = create(Map.of("target", TARGET)).get("url").asText();
        String id = server.get("/api/v1/codes").json().get("codes").get(0).get("id").asText();
        scan(url, UserAgentStrings.IPHONE_SAFARI, "8.8.8.8");
        server.clock().advance(Duration.ofHours(3));
        scan(url, UserAgentStrings.DESKTOP_FIREFOX, "8.8.8.8");
        JsonNode hourly = server.get("/api/v1/codes/" + id + "/scans/summary?interval=hour").json();
        assertThat(hourly.get("interval").asText()).isEqualTo("hour");
        assertThat(hourly.get("overTime")).hasSize(48);
        List<Integer> totals = new ArrayList<>();
        hourly.get("overTime").forEach(hour -> totals.add(hour.get("total").asInt()));
        assertThat(totals.stream().filter(total -> total > 0).toList()).containsExactly(1, 1);
        String from = server.clock().instant().minus(Duration.ofHours(1)).toString();
        JsonNode recent = server.get("/api/v1/codes/" + id + "/scans/summary?from=" + from).json();
        assertThat(recent.get("total").asInt()).isEqualTo(1);
        assertThat(counts(recent.get("byDeviceType"))).isEqualTo(Map.of("desktop", 1));
        assertThat(server.get("/api/v1/codes/" + id + "/scans/summary?interval=minute").status()).isEqualTo(400);
        assertThat(server.get("/api/v1/codes/" + id + "/scans/summary?interval=hour&from=2020-01-01T00:00:00Z")
                .json().get("detail").asText()).contains("at most 1000 intervals");
    }

    @Test
    void targets_must_be_absolute_web_urls_and_the_problem_says_why() {
        Map<String, String> refused = new HashMap<>();
        refused.put("javascript:alert(1)", "got a javascript: URL");
        refused.put("data:text/html,<script>alert(1)</script>", "got text that is not a URL");
        refused.put("data:text/html;base64,PHNjcmlwdD4=", "got a data: URL");
        refused.put("/welcome", "got a relative URL");
        refused.put("example.com/welcome", "got a relative URL");
        refused.put("https://bank.example@evil.example/", "got a URL with user information");
        refused.put("ftp://files.example/x", "got a ftp: URL");
        refused.put("https:///no-host", "got a URL without a host");
        refused.put("https://example.com/" + "a".repeat(2100), "got 2120 characters");
        refused.forEach((target, why) -> {
            HttpResult answer = server.post("/api/v1/codes", Map.of("target", target));
            assertThat(answer.status()).as(target).isEqualTo(400);
            assertThat(answer.json().get("code").asText()).isEqualTo("invalid_field");
            assertThat(answer.json().get("detail").asText()).as(target).startsWith("field 'target' must be an"
                    + " absolute http or https URL").contains(why);
        });
        assertThat(server.post("/api/v1/codes", Map.of("target", 5)).json().get("detail").asText())
                .isEqualTo("field 'target' must be a string, got the number 5");
        assertThat(server.post("/api/v1/codes", Map.of()).status()).isEqualTo(400);
        assertThat(server.post("/api/v1/codes", Map.of("target", TARGET, "maxUses", 0)).json().get("detail")
                .asText()).contains("maxUses");
        assertThat(server.post("/api/v1/codes", Map.of("target", TARGET, "expiresAt", "2020-01-01T00:00:00Z"))
                .json().get("detail").asText()).contains("an instant in the future");
        assertThat(server.post("/api/v1/codes", Map.of("target", TARGET, "expiresAt", "tomorrow")).json()
                .get("detail").asText()).contains("RFC 3339");
        assertThat(server.get("/api/v1/codes").json().get("codes")).isEmpty();
    }

    @Test
    void edit_disable_enable_and_revoke_change_what_the_code_answers_and_are_audited() {
        JsonNode code = create(Map.of("target", TARGET));
        String id = code.get("id").asText();
        String url = code.get("url").asText();

        HttpResult edited = send("PATCH", "/api/v1/codes/" + id, "{\"target\":\"https://example.org/new\","
                + "\"maxUses\":10}");
        assertThat(edited.status()).as(edited.toString()).isEqualTo(200);
        assertThat(edited.json().get("maxUses").asInt()).isEqualTo(10);
        assertThat(scan(url, UserAgentStrings.IPHONE_SAFARI, "8.8.8.8").header("Location"))
                .isEqualTo("https://example.org/new");
        assertThat(send("PATCH", "/api/v1/codes/" + id, "{\"maxUses\":null}").json().has("maxUses")).isFalse();
        assertThat(send("PATCH", "/api/v1/codes/" + id, "{\"purpose\":\"url\"}").json().get("code").asText())
                .isEqualTo("unknown_field");
        assertThat(send("PATCH", "/api/v1/codes/" + id, "{\"target\":\"javascript:alert(1)\"}").status())
                .isEqualTo(400);

        assertThat(server.post("/api/v1/codes/" + id + "/disable", "").json().get("state").asText())
                .isEqualTo("disabled");
        assertThat(scan(url, UserAgentStrings.IPHONE_SAFARI, "8.8.8.8").status()).isEqualTo(410);
        assertThat(server.post("/api/v1/codes/" + id + "/disable", "").status()).isEqualTo(409);
        assertThat(server.post("/api/v1/codes/" + id + "/enable", "").json().get("state").asText())
                .isEqualTo("active");
        assertThat(scan(url, UserAgentStrings.IPHONE_SAFARI, "8.8.8.8").status()).isEqualTo(302);

        HttpResult revoked = server.post("/api/v1/codes/" + id + "/revoke", "");
        assertThat(revoked.json().get("state").asText()).isEqualTo("revoked");
        assertThat(revoked.json().has("url")).as("a revoked code's URL is not shown any more").isFalse();
        HttpResult gone = scan(url, UserAgentStrings.IPHONE_SAFARI, "8.8.8.8");
        assertThat(gone.status()).isEqualTo(410);
        assertThat(server.post("/api/v1/codes/" + id + "/revoke", "").json().get("code").asText())
                .isEqualTo("code_revoked");
        assertThat(server.post("/api/v1/codes/" + id + "/enable", "").status()).isEqualTo(409);
        assertThat(send("PATCH", "/api/v1/codes/" + id, "{\"target\":\"https://example.org/\"}").status())
                .isEqualTo(409);

        // An unknown handle looks exactly like a revoked code.
        HttpResult unknown = scan(server.gatehouse().baseUrl() + "/q/" + "A".repeat(27),
                UserAgentStrings.IPHONE_SAFARI, "8.8.8.8");
        assertThat(unknown.status()).isEqualTo(gone.status());
        assertThat(unknown.json().get("code")).isEqualTo(gone.json().get("code"));
        assertThat(unknown.json().get("detail")).isEqualTo(gone.json().get("detail"));
        assertThat(unknown.contentType()).isEqualTo(gone.contentType());

        server.sealAudit();
        List<String> actions = new ArrayList<>();
        server.get("/api/v1/audit?limit=100").json().get("records").forEach(record -> {
            if (record.get("action").asText().startsWith("code.")) {
                actions.add(record.get("action").asText() + " " + record.get("subject").asText());
            }
        });
        assertThat(actions).containsExactlyInAnyOrder("code.create code:" + id, "code.edit code:" + id,
                "code.edit code:" + id, "code.disable code:" + id, "code.enable code:" + id,
                "code.revoke code:" + id);
    }

    @Test
    void single_use_and_expiry() {
        JsonNode single = create(Map.of("target", TARGET, "singleUse", true));
        assertThat(single.get("maxUses").asInt()).isEqualTo(1);
        assertThat(scan(single.get("url").asText(), UserAgentStrings.IPHONE_SAFARI, "8.8.8.8").status())
                .isEqualTo(302);
        assertThat(scan(single.get("url").asText(), UserAgentStrings.IPHONE_SAFARI, "8.8.8.8").status())
                .isEqualTo(410);
        assertThat(server.post("/api/v1/codes", Map.of("target", TARGET, "singleUse", true, "maxUses", 2))
                .status()).isEqualTo(400);

        Instant inAnHour = server.clock().instant().plus(Duration.ofHours(1));
        JsonNode expiring = create(Map.of("target", TARGET, "expiresAt", inAnHour.toString()));
        assertThat(expiring.get("expiresAt").asText()).isEqualTo(inAnHour.toString());
        assertThat(scan(expiring.get("url").asText(), UserAgentStrings.IPHONE_SAFARI, "8.8.8.8").status())
                .isEqualTo(302);
        server.clock().advance(Duration.ofHours(2));
        assertThat(scan(expiring.get("url").asText(), UserAgentStrings.IPHONE_SAFARI, "8.8.8.8").status())
                .isEqualTo(410);
        String id = expiring.get("id").asText();
        assertThat(server.get("/api/v1/codes/" + id).json().get("state").asText()).isEqualTo("expired");
        assertThat(counts(server.get("/api/v1/codes/" + id + "/scans/summary").json().get("byOutcome")))
                .isEqualTo(Map.of("redirected", 1, "expired", 1));

        assertThat(ids("/api/v1/codes?state=expired")).containsExactly(id);
        assertThat(ids("/api/v1/codes?state=used_up")).containsExactly(single.get("id").asText());
        assertThat(ids("/api/v1/codes?state=active")).isEmpty();
        assertThat(ids("/api/v1/codes?purpose=url")).hasSize(2);
        assertThat(ids("/api/v1/codes?purpose=totp_enrollment")).isEmpty();
        assertThat(server.get("/api/v1/codes?state=sleeping").status()).isEqualTo(400);
        JsonNode first = server.get("/api/v1/codes?limit=1").json();
        assertThat(first.get("codes")).hasSize(1);
        JsonNode second = server.get("/api/v1/codes?limit=1&after=" + first.get("next").asText()).json();
        assertThat(List.of(first.get("codes").get(0).get("id").asText(),
                second.get("codes").get(0).get("id").asText())).containsExactlyInAnyOrder(id,
                single.get("id").asText());
        assertThat(second.get("next").isNull()).isTrue();
    }

    @Test
    void scan_details_older_than_the_retention_are_deleted_and_the_totals_remain() {
        JsonNode code = create(Map.of("target", TARGET));
        String id = code.get("id").asText();
        scan(code.get("url").asText(), UserAgentStrings.IPHONE_SAFARI, "8.8.8.8");
        scan(code.get("url").asText(), UserAgentStrings.ANDROID_CHROME, "1.1.1.1");
        server.clock().advance(Duration.ofDays(91));
        scan(code.get("url").asText(), UserAgentStrings.DESKTOP_FIREFOX, "81.2.69.160");
        ManagedCodes codes = server.gatehouse().services().codes().codes();
        assertThat(codes.purgeScans()).isEqualTo(2);
        JsonNode summary = server.get("/api/v1/codes/" + id + "/scans/summary?from="
                + server.clock().instant().minus(Duration.ofDays(100))).json();
        assertThat(summary.get("total").asInt()).isEqualTo(1);
        assertThat(summary.get("allTimeTotal").asInt()).isEqualTo(3);
        assertThat(summary.get("uses").asInt()).isEqualTo(3);
        assertThat(counts(summary.get("byCountry"))).isEqualTo(Map.of("GB", 1));
    }

    @Test
    void scopes_codes_read_and_codes_write() {
        String reader = token("codes:read");
        String writer = token("codes:write");
        String id = create(Map.of("target", TARGET)).get("id").asText();
        assertThat(server.get("/api/v1/codes", reader).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/codes/" + id + "/scans/summary", reader).status()).isEqualTo(200);
        HttpResult refused = server.post("/api/v1/codes", Map.of("target", TARGET), reader);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("requiredPermission").asText()).isEqualTo("codes_write");
        assertThat(server.post("/api/v1/codes/" + id + "/revoke", "", reader).status()).isEqualTo(403);
        assertThat(server.post("/api/v1/codes", Map.of("target", TARGET), writer).status()).isEqualTo(201);
        assertThat(server.get("/api/v1/codes", token("verify")).status()).isEqualTo(403);
        assertThat(server.get("/api/v1/codes", null).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/codes/qc_nope").status()).isEqualTo(404);
    }

    String token(String scope) {
        HttpResult created = server.post("/api/v1/tokens", Map.of("name", "codes " + scope, "scopes",
                List.of(scope)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("token").asText();
    }

    List<String> ids(String path) {
        List<String> ids = new ArrayList<>();
        server.get(path).json().get("codes").forEach(code -> ids.add(code.get("id").asText()));
        return ids;
    }

    HttpResult send(String method, String path, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)), server.adminToken());
    }

    static Map<String, Integer> counts(JsonNode object) {
        Map<String, Integer> counts = new HashMap<>();
        object.properties().forEach(entry -> counts.put(entry.getKey(), entry.getValue().asInt()));
        return counts;
    }
}
