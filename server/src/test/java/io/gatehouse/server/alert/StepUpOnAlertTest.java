package io.gatehouse.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step-up action: after a failure spike against a person whose policy says {@code stepUpWhenFlagged}, their own
 * correct code is answered {@code step_up_required} (and spent) until the alert is resolved or ages out; a person
 * whose policy does not ask for it is unaffected.
 */
@DatabaseTest
class StepUpOnAlertTest {
    @TempDir
    Path data;

    @Test
    void a_flagged_person_s_correct_code_is_answered_step_up_until_the_alert_is_resolved() throws Exception {
        try (TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1",
                "alerts.flag-minutes", "30"))) {
            assertThat(server.put("/api/v1/policies/admins", Map.of("stepUpWhenFlagged", true)).status())
                    .isEqualTo(200);
            assertThat(server.get("/api/v1/policies/admins").json().get("stepUpWhenFlagged").asBoolean()).isTrue();
            TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
            assertThat(verify(server, "quinn", quinn.nextCode(server), "198.51.100.20").json().get("result")
                    .asText()).isEqualTo("accepted");

            for (int i = 0; i < 5; i++) {
                verify(server, "quinn", "000000", "203.0.113.9");
            }
            String alert = awaitAlert(server);

            String code = quinn.nextCode(server);
            HttpResult stepUp = verify(server, "quinn", code, "198.51.100.20");
            assertThat(stepUp.status()).isEqualTo(401);
            assertThat(stepUp.json().get("result").asText()).isEqualTo("step_up_required");
            assertThat(stepUp.json().get("reason").asText()).isEqualTo("failure_spike");
            assertThat(verify(server, "quinn", code, "198.51.100.20").json().get("reason").asText())
                    .as("the code was spent").isEqualTo("replayed");
            JsonNode audited = server.get("/api/v1/audit?action=totp.verify&result=step_up_required").json()
                    .get("records");
            assertThat(audited).hasSize(1);
            assertThat(audited.get(0).get("reason").asText()).isEqualTo("failure_spike");

            server.post("/api/v1/alerts/" + alert + "/resolve", Map.of("note", "the person's own typos"));
            assertThat(verify(server, "quinn", quinn.nextCode(server), "198.51.100.20").json().get("result")
                    .asText()).isEqualTo("accepted");
        }
    }

    @Test
    void the_flag_ages_out_and_a_policy_without_step_up_is_unaffected() throws Exception {
        try (TestServer server = TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1",
                "alerts.flag-minutes", "30"))) {
            TotpUsers.Enrolled quinn = TotpUsers.enroll(server, "quinn");
            for (int i = 0; i < 5; i++) {
                verify(server, "quinn", "000000", "203.0.113.9");
            }
            awaitAlert(server);
            assertThat(verify(server, "quinn", quinn.nextCode(server), "198.51.100.20").json().get("result")
                    .asText()).as("no policy asks for step-up").isEqualTo("accepted");

            server.put("/api/v1/policies/admins", Map.of("stepUpWhenFlagged", true));
            assertThat(verify(server, "quinn", quinn.nextCode(server), "198.51.100.20").json().get("result")
                    .asText()).isEqualTo("step_up_required");
            server.clock().advance(Duration.ofMinutes(31));
            assertThat(verify(server, "quinn", quinn.nextCode(server), "198.51.100.20").json().get("result")
                    .asText()).as("the alert is older than alerts.flag-minutes").isEqualTo("accepted");
        }
    }

    private static HttpResult verify(TestServer server, String username, String code, String address) {
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/totp/verify"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("username", username, "code", code)))),
                server.adminToken());
    }

    private static String awaitAlert(TestServer server) {
        server.sealAudit();
        while (server.gatehouse().alerts().step() > 0) {
            // read everything committed
        }
        JsonNode alerts = server.get("/api/v1/alerts?rule=failure_spike").json().get("alerts");
        assertThat(alerts).hasSize(1);
        return alerts.get(0).get("id").asText();
    }
}
