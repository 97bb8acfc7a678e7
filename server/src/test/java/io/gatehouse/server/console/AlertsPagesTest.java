package io.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.alert.Rule;
import io.gatehouse.server.alert.WebhookReceiver;
import io.gatehouse.server.testing.ConsoleClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.RaisedAlerts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's Alerts section over HTTP, with alerts raised by real failed verifications: list, acknowledge,
 * resolve with a note; rules changed only with ALERT_SETTINGS and a fresh verification; webhooks with their
 * deliveries and dead letters; every change refused without its CSRF token; who may see what.
 */
@DatabaseTest
class AlertsPagesTest {
    private static final String PAGE = "/console/alerts";
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path data;
    TestServer server;
    ConsoleClient admin;

    @BeforeEach
    void start() {
        server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1", "alerts.webhook-allow-networks",
                "127.0.0.1"));
        admin = ConsoleClient.signIn(server, user("alice", "admin"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String user(String name, String role) {
        return server.createdId("/api/v1/users", Map.of("username", name, "roles", List.of(role)));
    }

    @Test
    void an_alert_is_listed_opened_acknowledged_and_resolved_with_a_note() {
        String id = RaisedAlerts.failureSpike(server, "quinn");
        String quinnId = server.get("/api/v1/users?q=quinn").json().get("users").get(0).get("id").asText();

        HttpResult list = admin.get(PAGE);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.text()).contains("data-alert=\"" + id + "\" data-state=\"open\"")
                .contains("failure spike").contains(">high</span>").contains("person quinn")
                .contains("href=\"/console/alerts\" aria-current=\"page\"")
                .contains("data-count=\"alerts\">1<span class=\"visually-hidden\"> open</span>");
        assertThat(admin.get(PAGE + "?state=resolved").text()).doesNotContain("data-alert=\"" + id + "\"");
        assertThat(admin.get(PAGE + "?rule=new_device").text()).doesNotContain("data-alert=\"" + id + "\"");
        assertThat(admin.get(PAGE + "?severity=high&state=open&rule=failure_spike").text())
                .contains("data-alert=\"" + id + "\"");
        assertThat(admin.get(PAGE + "?severity=urgent").status()).isEqualTo(400);
        assertThat(admin.get("/console").text()).contains("data-open-severity=\"high\"")
                .contains("href=\"/console/alerts?state=open\"");

        String page = PAGE + "/" + id;
        HttpResult detail = admin.get(page);
        assertThat(detail.text()).contains("<a href=\"/console/people/" + quinnId + "\">quinn</a>")
                .contains("href=\"/console/audit?user=" + quinnId + "&amp;before=")
                .contains("data-action=\"acknowledge\"").contains("data-action=\"resolve\"");
        JsonNode evidence = server.get("/api/v1/alerts/" + id).json().get("evidence");
        long first = evidence.get(0).asLong();
        assertThat(detail.text()).contains("href=\"/console/audit?before=" + (first + 1) + "\" data-record=\"" + first
                + "\"");
        assertThat(admin.get("/console/audit?before=" + (first + 1)).text()).contains("data-record=\"" + first
                + "\"");

        assertThat(admin.postForm(page + "/acknowledge", Map.of("_csrf", admin.csrfFrom(page))).header("Location"))
                .isEqualTo(page + "?done=acknowledged");
        JsonNode acknowledged = server.get("/api/v1/alerts/" + id).json();
        assertThat(acknowledged.get("state").asText()).isEqualTo("acknowledged");
        assertThat(acknowledged.get("acknowledgedBy").asText()).startsWith("user:");
        assertThat(admin.get(page + "?done=acknowledged").text()).contains("The alert is acknowledged")
                .contains("by alice").doesNotContain("data-action=\"acknowledge\"");
        assertThat(admin.get(PAGE).text()).doesNotContain("data-count=\"alerts\"");

        HttpResult blank = admin.postForm(page + "/resolve", Map.of("_csrf", admin.csrfFrom(page), "note", "  "));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.text()).contains("note");
        assertThat(server.get("/api/v1/alerts/" + id).json().get("state").asText()).isEqualTo("acknowledged");
        String note = "an announced <b>penetration</b> test";
        assertThat(admin.postForm(page + "/resolve", Map.of("_csrf", admin.csrfFrom(page), "note", note)).status())
                .isEqualTo(303);
        JsonNode resolved = server.get("/api/v1/alerts/" + id).json();
        assertThat(resolved.get("state").asText()).isEqualTo("resolved");
        assertThat(resolved.get("resolutionNote").asText()).isEqualTo(note);
        assertThat(admin.get(page).text()).contains("an announced &lt;b&gt;penetration&lt;/b&gt; test")
                .doesNotContain("data-action=\"resolve\"");
        HttpResult again = admin.postForm(page + "/resolve", Map.of("_csrf", admin.csrfFrom(page), "note", "again"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.text()).contains("is resolved already");
        assertThat(server.get("/api/v1/audit?action=alert.resolve").json().get("records")).hasSize(1);
        assertThat(admin.get(PAGE + "/alr_nothing").status()).isEqualTo(404);
    }

    @Test
    void changes_without_their_csrf_token_are_refused_and_change_nothing() {
        String id = RaisedAlerts.failureSpike(server, "quinn");
        String page = PAGE + "/" + id;
        List<HttpResult> refused = List.of(admin.postForm(page + "/acknowledge", Map.of()),
                admin.postForm(page + "/resolve", Map.of("note", "nothing to see")),
                admin.postForm(PAGE + "/rules/failure_spike", Map.of("severity", "low", "threshold", "9",
                        "windowAmount", "2", "windowUnit", "minutes")),
                admin.postForm(PAGE + "/webhooks", Map.of("url", "https://example.com/hook", "events", "alert")),
                admin.postForm(PAGE + "/rules/failure_spike", Map.of("_csrf", "not-the-token", "severity", "low")));
        for (HttpResult result : refused) {
            assertThat(result.status()).isEqualTo(403);
            assertThat(result.text()).contains("data-problem=\"csrf_failed\"");
        }
        assertThat(server.get("/api/v1/alerts/" + id).json().get("state").asText()).isEqualTo("open");
        assertThat(server.get("/api/v1/alert-rules").json().get("rules").toString()).contains(
                "\"rule\":\"failure_spike\",\"enabled\":true,\"severity\":\"high\",\"threshold\":5");
        assertThat(server.get("/api/v1/webhooks").json().get("webhooks")).isEmpty();
        assertThat(server.get("/api/v1/audit?action=alert.acknowledge").json().get("records")).isEmpty();
    }

    @Test
    void a_rule_changes_with_alert_settings_after_a_fresh_verification_and_every_rule_is_explained() {
        HttpResult rules = admin.get(PAGE + "/rules");
        for (Rule rule : Rule.values()) {
            assertThat(rules.text()).contains("data-rule=\"" + rule.code() + "\"");
            assertThat(AlertRulesPages.described(rule)).as(rule.code() + " in alert-rules.properties").isTrue();
        }
        assertThat(rules.text()).contains("5 <span class=\"muted\">(failed verifications within the window)")
                .contains("1 minute <span class=\"muted\">").contains("365 days").contains("not used by this rule");

        String form = PAGE + "/rules/failure_spike";
        Map<String, String> change = Map.of("_csrf", admin.csrfFrom(PAGE + "/rules"), "severity", "critical",
                "threshold", "8", "windowAmount", "2", "windowUnit", "minutes");
        server.clock().advance(Duration.ofMinutes(6));
        HttpResult stale = admin.postForm(form, change);
        assertThat(stale.status()).isEqualTo(303);
        assertThat(stale.header("Location")).startsWith("/console/verify?next=%2Fconsole%2Falerts%2Frules");
        assertThat(server.get("/api/v1/alert-rules").json().get("rules").get(0).get("severity").asText())
                .isEqualTo("high");

        ConsoleClient fresh = ConsoleClient.signIn(server, user("bob", "admin"));
        HttpResult saved = fresh.postForm(form, Map.of("_csrf", fresh.csrfFrom(PAGE + "/rules"), "severity",
                "critical", "threshold", "8", "windowAmount", "2", "windowUnit", "minutes"));
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.text()).contains("Rule failure spike is saved: off, critical.");
        assertThat(server.get("/api/v1/alert-rules").json().get("rules").toString()).contains(
                "\"rule\":\"failure_spike\",\"enabled\":false,\"severity\":\"critical\",\"threshold\":8,"
                        + "\"windowSeconds\":120");
        assertThat(server.get("/api/v1/audit?action=alert.rule.update").json().get("records")).hasSize(1);
        HttpResult invalid = fresh.postForm(form, Map.of("_csrf", fresh.csrfFrom(PAGE + "/rules"), "enabled", "on",
                "severity", "low", "threshold", "0", "windowAmount", "1", "windowUnit", "hours"));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.text()).contains("Rule failure spike is unchanged").contains("threshold");

        ConsoleClient security = ConsoleClient.signIn(server, user("sam", "security"));
        assertThat(security.get(PAGE).status()).isEqualTo(200);
        HttpResult readOnly = security.get(PAGE + "/rules");
        assertThat(readOnly.status()).isEqualTo(200);
        assertThat(readOnly.text()).doesNotContain("data-rule-form").doesNotContain("/console/alerts/webhooks");
        assertThat(security.postForm(form, Map.of("_csrf", security.csrfFrom(PAGE), "severity", "low")).status())
                .isEqualTo(403);
        assertThat(security.get(PAGE + "/webhooks").status()).isEqualTo(403);
        assertThat(server.get("/api/v1/alert-rules").json().get("rules").get(0).get("severity").asText())
                .isEqualTo("critical");
    }

    @Test
    void a_helpdesk_person_gets_403_and_no_link() {
        String id = RaisedAlerts.failureSpike(server, "quinn");
        ConsoleClient helpdesk = ConsoleClient.signIn(server, user("dave", "helpdesk"));
        for (String path : List.of(PAGE, PAGE + "/" + id, PAGE + "/rules", PAGE + "/webhooks")) {
            assertThat(helpdesk.get(path).status()).as(path).isEqualTo(403);
        }
        String csrf = helpdesk.csrfFrom("/console/people");
        assertThat(helpdesk.postForm(PAGE + "/" + id + "/acknowledge", Map.of("_csrf", csrf)).status())
                .isEqualTo(403);
        assertThat(helpdesk.postForm(PAGE + "/" + id + "/resolve", Map.of("_csrf", csrf, "note", "x")).status())
                .isEqualTo(403);
        assertThat(server.get("/api/v1/alerts/" + id).json().get("state").asText()).isEqualTo("open");
        HttpResult people = helpdesk.get("/console/people");
        assertThat(people.text()).doesNotContain("href=\"/console/alerts\"").doesNotContain("data-count=");
        assertThat(helpdesk.get("/console").text()).doesNotContain("data-open-alerts");
    }

    @Test
    void a_webhook_is_created_with_a_secret_shown_once_and_a_dead_delivery_is_sent_again() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.answer(503);
            String list = PAGE + "/webhooks";
            HttpResult created = admin.postForm(list, Map.of("_csrf", admin.csrfFrom(list), "url", receiver.url(),
                    "events", "alert"));
            assertThat(created.status()).isEqualTo(200);
            Matcher secret = Pattern.compile("data-new-secret>(whsec_[A-Za-z0-9_-]{43})<").matcher(created.text());
            assertThat(secret.find()).as(created.text()).isTrue();
            assertThat(admin.get(list).text()).doesNotContain(secret.group(1)).contains(receiver.url())
                    .contains("by alice");
            String hook = server.get("/api/v1/webhooks").json().get("webhooks").get(0).get("id").asText();

            RaisedAlerts.failureSpike(server, "quinn");
            receiver.next(WAIT);
            for (int attempt = 1; attempt < io.gatehouse.server.alert.WebhookSenderAccess.maxAttempts(); attempt++) {
                int done = attempt;
                awaitDelivery(hook, delivery -> delivery.get("attempts").asInt() == done);
                server.clock().advance(io.gatehouse.server.alert.WebhookSenderAccess.backoff(attempt));
                receiver.next(WAIT);
            }
            JsonNode dead = awaitDelivery(hook, delivery -> "dead".equals(delivery.get("state").asText()));
            String page = list + "/" + hook;
            HttpResult deliveries = admin.get(page);
            assertThat(deliveries.text()).contains("0 waiting, 0 retrying, 0 delivered, 1 dead")
                    .contains("data-action=\"retry\"").contains("the endpoint answered 503");
            assertThat(admin.get(list).text()).contains("<td data-count-dead>1</td>");

            receiver.answer(204);
            assertThat(admin.postForm(page + "/deliveries/" + dead.get("id").asText() + "/retry", Map.of()).status())
                    .as("without its token").isEqualTo(403);
            HttpResult retried = admin.postForm(page + "/deliveries/" + dead.get("id").asText() + "/retry",
                    Map.of("_csrf", admin.csrfFrom(page)));
            assertThat(retried.header("Location")).isEqualTo(page + "?done=retried");
            receiver.next(WAIT);
            awaitDelivery(hook, delivery -> "delivered".equals(delivery.get("state").asText()));
            assertThat(admin.get(page).text()).contains("0 waiting, 0 retrying, 1 delivered, 0 dead")
                    .doesNotContain("data-action=\"retry\"");

            // The backoff moved the clock on by minutes: deleting now needs a fresh verification first.
            HttpResult stale = admin.postForm(list + "/" + hook + "/delete", Map.of("_csrf", admin.csrfFrom(list)));
            assertThat(stale.header("Location")).startsWith("/console/verify?next=");
            assertThat(server.get("/api/v1/webhooks").json().get("webhooks")).hasSize(1);
            ConsoleClient fresh = ConsoleClient.signIn(server, user("bob", "admin"));
            HttpResult deleted = fresh.postForm(list + "/" + hook + "/delete", Map.of("_csrf", fresh.csrfFrom(list)));
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(server.get("/api/v1/webhooks").json().get("webhooks")).isEmpty();
        }
    }

    @Test
    void a_webhook_with_a_bad_address_is_refused_with_the_form_as_typed() {
        String list = PAGE + "/webhooks";
        HttpResult refused = admin.postForm(list, Map.of("_csrf", admin.csrfFrom(list), "url", "ftp://example.com/x",
                "events", "alert"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("field 'url'").contains("value=\"ftp://example.com/x\"");
        assertThat(server.get("/api/v1/webhooks").json().get("webhooks")).isEmpty();
        HttpResult internal = admin.postForm(list, Map.of("_csrf", admin.csrfFrom(list), "url",
                "http://169.254.169.254/latest/meta-data/", "events", "alert"));
        assertThat(internal.status()).isEqualTo(422);
        assertThat(internal.text()).contains("link-local, where cloud metadata services answer")
                .contains("value=\"http://169.254.169.254/latest/meta-data/\"");
        assertThat(server.get("/api/v1/webhooks").json().get("webhooks")).isEmpty();
        HttpResult typed = admin.postForm(list, Map.of("_csrf", admin.csrfFrom(list), "url", "https://example.com/h",
                "secret", "a-secret-typed-by-hand", "events", "alert"));
        assertThat(typed.status()).isEqualTo(200);
        assertThat(typed.text()).doesNotContain("data-new-secret").doesNotContain("a-secret-typed-by-hand");
    }

    private JsonNode awaitDelivery(String hook, java.util.function.Predicate<JsonNode> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode deliveries = server.get("/api/v1/webhooks/" + hook + "/deliveries").json().get("deliveries");
            if (deliveries.size() == 1 && condition.test(deliveries.get(0))) {
                return deliveries.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the delivery did not reach the expected state: "
                + server.get("/api/v1/webhooks/" + hook + "/deliveries").text());
    }
}
