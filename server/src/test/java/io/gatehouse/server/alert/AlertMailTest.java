package io.gatehouse.server.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts by e-mail, through a real SMTP server (GreenMail): a failure spike is mailed once to each address with
 * what the alert carries and no more; alerts below the configured severity are not mailed; a mail server that is
 * down gets the message once it is back, and a restart neither loses it nor sends it again.
 */
@DatabaseTest
class AlertMailTest {
    private static final String USER = "gatehouse";
    private static final String PASSWORD = "smtp-secret";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path data;
    TestServer server;
    GreenMail smtp;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void a_failure_spike_is_mailed_once_with_its_rule_summary_evidence_and_console_link() throws Exception {
        smtp = smtp(0);
        server = TestServer.start(data, config(smtp.getSmtp().getPort(), Map.of("site.time-zone", "Europe/Berlin")));
        String userId = failureSpike(server);

        assertThat(smtp.waitForIncomingEmail(WAIT.toMillis(), 1)).as("the alert is mailed").isTrue();
        JsonNode alert = server.get("/api/v1/alerts?rule=failure_spike").json().get("alerts").get(0);
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getAllRecipients()).extracting(Object::toString).containsExactly("soc@example.com");
        assertThat(mail.getSubject()).isEqualTo("[Gatehouse] HIGH failure_spike: " + alert.get("summary").asText());
        String text = text(mail, "text/plain");
        assertThat(text).contains("Rule: failure_spike").contains("Severity: high")
                .contains("Subject: user:" + userId).contains("Summary: " + alert.get("summary").asText())
                .contains("Time: " + java.time.format.DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, HH:mm:ss",
                        java.util.Locale.ENGLISH).format(java.time.Instant.parse(alert.get("createdAt").asText())
                        .atZone(java.time.ZoneId.of("Europe/Berlin"))) + " (Europe/Berlin)")
                .contains(server.gatehouse().baseUrl().toString().replaceAll("/$", "") + "/console/alerts/"
                        + alert.get("id").asText());
        for (JsonNode evidence : alert.get("evidence")) {
            assertThat(text).contains(evidence.asText());
        }
        String html = text(mail, "text/html");
        assertThat(html).contains("failure_spike").contains("href=\"" + server.gatehouse().baseUrl().toString()
                .replaceAll("/$", "") + "/console/alerts/" + alert.get("id").asText() + "\"");
        // The person is named by their id only: not their username.
        assertThat(text + html + mail.getSubject()).doesNotContain("quinn");

        awaitSent(server);
        Thread.sleep(1000);
        assertThat(smtp.getReceivedMessages()).as("one mail for one alert").hasSize(1);
    }

    @Test
    void alerts_below_the_configured_severity_are_not_mailed() throws Exception {
        smtp = smtp(0);
        server = TestServer.start(data, config(smtp.getSmtp().getPort(), Map.of("alerts.email-min-severity",
                "critical")));
        failureSpike(server);
        cloneSuspected(server);

        assertThat(smtp.waitForIncomingEmail(WAIT.toMillis(), 1)).isTrue();
        Thread.sleep(1000);
        assertThat(server.get("/api/v1/alerts?rule=failure_spike").json().get("alerts")).as("raised, not mailed")
                .hasSize(1);
        assertThat(smtp.getReceivedMessages()).extracting(MimeMessage::getSubject).singleElement()
                .asString().startsWith("[Gatehouse] CRITICAL counter_regression: ");
        assertThat(count(server, "SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'alert'")).isEqualTo(1);
    }

    @Test
    void smtp_down_the_alert_mail_waits_survives_a_restart_and_is_sent_once_when_the_server_is_back()
            throws Exception {
        int port = TestServer.freePort();
        server = TestServer.start(data, config(port, Map.of()));
        failureSpike(server);
        awaitAttempts(server, 1);
        String error = server.gatehouse().services().core().database().read(tx -> tx.query(
                "SELECT last_error FROM mail_outbox WHERE purpose = 'alert'", rs -> rs.getString(1))).get(0);
        assertThat(error).contains("127.0.0.1:" + port);

        server = server.restart();
        smtp = smtp(port);
        server.clock().advance(Duration.ofSeconds(31));
        server.gatehouse().visitors().outbox().deliverDue();
        assertThat(smtp.waitForIncomingEmail(WAIT.toMillis(), 1)).as("sent after the retry").isTrue();
        assertThat(smtp.getReceivedMessages()[0].getSubject()).startsWith("[Gatehouse] HIGH failure_spike: ");
        awaitSent(server);

        server = server.restart();
        server.clock().advance(Duration.ofHours(2));
        server.gatehouse().visitors().outbox().deliverDue();
        readEverything(server);
        Thread.sleep(1000);
        assertThat(smtp.getReceivedMessages()).as("not sent again after a restart").hasSize(1);
        assertThat(count(server, "SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'alert' AND state = 'sent'"
                + " AND content IS NULL")).isEqualTo(1);
    }

    @Test
    void the_addresses_are_validated_and_need_an_smtp_server() {
        Map<String, String> noSmtp = new HashMap<>(Map.of("data", data.toString(), "alerts.email-to",
                "soc@example.com"));
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), noSmtp)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.email-to: expected smtp.host too");
        Map<String, String> bad = config(2525, Map.of("alerts.email-to", "soc@example.com, not an address"));
        bad.put("data", data.toString());
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.email-to: expected e-mail addresses").hasMessageContaining(
                        "'not an address'");
        Map<String, String> severity = config(2525, Map.of("alerts.email-min-severity", "urgent"));
        severity.put("data", data.toString());
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), severity)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.email-min-severity: expected low, medium, high or critical");
        Map<String, String> two = config(2525, Map.of("alerts.email-to", "soc@example.com,oncall@example.org"));
        two.put("data", data.toString());
        assertThat(ConfigLoader.load(Map.of(), two).alerting().emailTo()).containsExactly("soc@example.com",
                "oncall@example.org");
    }

    @Test
    void a_subject_stays_one_line_and_cuts_a_long_summary() {
        Alert alert = new Alert("alr_1", Rule.FAILURE_SPIKE, Severity.HIGH, "user:usr_1",
                "first line\r\nBcc: x@example.com " + "x".repeat(200), List.of(1L), java.time.Instant.EPOCH,
                Alert.State.OPEN, java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty());
        String prefix = "[Gatehouse] HIGH failure_spike: ";
        assertThat(AlertMail.subject(alert)).startsWith(prefix + "first line Bcc: x@example.com xxx")
                .doesNotContain("\r").doesNotContain("\n").hasSize(prefix.length() + AlertMail.SUBJECT_SUMMARY)
                .endsWith("…");
    }

    private static GreenMail smtp(int port) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        GreenMail mail = new GreenMail(port == 0 ? setup.dynamicPort() : setup);
        mail.withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, PASSWORD));
        mail.start();
        return mail;
    }

    private static Map<String, String> config(int port, Map<String, String> more) {
        Map<String, String> config = new HashMap<>();
        config.put("smtp.host", "127.0.0.1");
        config.put("smtp.port", String.valueOf(port));
        config.put("smtp.tls", "none");
        config.put("smtp.from", "gatehouse@example.com");
        config.put("smtp.username", USER);
        config.put("smtp.password", PASSWORD);
        config.put("alerts.email-to", "soc@example.com");
        config.put("trusted-proxies", "127.0.0.1");
        config.putAll(more);
        return config;
    }

    /** Ten wrong TOTP codes for one person from one address: a failure spike about them. Their user id. */
    private static String failureSpike(TestServer server) {
        TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
        long now = server.clock().instant().getEpochSecond();
        List<String> valid = List.of(quinn.totp().codeAt(now), quinn.totp().codeAt(now - quinn.periodSeconds()));
        for (int i = 0, code = 0; i < 10; i++, code++) {
            while (valid.contains(String.format("%06d", code))) {
                code++;
            }
            server.send(HttpRequest.newBuilder(server.uri("/api/v1/totp/verify"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "203.0.113.9")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("username", "quinn", "code",
                            String.format("%06d", code))))), server.adminToken());
        }
        readEverything(server);
        assertThat(server.get("/api/v1/alerts?rule=failure_spike").json().get("alerts")).hasSize(1);
        return server.get("/api/v1/users?q=quinn").json().get("users").get(0).get("id").asText();
    }

    /** A passkey presenting a counter below the stored one: a critical {@code counter_regression}. */
    private static void cloneSuspected(TestServer server) {
        var core = server.gatehouse().services().core();
        core.database().inTransaction(tx -> core.audit().append(tx, AuditEvent.of("device:dev_9",
                "passkey.clone_suspected", ClientInfo.of("192.0.2.44", "Mozilla/5.0")).user("usr_owl")
                .subject("device:dev_9").reason("signature_counter_regressed").result("denied")));
        readEverything(server);
    }

    private static void readEverything(TestServer server) {
        server.sealAudit();
        while (server.gatehouse().alerts().step() > 0) {
            // another batch
        }
    }

    private static long outbox(TestServer server, String state) {
        return count(server, "SELECT COUNT(*) FROM mail_outbox WHERE purpose = 'alert' AND state = '" + state + "'");
    }

    private static long count(TestServer server, String sql) {
        return server.gatehouse().services().core().database().read(tx -> tx.queryLong(sql));
    }

    private static void awaitAttempts(TestServer server, int attempts) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            List<Integer> seen = server.gatehouse().services().core().database().read(tx -> tx.query(
                    "SELECT attempts FROM mail_outbox WHERE purpose = 'alert'", rs -> rs.getInt(1)));
            if (seen.size() == 1 && seen.get(0) >= attempts) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the outbox did not try the alert mail " + attempts + " times");
    }

    /** The mail server has the message a moment before the sender records it as sent. */
    private static void awaitSent(TestServer server) throws InterruptedException {
        for (int i = 0; i < 400 && outbox(server, "sent") == 0; i++) {
            Thread.sleep(50);
        }
        assertThat(outbox(server, "sent")).isEqualTo(1);
    }

    /** The first part of the given type (text/plain, text/html), as text. */
    private static String text(Part part, String type) throws Exception {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                String found = text(multipart.getBodyPart(i), type);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return part.isMimeType(type) ? (String) part.getContent() : null;
    }
}
