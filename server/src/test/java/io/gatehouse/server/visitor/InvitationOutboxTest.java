package io.gatehouse.server.visitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invitation's way through the durable outbox: an SMTP server that is down makes the message wait and be tried
 * again with backoff, visible in the visitor's answer; a restart keeps it; once sent, its sealed content is gone;
 * the retention period erases the visitor's personal data and leaves the pseudonymous row the audit trail names.
 */
@DatabaseTest
class InvitationOutboxTest {
    @TempDir
    Path data;
    TestServer server;
    GreenMail smtp;
    String doorId;
    String readerCredential;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    private void startServer(int smtpPort) {
        server = TestServer.start(data, TestMail.config(smtpPort));
        String siteId = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"));
        String zoneId = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Ground"));
        doorId = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "Lobby door"));
        readerCredential = server.post("/api/v1/readers", Map.of("doorId", doorId, "name", "r")).json()
                .get("credential").asText();
    }

    private String invite(Duration until) {
        Instant now = server.clock().instant();
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Olga Outbox");
        body.put("email", "olga@example.org");
        body.put("doorIds", List.of(doorId));
        body.put("from", now.minus(Duration.ofMinutes(1)).toString());
        body.put("until", now.plus(until).toString());
        body.put("maxEntries", 3);
        body.put("note", "Ask for the front desk");
        HttpResult created = server.post("/api/v1/visitors", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private JsonNode invitation(TestServer node, String visitorId) {
        return node.get("/api/v1/visitors/" + visitorId).json().get("invitation");
    }

    private static void awaitAttempts(TestServer node, String visitorId, int attempts) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            JsonNode shown = node.get("/api/v1/visitors/" + visitorId).json().get("invitation");
            if (shown.get("attempts").asInt() >= attempts) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the outbox did not try " + attempts + " times");
    }

    /** The mail server has the message a moment before the sender records it as sent. */
    private static void awaitSent(TestServer node, String visitorId) throws InterruptedException {
        for (int i = 0; i < 200 && !"sent".equals(node.get("/api/v1/visitors/" + visitorId).json().get("invitation")
                .get("state").asText()); i++) {
            Thread.sleep(50);
        }
    }

    private long sealedContents() {
        return server.gatehouse().services().core().database().read(tx -> tx.queryLong(
                "SELECT COUNT(*) FROM mail_outbox WHERE content IS NOT NULL"));
    }

    @Test
    void smtp_down_the_invitation_waits_and_is_sent_once_the_server_is_back() throws Exception {
        int port = TestServer.freePort();
        startServer(port);
        String id = invite(Duration.ofHours(4));
        awaitAttempts(server, id, 1);
        JsonNode waiting = invitation(server, id);
        assertThat(waiting.get("state").asText()).isEqualTo("pending");
        assertThat(waiting.get("lastError").asText()).contains("127.0.0.1:" + port);
        assertThat(waiting.get("nextAttemptAt").asText()).isNotEmpty();

        // Before its next attempt is due, nothing is tried, whatever the sender's polls. (The sender thread may
        // take a due message before this test's own call does: either way it is tried once.)
        assertThat(server.gatehouse().visitors().outbox().deliverDue()).isZero();
        assertThat(invitation(server, id).get("attempts").asInt()).isEqualTo(1);
        server.clock().advance(Duration.ofSeconds(31));
        assertThat(server.gatehouse().visitors().outbox().deliverDue()).isZero();
        awaitAttempts(server, id, 2);
        JsonNode second = invitation(server, id);
        assertThat(second.get("attempts").asInt()).isEqualTo(2);
        assertThat(Instant.parse(second.get("nextAttemptAt").asText())).isAfterOrEqualTo(
                server.clock().instant().plusSeconds(60));

        smtp = TestMail.smtp(port);
        server.clock().advance(Duration.ofSeconds(61));
        server.gatehouse().visitors().outbox().deliverDue();
        String pass = TestMail.decodedPass(TestMail.awaitOne(smtp, 1), data);
        awaitSent(server, id);
        JsonNode sent = invitation(server, id);
        assertThat(sent.get("state").asText()).isEqualTo("sent");
        assertThat(sent.get("attempts").asInt()).isEqualTo(3);
        assertThat(sent.get("lastError").isNull()).isTrue();
        assertThat(sealedContents()).isZero();

        JsonNode grant = server.post("/api/v1/scans", Map.of("payload", pass), readerCredential).json();
        assertThat(grant.get("decision").asText()).isEqualTo("grant");
    }

    @Test
    void a_pending_invitation_survives_a_restart_and_goes_out_after_it() throws Exception {
        int port = TestServer.freePort();
        startServer(port);
        String id = invite(Duration.ofHours(4));
        awaitAttempts(server, id, 1);
        var config = server.gatehouse().config();
        var clock = server.clock();
        server.close();
        server = null;

        smtp = TestMail.smtp(port);
        clock.advance(Duration.ofMinutes(2));
        try (Gatehouse restarted = Gatehouse.start(config, clock)) {
            TestMail.awaitOne(smtp, 1);
            for (int i = 0; i < 100 && restarted.services().core().database().read(tx -> tx.queryLong(
                    "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'")) == 0; i++) {
                Thread.sleep(50);
            }
            long sentAndErased = restarted.services().core().database().read(tx -> tx.queryLong(
                    "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent' AND content IS NULL"));
            assertThat(sentAndErased).isEqualTo(1);
        }
        assertThat(smtp.getReceivedMessages()[0].getAllRecipients()[0].toString()).isEqualTo("olga@example.org");
        assertThat(id).startsWith("vis_");
    }

    @Test
    void retention_erases_personal_data_after_the_window_and_leaves_a_pseudonymous_trail() throws Exception {
        smtp = TestMail.smtp(0);
        startServer(smtp.getSmtp().getPort());
        String id = invite(Duration.ofHours(2));
        String pass = TestMail.decodedPass(TestMail.awaitOne(smtp, 1), data);
        assertThat(server.post("/api/v1/scans", Map.of("payload", pass), readerCredential).json().get("decision")
                .asText()).isEqualTo("grant");

        VisitorPasses passes = server.gatehouse().visitors().passes();
        server.clock().advance(Duration.ofDays(29));
        assertThat(passes.eraseExpired()).isZero();
        assertThat(server.get("/api/v1/visitors/" + id).json().get("name").asText()).isEqualTo("Olga Outbox");
        server.clock().advance(Duration.ofDays(1).plusHours(3));
        assertThat(passes.eraseExpired()).isEqualTo(1);

        JsonNode erased = server.get("/api/v1/visitors/" + id).json();
        assertThat(erased.get("name").isNull()).isTrue();
        assertThat(erased.get("email").isNull()).isTrue();
        assertThat(erased.get("note").isNull()).isTrue();
        assertThat(erased.get("erasedAt").asText()).isNotEmpty();
        assertThat(erased.get("entriesUsed").asInt()).isEqualTo(1);
        assertThat(erased.get("doorIds").get(0).asText()).isEqualTo(doorId);
        assertThat(server.get("/visit/" + pass.substring(pass.lastIndexOf('/') + 1), null).status()).isEqualTo(404);
        server.sealAudit();
        String audit = server.get("/api/v1/audit?limit=1000").text();
        assertThat(audit).contains("visitor:" + id).contains("\"cause\":\"retention\"").doesNotContain("Olga")
                .doesNotContain("olga@").doesNotContain("front desk");
        assertThat(server.get("/api/v1/visitors?limit=1000").text()).doesNotContain("Olga");
    }

    @Test
    void erasing_a_visitor_now_ends_the_pass_and_drops_an_unsent_invitation() throws Exception {
        int port = TestServer.freePort();
        startServer(port);
        String id = invite(Duration.ofHours(4));
        awaitAttempts(server, id, 1);
        assertThat(sealedContents()).isEqualTo(1);
        assertThat(server.delete("/api/v1/visitors/" + id).status()).isEqualTo(204);
        assertThat(server.delete("/api/v1/visitors/" + id).status()).isEqualTo(410);
        assertThat(sealedContents()).isZero();
        JsonNode shown = server.get("/api/v1/visitors/" + id).json();
        assertThat(shown.get("state").asText()).isEqualTo("revoked");
        assertThat(shown.get("invitation").get("state").asText()).isEqualTo("failed");
        assertThat(server.get("/api/v1/visitors/vis_nobody").status()).isEqualTo(404);
        server.sealAudit();
        assertThat(server.get("/api/v1/audit?action=visitor.erase").text()).contains("visitor:" + id)
                .contains("\"cause\":\"request\"");
    }
}
