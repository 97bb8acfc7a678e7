package io.gatehouse.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.ProofSigner;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reader_offline} on a moved clock: a provisioned reader that fetches its bundle as usual raises nothing for a
 * week; silent for longer than its door's bundle lifetime it raises one alert per outage, however often the rule runs;
 * a reader that was never provisioned (online only) never does.
 */
@DatabaseTest
class ReaderOfflineTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path data;
    TestServer server;
    String readerId;
    String credential;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        String siteId = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"));
        String zoneId = server.createdId("/api/v1/zones", Map.of("siteId", siteId, "name", "Z"));
        String doorId = server.createdId("/api/v1/doors", Map.of("zoneId", zoneId, "name", "D",
                "maxBundleAgeSeconds", 3600));
        readerId = server.createdId("/api/v1/readers", Map.of("doorId", doorId, "name", "R"));
        server.createdId("/api/v1/readers", Map.of("doorId", doorId, "name", "online only"));
        String token = server.post("/api/v1/readers/" + readerId + "/provisioning", "").json().get("token").asText();
        HttpResult enrolled = server.post("/api/v1/reader-enrollment", Map.of("secret",
                token.substring(token.indexOf('.') + 1), "publicKey",
                Base64Url.encode(PublicKeys.toSpki(ProofSigner.generateP256(RANDOM).getPublic()))), null);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        credential = enrolled.json().get("credential").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void a_reader_fetching_its_bundle_as_usual_for_a_week_raises_nothing() {
        for (int fetch = 0; fetch < 7 * 24 * 2; fetch++) {
            fetchBundle();
            server.clock().advance(Duration.ofMinutes(30));
            assertThat(server.gatehouse().alerts().sweep()).isZero();
        }
        assertThat(alerts()).isEmpty();
    }

    @Test
    void a_reader_silent_past_its_bundle_lifetime_raises_one_alert_per_outage() {
        fetchBundle();
        server.clock().advance(Duration.ofMinutes(59));
        assertThat(server.gatehouse().alerts().sweep()).as("within the bundle's lifetime").isZero();
        server.clock().advance(Duration.ofMinutes(2));
        server.gatehouse().alerts().sweep();
        assertThat(alerts()).hasSize(1);
        server.clock().advance(Duration.ofHours(5));
        assertThat(server.gatehouse().alerts().sweep()).as("the same outage").isZero();
        // The background sweep runs too (on the real minute): the alerts listed are what counts.
        List<JsonNode> raised = alerts();
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).get("rule").asText()).isEqualTo("reader_offline");
        assertThat(raised.get(0).get("subject").asText()).isEqualTo("reader:" + readerId);
        assertThat(raised.get(0).get("severity").asText()).isEqualTo("high");
        assertThat(raised.get(0).get("summary").asText()).contains("valid offline for 60 min");

        fetchBundle();
        assertThat(server.gatehouse().alerts().sweep()).as("back online").isZero();
        server.clock().advance(Duration.ofMinutes(61));
        server.gatehouse().alerts().sweep();
        assertThat(alerts()).as("a second outage").hasSize(2);
    }

    @Test
    void a_disabled_rule_raises_nothing() {
        assertThat(server.put("/api/v1/alert-rules/reader_offline", Map.of("enabled", false)).status())
                .isEqualTo(200);
        fetchBundle();
        server.clock().advance(Duration.ofHours(2));
        assertThat(server.gatehouse().alerts().sweep()).isZero();
        assertThat(alerts()).isEmpty();
    }

    private void fetchBundle() {
        HttpResult bundle = server.send(HttpRequest.newBuilder(server.uri("/api/v1/reader/bundle")).GET(),
                credential);
        assertThat(bundle.status()).as(bundle.toString()).isEqualTo(200);
    }

    private List<JsonNode> alerts() {
        List<JsonNode> alerts = new ArrayList<>();
        server.get("/api/v1/alerts?limit=1000").json().get("alerts").forEach(alerts::add);
        return alerts;
    }
}
