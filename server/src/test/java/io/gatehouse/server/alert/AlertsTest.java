package io.gatehouse.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import io.gatehouse.wallet.DeviceFacts;
import io.gatehouse.wallet.EnrollmentClient;
import io.gatehouse.protocol.access.ProofSigner;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance of alerts: ten failed TOTP verifications for one person from one address within a minute raise a
 * {@code failure_spike} alert that a real HTTP endpoint receives, signed; a second device raises {@code new_device};
 * the normal pattern raises nothing; alerts are acknowledged and resolved.
 */
@DatabaseTest
class AlertsTest {
    private static final String SECRET = "whsec-test-0123456789abcdef";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path data;

    @Test
    void ten_failed_verifications_in_a_minute_raise_a_failure_spike_delivered_to_a_signed_webhook() throws Exception {
        try (TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1",
                "alerts.webhook-allow-networks", "127.0.0.1"));
                WebhookReceiver receiver = new WebhookReceiver()) {
            HttpResult hook = server.post("/api/v1/webhooks", Map.of("url", receiver.url(), "secret", SECRET,
                    "events", List.of("alert")));
            assertThat(hook.status()).isEqualTo(201);
            assertThat(hook.text()).doesNotContain(SECRET);
            TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
            String userId = server.get("/api/v1/users?q=quinn").json().get("users").get(0).get("id").asText();

            // The normal pattern: a person mistyping once, then succeeding, from their own address.
            verify(server, "quinn", "000000", "198.51.100.20");
            verify(server, "quinn", quinn.nextCode(server), "198.51.100.20");
            for (int i = 0; i < 10; i++) {
                verify(server, "quinn", wrongCode(quinn, server), "203.0.113.9");
            }

            WebhookReceiver.Received delivery = receiver.next(WAIT);
            assertThat(delivery.headers().get("Gatehouse-Event")).isEqualTo("alert");
            assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8),
                    delivery.headers().get("Gatehouse-Signature"), delivery.body(),
                    server.clock().instant().getEpochSecond(), 300)).as("the signature verifies").isTrue();
            assertThat(delivery.headers().get("Gatehouse-Signature")).matches("t=[0-9]+,v1=[0-9a-f]{64}");
            JsonNode alert = Json.MAPPER.readTree(delivery.body()).get("alert");
            assertThat(alert.get("rule").asText()).isEqualTo("failure_spike");
            assertThat(alert.get("subject").asText()).isEqualTo("user:" + userId);
            assertThat(alert.get("summary").asText()).contains("203.0.113.9").doesNotContain("quinn");
            assertThat(alert.get("evidence").size()).isGreaterThanOrEqualTo(5);
            assertThat(receiver.nothingWithin(Duration.ofSeconds(1))).as("one alert for the burst").isTrue();

            JsonNode listed = server.get("/api/v1/alerts?state=open").json().get("alerts");
            assertThat(listed).hasSize(1);
            JsonNode first = listed.get(0);
            for (String field : List.of("id", "rule", "severity", "subject", "createdAt", "state")) {
                assertThat(first.hasNonNull(field)).as(field).isTrue();
            }
            assertThat(first.get("severity").asText()).isEqualTo("high");
            String id = first.get("id").asText();
            for (JsonNode evidence : first.get("evidence")) {
                assertThat(server.get("/api/v1/audit?action=totp.verify&userId=" + userId).text())
                        .contains("\"id\":" + evidence.asLong());
            }

            HttpResult acknowledged = server.post("/api/v1/alerts/" + id + "/acknowledge", "");
            assertThat(acknowledged.status()).isEqualTo(200);
            assertThat(acknowledged.json().get("state").asText()).isEqualTo("acknowledged");
            assertThat(acknowledged.json().get("acknowledgedBy").asText()).isNotBlank();
            HttpResult resolved = server.post("/api/v1/alerts/" + id + "/resolve", Map.of("note",
                    "a penetration test, announced"));
            assertThat(resolved.json().get("state").asText()).isEqualTo("resolved");
            assertThat(resolved.json().get("resolutionNote").asText()).isEqualTo("a penetration test, announced");
            assertThat(server.post("/api/v1/alerts/" + id + "/acknowledge", "").json().get("code").asText())
                    .isEqualTo("alert_resolved");
            assertThat(server.get("/api/v1/audit?action=alert.resolve").json().get("records")).hasSize(1);
            assertThat(server.get("/api/v1/webhooks/" + hook.json().get("id").asText() + "/deliveries").json()
                    .get("deliveries").get(0).get("state").asText()).isEqualTo("delivered");
        }
    }

    @Test
    void a_second_device_raises_new_device_and_the_first_does_not() throws Exception {
        try (TestServer server = TestServer.start(data, Map.of("alerts.webhook-allow-networks", "127.0.0.1"));
                WebhookReceiver receiver = new WebhookReceiver()) {
            server.post("/api/v1/webhooks", Map.of("url", receiver.url(), "secret", SECRET, "events",
                    List.of("alert")));
            String userId = server.post("/api/v1/users", Map.of("username", "dana", "roles", List.of("staff")))
                    .json().get("id").asText();
            enrollDevice(server, userId, DeviceFacts.cli());
            assertThat(receiver.nothingWithin(Duration.ofSeconds(2))).as("a first device is expected").isTrue();
            String second = enrollDevice(server, userId, new DeviceFacts("Pixel 9", "Android 16", "1.0"));

            JsonNode alert = Json.MAPPER.readTree(receiver.next(WAIT).body()).get("alert");
            assertThat(alert.get("rule").asText()).isEqualTo("new_device");
            assertThat(alert.get("subject").asText()).isEqualTo("user:" + userId);
            assertThat(alert.get("summary").asText()).contains("1 earlier enrollment")
                    .contains("an operating system (Android 16)");
            assertThat(alert.get("evidence")).hasSize(2);
            assertThat(server.get("/api/v1/alerts?rule=new_device").json().get("alerts")).hasSize(1);
            assertThat(second).isNotBlank();
        }
    }

    @Test
    void a_rule_switched_off_stays_quiet_and_its_settings_are_validated() throws Exception {
        try (TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1"))) {
            assertThat(server.get("/api/v1/alert-rules").json().get("rules").toString())
                    .contains("\"rule\":\"failure_spike\",\"enabled\":true,\"severity\":\"high\",\"threshold\":5,"
                            + "\"windowSeconds\":60");
            HttpResult off = server.put("/api/v1/alert-rules/failure_spike", Map.of("enabled", false));
            assertThat(off.status()).isEqualTo(200);
            assertThat(off.json().get("enabled").asBoolean()).isFalse();
            assertThat(server.put("/api/v1/alert-rules/failure_spike", Map.of("threshold", 0)).json().get("detail")
                    .asText()).contains("threshold");
            assertThat(server.put("/api/v1/alert-rules/nonsense", Map.of("enabled", true)).status()).isEqualTo(404);
            assertThat(server.put("/api/v1/alert-rules/new_device", Map.of("severity", "urgent")).status())
                    .isEqualTo(400);

            TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
            for (int i = 0; i < 10; i++) {
                verify(server, "quinn", wrongCode(quinn, server), "203.0.113.9");
            }
            readEverything(server);
            assertThat(server.get("/api/v1/alerts").json().get("alerts")).isEmpty();
        }
    }

    @Test
    void the_configured_rule_defaults_are_in_force_until_a_change_through_the_api_wins() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(data.resolve("unknown-rule"),
                Map.of("alerts.rules", "nonsense:enabled=false"))).hasMessageContaining(
                "alerts.rules: expected one of the rules").hasMessageContaining("got 'nonsense'");
        try (TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1", "alerts.rules",
                "failure_spike:threshold=3,window=2m,severity=critical; new_device:enabled=false"))) {
            String rules = server.get("/api/v1/alert-rules").json().get("rules").toString();
            assertThat(rules).contains("\"rule\":\"failure_spike\",\"enabled\":true,\"severity\":\"critical\","
                    + "\"threshold\":3,\"windowSeconds\":120").contains("\"rule\":\"new_device\",\"enabled\":false");

            TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
            for (int i = 0; i < 3; i++) {
                verify(server, "quinn", wrongCode(quinn, server), "203.0.113.9");
            }
            readEverything(server);
            JsonNode raised = server.get("/api/v1/alerts").json().get("alerts");
            assertThat(raised).hasSize(1);
            assertThat(raised.get(0).get("severity").asText()).as("the configured severity").isEqualTo("critical");

            // A change through the API is stored and wins over the configuration, also after a restart.
            assertThat(server.put("/api/v1/alert-rules/new_device", Map.of("enabled", true)).status()).isEqualTo(200);
            try (TestServer again = server.restart()) {
                assertThat(again.get("/api/v1/alert-rules").json().get("rules").toString())
                        .contains("\"rule\":\"new_device\",\"enabled\":true")
                        .contains("\"rule\":\"failure_spike\",\"enabled\":true,\"severity\":\"critical\"");
            }
        }
    }

    @Test
    void a_webhook_that_is_down_is_retried_with_backoff_then_dead_lettered_and_nothing_is_lost_on_restart()
            throws Exception {
        TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1",
                "alerts.webhook-allow-networks", "127.0.0.1"));
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answer(503);
            String hook = server.post("/api/v1/webhooks", Map.of("url", receiver.url(), "secret", SECRET, "events",
                    List.of("alert"))).json().get("id").asText();
            TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
            for (int i = 0; i < 5; i++) {
                verify(server, "quinn", wrongCode(quinn, server), "203.0.113.9");
            }
            WebhookReceiver.Received firstAttempt = receiver.next(WAIT);
            JsonNode delivery = awaitDelivery(server, hook, d -> d.get("attempts").asInt() == 1);
            assertThat(delivery.get("state").asText()).isEqualTo("pending");
            assertThat(delivery.get("lastStatus").asInt()).isEqualTo(503);

            // A restart between attempts: the delivery is still due, with its attempts counted.
            server = server.restart();
            server.clock().advance(Duration.ofSeconds(5));
            WebhookReceiver.Received secondAttempt = receiver.next(WAIT);
            assertThat(secondAttempt.body()).isEqualTo(firstAttempt.body());
            assertThat(secondAttempt.headers().get("Gatehouse-Delivery"))
                    .isEqualTo(firstAttempt.headers().get("Gatehouse-Delivery"));
            for (int attempt = 2; attempt < WebhookSender.MAX_ATTEMPTS; attempt++) {
                int done = attempt;
                awaitDelivery(server, hook, d -> d.get("attempts").asInt() == done);
                server.clock().advance(WebhookSender.backoff(attempt));
                receiver.next(WAIT);
            }
            JsonNode dead = awaitDelivery(server, hook, d -> "dead".equals(d.get("state").asText()));
            assertThat(dead.get("attempts").asInt()).isEqualTo(WebhookSender.MAX_ATTEMPTS);
            assertThat(dead.get("nextAttemptAt").isNull()).isTrue();
            assertThat(server.get("/api/v1/webhooks/" + hook + "/deliveries?state=dead").json().get("deliveries"))
                    .hasSize(1);

            // Back up, retried by hand from the dead-letter list.
            receiver.answer(200);
            HttpResult retried = server.post("/api/v1/webhooks/" + hook + "/deliveries/" + dead.get("id").asText()
                    + "/retry", "");
            assertThat(retried.status()).isEqualTo(200);
            receiver.next(WAIT);
            awaitDelivery(server, hook, d -> "delivered".equals(d.get("state").asText()));
            assertThat(server.post("/api/v1/webhooks/" + hook + "/deliveries/" + dead.get("id").asText() + "/retry",
                    "").json().get("code").asText()).isEqualTo("delivery_not_dead");
        } finally {
            server.close();
        }
    }

    @Test
    void webhook_registrations_are_validated_and_never_show_their_secret() {
        try (TestServer server = TestServer.start(data)) {
            assertThat(server.post("/api/v1/webhooks", Map.of("url", "ftp://example.com/x", "secret", SECRET,
                    "events", List.of("alert"))).json().get("detail").asText()).contains("field 'url'");
            assertThat(server.post("/api/v1/webhooks", Map.of("url", "https://example.com/x", "secret", "short",
                    "events", List.of("alert"))).json().get("detail").asText()).contains("field 'secret'");
            assertThat(server.post("/api/v1/webhooks", Map.of("url", "https://example.com/x", "secret", SECRET,
                    "events", List.of("everything"))).json().get("detail").asText()).contains("field 'events'");
            assertThat(server.post("/api/v1/webhooks", Map.of("url", "https://example.com/x", "secret", SECRET))
                    .status()).isEqualTo(400);
            HttpResult created = server.post("/api/v1/webhooks", Map.of("url", "https://example.com/x", "secret",
                    SECRET, "events", List.of("alert")));
            assertThat(created.status()).isEqualTo(201);
            assertThat(server.get("/api/v1/webhooks").text()).contains("https://example.com/x")
                    .doesNotContain(SECRET);
            assertThat(server.delete("/api/v1/webhooks/" + created.json().get("id").asText()).status())
                    .isEqualTo(204);
            assertThat(server.delete("/api/v1/webhooks/" + created.json().get("id").asText()).status())
                    .isEqualTo(404);
        }
    }

    @Test
    void webhooks_to_internal_addresses_are_refused_when_registered() {
        try (TestServer server = TestServer.start(data)) {
            for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost:8080/hook",
                    "http://app.localhost/hook", "http://[::1]/hook", "http://169.254.169.254/latest/meta-data/",
                    "http://[::ffff:127.0.0.1]/hook", "http://10.1.2.3/hook", "http://192.168.0.10/hook",
                    "http://[fd00::1]/hook", "http://0.0.0.0/hook", "http://2130706433/hook", "http://0x7f000001/hook",
                    "http://[fe80::1%251]/hook", "http://[2001:2::1]/hook")) {
                HttpResult refused = server.post("/api/v1/webhooks", Map.of("url", url, "secret", SECRET, "events",
                        List.of("alert")));
                assertThat(refused.status()).as(url + ": " + refused.text()).isEqualTo(422);
                assertThat(refused.json().get("code").asText()).isEqualTo("webhook_destination_refused");
            }
            assertThat(server.post("/api/v1/webhooks", Map.of("url", "http://169.254.169.254/", "secret", SECRET,
                    "events", List.of("alert"))).json().get("detail").asText())
                    .contains("link-local, where cloud metadata services answer");
            // Hosts java.net.URI cannot read as hosts at all are refused as malformed URLs.
            for (String url : List.of("http://127.1/hook", "http://0x7f.1/hook")) {
                assertThat(server.post("/api/v1/webhooks", Map.of("url", url, "secret", SECRET, "events",
                        List.of("alert"))).json().get("code").asText()).as(url).isEqualTo("invalid_field");
            }
            assertThat(server.get("/api/v1/webhooks").json().get("webhooks")).isEmpty();
        }
    }

    @Test
    void a_webhook_whose_address_is_closed_after_registration_is_not_sent_and_is_dead_at_once() throws Exception {
        TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1",
                "alerts.webhook-allow-networks", "10.20.0.0/16, 127.0.0.1"));
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            HttpResult opened = server.post("/api/v1/webhooks", Map.of("url", "http://10.20.30.40/hook", "secret",
                    SECRET, "events", List.of("alert")));
            assertThat(opened.status()).isEqualTo(201);
            assertThat(server.post("/api/v1/webhooks", Map.of("url", "http://10.21.0.1/hook", "secret", SECRET,
                    "events", List.of("alert"))).json().get("detail").asText())
                    .contains("'10.21.0.1' is private (10.0.0.0/8)");
            String hook = server.post("/api/v1/webhooks", Map.of("url", receiver.url(), "secret", SECRET, "events",
                    List.of("alert"))).json().get("id").asText();
            assertThat(server.delete("/api/v1/webhooks/" + opened.json().get("id").asText()).status())
                    .isEqualTo(204);

            // The operator closes the loopback network: the endpoint stays registered, but nothing is sent to it.
            server = server.restart(config -> config.withAlerting(config.alerting().withWebhookAllowNetworks(
                    List.of())));
            TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
            for (int i = 0; i < 5; i++) {
                verify(server, "quinn", wrongCode(quinn, server), "203.0.113.9");
            }
            JsonNode dead = awaitDelivery(server, hook, d -> "dead".equals(d.get("state").asText()));
            assertThat(dead.get("attempts").asInt()).isEqualTo(1);
            assertThat(dead.get("lastError").asText()).startsWith("not sent: '127.0.0.1' is loopback");
            assertThat(dead.has("lastStatus") && !dead.get("lastStatus").isNull()).isFalse();
            assertThat(receiver.nothingWithin(Duration.ofSeconds(1))).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void a_webhook_that_answers_with_a_redirect_is_a_failed_attempt_and_the_redirect_is_not_followed()
            throws Exception {
        TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1",
                "alerts.webhook-allow-networks", "127.0.0.1"));
        try (WebhookReceiver redirecting = new WebhookReceiver(); WebhookReceiver internal = new WebhookReceiver()) {
            redirecting.redirectTo(internal.url());
            String hook = server.post("/api/v1/webhooks", Map.of("url", redirecting.url(), "secret", SECRET,
                    "events", List.of("alert"))).json().get("id").asText();
            TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
            for (int i = 0; i < 5; i++) {
                verify(server, "quinn", wrongCode(quinn, server), "203.0.113.9");
            }
            redirecting.next(WAIT);
            JsonNode failed = awaitDelivery(server, hook, d -> d.get("attempts").asInt() == 1);
            assertThat(failed.get("state").asText()).isEqualTo("pending");
            assertThat(failed.get("lastStatus").asInt()).isEqualTo(307);
            assertThat(failed.get("lastError").asText()).isEqualTo("the endpoint answered 307");
            assertThat(internal.nothingWithin(Duration.ofSeconds(1))).as("the redirect's target").isTrue();
        } finally {
            server.close();
        }
    }

    private static HttpResult verify(TestServer server, String username, String code, String address) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/totp/verify"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("username", username, "code", code)))),
                server.adminToken());
    }

    /** A six-digit code that is not the current one (nor the previous step's). */
    private static String wrongCode(TotpUsers.Enrolled user, TestServer server) {
        long now = server.clock().instant().getEpochSecond();
        String current = user.totp().codeAt(now);
        String previous = user.totp().codeAt(now - user.periodSeconds());
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!code.equals(current) && !code.equals(previous)) {
                return code;
            }
        }
    }

    private static String enrollDevice(TestServer server, String userId, DeviceFacts facts) {
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", "").json().get("enrollmentUrl")
                .asText();
        return new EnrollmentClient().enroll(URI.create(url), ProofSigner.generateP256(new SecureRandom())
                .getPublic(), facts).deviceId();
    }

    private static JsonNode awaitDelivery(TestServer server, String hook, Predicate<JsonNode> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResult answer = server.get("/api/v1/webhooks/" + hook + "/deliveries");
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            JsonNode deliveries = answer.json().get("deliveries");
            if (deliveries.size() == 1 && condition.test(deliveries.get(0))) {
                return deliveries.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the delivery did not reach the expected state: "
                + server.get("/api/v1/webhooks/" + hook + "/deliveries").text());
    }

    /** Seals what is committed and lets the rules read all of it, here and now. */
    private static void readEverything(TestServer server) {
        server.sealAudit();
        while (server.gatehouse().alerts().step() > 0) {
            // another batch
        }
    }
}
