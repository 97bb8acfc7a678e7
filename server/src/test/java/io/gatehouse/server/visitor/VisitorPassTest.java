package io.gatehouse.server.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Visitor passes end to end: invited over the API, the e-mail received through real SMTP (GreenMail), its inline
 * QR code decoded by zbarimg, and the decoded text relayed by readers to the scan endpoint.
 */
@DatabaseTest
class VisitorPassTest {
    static final ZoneId SITE = ZoneId.of("Europe/Berlin");

    @TempDir
    Path data;
    GreenMail smtp;
    TestServer server;
    String zoneId;
    String lobby;
    String lab;
    String otherZoneDoor;
    String lobbyReader;
    String labReader;
    String otherReader;

    @BeforeEach
    void start() {
        smtp = TestMail.smtp(0);
        Map<String, String> config = new HashMap<>(TestMail.config(smtp.getSmtp().getPort()));
        config.put("site.time-zone", SITE.getId());
        server = TestServer.start(data, config);
        String siteId = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", SITE.getId()));
        zoneId = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Ground floor"));
        lobby = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Lobby door"));
        lab = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Lab door"));
        String upstairs = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Upstairs"));
        otherZoneDoor = server.createdId("/api/v1/doors", Map.of("zoneId", upstairs, "name", "Board room"));
        lobbyReader = reader(lobby);
        labReader = reader(lab);
        otherReader = reader(otherZoneDoor);
    }

    @AfterEach
    void stop() {
        server.close();
        smtp.stop();
    }

    String reader(String doorId) {
        return server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "reader")).json().get("credential")
                .asText();
    }

    /** A local date-time in the site's zone, {@code offset} from the server's clock, as a form would send it. */
    String local(Duration offset) {
        return LocalDateTime.ofInstant(server.clock().instant().plus(offset), SITE).truncatedTo(ChronoUnit.MINUTES)
                .toString();
    }

    HttpResult invite(Map<String, Object> body) {
        return server.post("/api/v1/visitors", body);
    }

    Map<String, Object> visitor(List<String> doors, Duration from, Duration until, int maxEntries) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Vera Visitor");
        body.put("email", "vera@example.org");
        body.put("doorIds", doors);
        body.put("from", local(from));
        body.put("until", local(until));
        body.put("maxEntries", maxEntries);
        return body;
    }

    JsonNode scan(String reader, String payload) {
        HttpResult result = server.post("/api/v1/scans", Map.of("payload", payload), reader);
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result.json();
    }

    void assertScan(String reader, String payload, String decision, String reason) {
        JsonNode answer = scan(reader, payload);
        assertThat(answer.get("decision").asText()).as(answer.toString()).isEqualTo(decision);
        assertThat(answer.get("reason").isNull() ? null : answer.get("reason").asText()).as(answer.toString())
                .isEqualTo(reason);
    }

    /** Invites and returns the pass's QR text, read from the e-mail as a phone would read it. */
    String invitedPass(Map<String, Object> body, int mailsBefore) throws Exception {
        HttpResult created = invite(body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        MimeMessage mail = TestMail.awaitOne(smtp, mailsBefore + 1);
        return TestMail.decodedPass(mail, data);
    }

    @Test
    void the_mailed_pass_opens_the_invited_doors_inside_its_window_up_to_its_entries() throws Exception {
        Map<String, Object> body = visitor(List.of(lobby), Duration.ofHours(1), Duration.ofHours(3), 2);
        body.put("zoneIds", List.of());
        HttpResult created = invite(body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().has("passUrl")).isFalse();
        assertThat(created.json().get("invitation").get("state").asText()).isIn("pending", "sent");

        MimeMessage mail = TestMail.awaitOne(smtp, 1);
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("vera@example.org");
        assertThat(mail.getFrom()[0].toString()).isEqualTo(TestMail.FROM);
        String pass = TestMail.decodedPass(mail, data);
        assertThat(pass).matches(java.util.regex.Pattern.quote(server.gatehouse().baseUrl().toString()
                .replaceAll("/$", "")) + "/q/[A-Za-z0-9_-]{27}");
        String handle = pass.substring(pass.lastIndexOf('/') + 1);
        String html = TestMail.html(mail);
        assertThat(html).contains("cid:visitor-pass-qr").contains("Lobby door").contains("Europe/Berlin")
                .contains("/visit/" + handle);
        assertThat(TestMail.plain(mail)).contains("Lobby door").contains("up to 2");

        assertScan(lobbyReader, pass, "deny", "pass_not_yet_valid");
        server.clock().advance(Duration.ofHours(1).plusMinutes(5));
        assertScan(lobbyReader, pass, "grant", null);
        assertScan(labReader, pass, "deny", "door_not_invited");
        assertScan(otherReader, pass, "deny", "door_not_invited");
        assertScan(lobbyReader, pass, "grant", null);
        assertScan(lobbyReader, pass, "deny", "entries_used_up");

        JsonNode shown = server.get("/api/v1/visitors/" + id).json();
        for (int i = 0; i < 200 && !"sent".equals(shown.get("invitation").get("state").asText()); i++) {
            Thread.sleep(50);
            shown = server.get("/api/v1/visitors/" + id).json();
        }
        assertThat(shown.get("entriesUsed").asInt()).isEqualTo(2);
        assertThat(shown.get("state").asText()).isEqualTo("used_up");
        assertThat(shown.get("invitation").get("state").asText()).isEqualTo("sent");
        assertThat(shown.get("invitation").get("attempts").asInt()).isEqualTo(1);
        assertThat(shown.toString()).doesNotContain(handle);
        assertThat(server.get("/api/v1/visitors").text()).doesNotContain(handle);

        server.sealAudit();
        String audit = server.get("/api/v1/audit?action=door.scan&limit=100").text();
        assertThat(audit).contains("\"visitor\":\"" + id + "\"").doesNotContain("Vera").doesNotContain("vera@");
        assertThat(server.get("/api/v1/audit?limit=1000").text()).doesNotContain("Vera").doesNotContain("vera@")
                .doesNotContain(handle);
    }

    @Test
    void a_pass_for_a_zone_opens_its_doors_and_ends_with_its_window() throws Exception {
        Map<String, Object> body = visitor(List.of(), Duration.ofMinutes(-10), Duration.ofHours(2), 10);
        body.put("zoneIds", List.of(zoneId));
        String pass = invitedPass(body, 0);
        assertScan(lobbyReader, pass, "grant", null);
        assertScan(labReader, pass, "grant", null);
        assertScan(otherReader, pass, "deny", "door_not_invited");
        server.clock().advance(Duration.ofHours(3));
        assertScan(lobbyReader, pass, "deny", "pass_expired");
    }

    @Test
    void a_revoked_pass_is_denied_at_once_and_unknown_handles_are_denied() throws Exception {
        HttpResult created = invite(visitor(List.of(lobby), Duration.ofMinutes(-1), Duration.ofHours(2), 5));
        String id = created.json().get("id").asText();
        String pass = TestMail.decodedPass(TestMail.awaitOne(smtp, 1), data);
        assertScan(lobbyReader, pass, "grant", null);
        HttpResult revoked = server.post("/api/v1/visitors/" + id + "/revoke", "");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        assertThat(revoked.json().get("state").asText()).isEqualTo("revoked");
        assertScan(lobbyReader, pass, "deny", "pass_revoked");
        HttpResult page = server.get("/visit/" + pass.substring(pass.lastIndexOf('/') + 1), null);
        assertThat(page.text()).as("the pass page of a revoked pass").contains("This pass was revoked.")
                .contains("No door opens with this pass").doesNotContain("/bind").doesNotContain("/door-code");
        assertThat(server.post("/api/v1/visitors/" + id + "/revoke", "").status()).isEqualTo(409);
        assertThat(server.post("/api/v1/visitors/" + id + "/resend", "").status()).isEqualTo(409);

        String base = pass.substring(0, pass.lastIndexOf('/') + 1);
        assertScan(lobbyReader, base + "A".repeat(27), "deny", "unknown_pass");
        assertScan(lobbyReader, base + "short", "deny", "malformed_pass");
    }

    @Test
    void resending_sends_the_same_pass_again() throws Exception {
        HttpResult created = invite(visitor(List.of(lobby), Duration.ofMinutes(-1), Duration.ofHours(2), 5));
        String id = created.json().get("id").asText();
        String first = TestMail.decodedPass(TestMail.awaitOne(smtp, 1), data);
        HttpResult resent = server.post("/api/v1/visitors/" + id + "/resend", "");
        assertThat(resent.status()).as(resent.toString()).isEqualTo(200);
        String second = TestMail.decodedPass(TestMail.awaitOne(smtp, 2), data);
        assertThat(second).isEqualTo(first);
        assertScan(lobbyReader, second, "grant", null);
    }

    @Test
    void parallel_scans_at_two_readers_never_exceed_the_entries() throws Exception {
        Map<String, Object> body = visitor(List.of(lobby, lab), Duration.ofMinutes(-1), Duration.ofHours(2), 5);
        String pass = invitedPass(body, 0);
        assertThat(grants(server, lobbyReader, server, labReader, pass, 24)).isEqualTo(5);
    }

    @Test
    void parallel_scans_on_two_nodes_sharing_the_database_never_exceed_the_entries() throws Exception {
        Map<String, Object> body = visitor(List.of(lobby, lab), Duration.ofMinutes(-1), Duration.ofHours(2), 7);
        String pass = invitedPass(body, 0);
        try (TestServer second = server.secondNode()) {
            assertThat(grants(server, lobbyReader, second, labReader, pass, 30)).isEqualTo(7);
        }
    }

    private static long grants(TestServer nodeA, String readerA, TestServer nodeB, String readerB, String pass,
            int scans) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<HttpResult>> calls = new ArrayList<>();
            for (int i = 0; i < scans; i++) {
                boolean a = i % 2 == 0;
                calls.add(() -> (a ? nodeA : nodeB).post("/api/v1/scans", Map.of("payload", pass), a ? readerA
                        : readerB));
            }
            long granted = 0;
            for (Future<HttpResult> result : pool.invokeAll(calls)) {
                HttpResult answer = result.get();
                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                String decision = answer.json().get("decision").asText();
                if ("grant".equals(decision)) {
                    granted++;
                } else {
                    assertThat(answer.json().get("reason").asText()).isEqualTo("entries_used_up");
                }
            }
            return granted;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invitations_are_checked_field_by_field() {
        Map<String, Object> good = visitor(List.of(lobby), Duration.ofMinutes(0), Duration.ofHours(2), 1);
        assertProblem(with(good, "doorIds", List.of("door_nope")), 404, "door_not_found");
        assertProblem(with(good, "zoneIds", List.of("zone_nope")), 404, "zone_not_found");
        assertProblem(with(with(good, "doorIds", List.of()), "zoneIds", List.of()), 400, "invalid_field");
        assertProblem(with(good, "until", local(Duration.ofMinutes(-5))), 400, "invalid_field");
        assertProblem(with(good, "until", local(Duration.ofDays(40))), 400, "invalid_field");
        assertProblem(with(good, "from", "tomorrow"), 400, "invalid_field");
        assertProblem(with(good, "maxEntries", 0), 400, "invalid_field");
        assertProblem(with(good, "maxEntries", 1001), 400, "invalid_field");
        assertProblem(with(good, "email", "not an address"), 400, "invalid_field");
        assertProblem(with(good, "name", " "), 400, "invalid_field");
        assertProblem(with(good, "hostUserId", "usr_nobody"), 404, "user_not_found");
        HttpResult tooLong = invite(with(good, "until", local(Duration.ofDays(40))));
        assertThat(tooLong.json().get("detail").asText()).contains("at most 31 days");
        HttpResult unordered = invite(with(good, "until", local(Duration.ofMinutes(-30))));
        assertThat(unordered.json().get("detail").asText()).startsWith("field 'until' must be after 'from', got ");

        String offset = server.clock().instant().plus(Duration.ofHours(1)).atZone(SITE).toOffsetDateTime()
                .truncatedTo(ChronoUnit.SECONDS).toString();
        HttpResult withOffset = invite(with(good, "until", offset));
        assertThat(withOffset.status()).as(withOffset.toString()).isEqualTo(201);
        assertThat(withOffset.json().get("until").asText()).isEqualTo(offset);
        assertThat(withOffset.json().get("timeZone").asText()).isEqualTo(SITE.getId());
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> changed = new HashMap<>(body);
        changed.put(key, value);
        return changed;
    }

    private void assertProblem(Map<String, Object> body, int status, String code) {
        HttpResult result = invite(body);
        assertThat(result.status()).as(result.toString()).isEqualTo(status);
        assertThat(result.json().get("code").asText()).as(result.toString()).isEqualTo(code);
    }

    @Test
    void the_pass_page_shows_the_window_and_doors_without_personal_data() throws Exception {
        String pass = invitedPass(visitor(List.of(lobby), Duration.ofMinutes(-1), Duration.ofHours(2), 3), 0);
        String handle = pass.substring(pass.lastIndexOf('/') + 1);
        HttpResult page = server.get("/visit/" + handle, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Security-Policy")).contains("default-src 'none'").doesNotContain(
                "unsafe-inline");
        assertThat(page.header("Cache-Control")).contains("no-store");
        assertThat(page.text()).contains("Lobby door").contains("Europe/Berlin").contains("0 of 3 used")
                .doesNotContain("Vera").doesNotContain("<script");
        assertThat(server.get("/visit/" + "B".repeat(27), null).status()).isEqualTo(404);
    }

    @Test
    void scopes_visitors_read_and_write() {
        String reader = token("visitors:read");
        String writer = token("visitors:write");
        Map<String, Object> body = visitor(List.of(lobby), Duration.ofMinutes(0), Duration.ofHours(2), 1);
        assertThat(server.post("/api/v1/visitors", body, reader).status()).isEqualTo(403);
        HttpResult created = server.post("/api/v1/visitors", body, writer);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(server.get("/api/v1/visitors?state=active", reader).json().get("visitors").size()).isEqualTo(1);
        assertThat(server.get("/api/v1/visitors?state=expired", reader).json().get("visitors").size()).isZero();
        assertThat(server.get("/api/v1/visitors?state=bogus", reader).status()).isEqualTo(400);
        assertThat(server.get("/api/v1/visitors", token("audit:read")).status()).isEqualTo(403);
    }

    private String token(String scope) {
        HttpResult created = server.post("/api/v1/tokens", Map.of("name", scope, "scopes", List.of(scope)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("token").asText();
    }
}
