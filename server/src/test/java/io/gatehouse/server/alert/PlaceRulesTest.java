package io.gatehouse.server.alert;

import static io.gatehouse.server.testing.PlaceDatabases.BERLIN;
import static io.gatehouse.server.testing.PlaceDatabases.BERLIN_MOBILE;
import static io.gatehouse.server.testing.PlaceDatabases.MADRID;
import static io.gatehouse.server.testing.PlaceDatabases.SAO_PAULO;
import static io.gatehouse.server.testing.PlaceDatabases.SOMEWHERE_IN_SPAIN;
import static io.gatehouse.server.testing.PlaceDatabases.SYDNEY;
import static io.gatehouse.server.testing.PlaceDatabases.VIENNA;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.PlaceDatabases;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code unusual_place} and {@code impossible_travel} against scripted histories: people verifying TOTP codes through
 * a real server on a moved clock, from addresses a trusted proxy forwards (X-Forwarded-For), placed by small City and
 * ASN databases written for the test.
 */
@DatabaseTest
class PlaceRulesTest {
    @TempDir
    Path data;

    @TempDir
    Path databases;

    @Test
    void a_person_verifying_from_germany_for_weeks_then_once_from_brazil_raises_unusual_place() {
        try (TestServer server = start()) {
            TotpUsers.Enrolled ada = TotpUsers.enroll(server, "ada");
            for (int day = 0; day < 20; day++) {
                server.clock().advance(Duration.ofDays(1));
                verify(server, ada, BERLIN);
            }
            readEverything(server);
            assertThat(alerts(server)).isEmpty();

            server.clock().advance(Duration.ofDays(1));
            verify(server, ada, SAO_PAULO);
            // The second time, Brazil is a place this person was seen in.
            server.clock().advance(Duration.ofHours(2));
            verify(server, ada, SAO_PAULO);
            readEverything(server);

            List<JsonNode> raised = alerts(server);
            assertThat(raised).hasSize(1);
            JsonNode alert = raised.get(0);
            assertThat(alert.get("rule").asText()).isEqualTo("unusual_place");
            assertThat(alert.get("severity").asText()).isEqualTo("medium");
            assertThat(alert.get("subject").asText()).isEqualTo("user:" + userId(server, "ada"));
            assertThat(alert.get("summary").asText()).contains("totp.verify").contains("20 located events")
                    .contains("within 90 days").contains("country BR; earlier: DE");
            assertNoPersonalData(alert, "ada");
            long brazil = firstRecordFrom(server, "ada", SAO_PAULO);
            assertThat(evidence(alert)).contains(brazil).hasSizeGreaterThan(1)
                    .allSatisfy(id -> assertThat(id).isLessThanOrEqualTo(brazil));
        }
    }

    @Test
    void a_person_who_always_uses_two_countries_and_two_networks_raises_nothing() {
        try (TestServer server = start()) {
            TotpUsers.Enrolled bo = TotpUsers.enroll(server, "bo");
            // Two days at the Berlin office or on the phone's network, the third in Vienna, from the first week on
            // (while the person is learnt) and for six weeks.
            for (int day = 0; day < 42; day++) {
                server.clock().advance(Duration.ofDays(1));
                verify(server, bo, day % 3 == 2 ? VIENNA : day % 2 == 0 ? BERLIN : BERLIN_MOBILE);
            }
            readEverything(server);
            assertThat(alerts(server)).isEmpty();
        }
    }

    @Test
    void a_new_network_in_a_known_country_raises_unusual_place_naming_both_networks() {
        try (TestServer server = start()) {
            TotpUsers.Enrolled cy = TotpUsers.enroll(server, "cy");
            for (int day = 0; day < 10; day++) {
                server.clock().advance(Duration.ofDays(1));
                verify(server, cy, BERLIN);
            }
            server.clock().advance(Duration.ofHours(3));
            verify(server, cy, BERLIN_MOBILE);
            readEverything(server);

            List<JsonNode> raised = alerts(server);
            assertThat(raised).hasSize(1);
            assertThat(raised.get(0).get("rule").asText()).isEqualTo("unusual_place");
            assertThat(raised.get(0).get("summary").asText()).contains("network AS64500; earlier: AS3320")
                    .doesNotContain("Mobile network");
            assertNoPersonalData(raised.get(0), "cy");
        }
    }

    @Test
    void berlin_then_sydney_an_hour_apart_is_impossible_travel_and_thirty_hours_apart_is_not() {
        try (TestServer server = start()) {
            TotpUsers.Enrolled slow = TotpUsers.enroll(server, "slow");
            TotpUsers.Enrolled fast = TotpUsers.enroll(server, "fast");
            verify(server, slow, BERLIN);
            server.clock().advance(Duration.ofHours(30));
            verify(server, slow, SYDNEY);
            readEverything(server);
            assertThat(alerts(server)).isEmpty();

            verify(server, fast, BERLIN);
            server.clock().advance(Duration.ofHours(1));
            verify(server, fast, SYDNEY);
            readEverything(server);

            List<JsonNode> raised = alerts(server);
            assertThat(raised).hasSize(1);
            JsonNode alert = raised.get(0);
            assertThat(alert.get("rule").asText()).isEqualTo("impossible_travel");
            assertThat(alert.get("severity").asText()).isEqualTo("high");
            assertThat(alert.get("subject").asText()).isEqualTo("user:" + userId(server, "fast"));
            // Berlin to Sydney is about 16,000 km: less both 20 km radii, in about an hour.
            assertThat(alert.get("summary").asText()).startsWith("totp.verify from AU, ")
                    .contains("previous located event from DE").containsPattern("at least 16,0[0-9]{2} km apart")
                    .contains("(more than 1,000 km/h)").doesNotContain("Sydney").doesNotContain("Berlin");
            assertNoPersonalData(alert, "fast");
            assertThat(evidence(alert)).containsExactly(firstRecordFrom(server, "fast", BERLIN),
                    firstRecordFrom(server, "fast", SYDNEY));
        }
    }

    @Test
    void an_imprecise_location_an_hour_away_is_quiet_where_a_precise_one_fires() {
        try (TestServer server = start()) {
            TotpUsers.Enrolled vague = TotpUsers.enroll(server, "vague");
            TotpUsers.Enrolled exact = TotpUsers.enroll(server, "exact");
            // Madrid is about 1,870 km from Berlin; "somewhere in Spain" is within 1,000 km of its middle.
            verify(server, vague, BERLIN);
            verify(server, exact, BERLIN);
            server.clock().advance(Duration.ofHours(1));
            verify(server, vague, SOMEWHERE_IN_SPAIN);
            verify(server, exact, MADRID);
            readEverything(server);

            List<JsonNode> raised = alerts(server);
            assertThat(raised).extracting(alert -> alert.get("rule").asText() + " " + alert.get("subject").asText())
                    .containsExactly("impossible_travel user:" + userId(server, "exact"));
            assertThat(raised.get(0).get("summary").asText()).contains("totp.verify from ES");
        }
    }

    @Test
    void rules_switched_off_stay_quiet_and_their_defaults_are_listed() {
        try (TestServer server = start()) {
            String rules = server.get("/api/v1/alert-rules").json().get("rules").toString();
            assertThat(rules).contains("{\"rule\":\"unusual_place\",\"enabled\":true,\"severity\":\"medium\","
                    + "\"threshold\":5,\"windowSeconds\":7776000}");
            assertThat(rules).contains("{\"rule\":\"impossible_travel\",\"enabled\":true,\"severity\":\"high\","
                    + "\"threshold\":1000,\"windowSeconds\":86400}");
            for (String rule : List.of("unusual_place", "impossible_travel")) {
                HttpResult off = server.put("/api/v1/alert-rules/" + rule, Map.of("enabled", false));
                assertThat(off.status()).isEqualTo(200);
                assertThat(off.json().get("enabled").asBoolean()).isFalse();
            }

            TotpUsers.Enrolled dee = TotpUsers.enroll(server, "dee");
            for (int day = 0; day < 10; day++) {
                server.clock().advance(Duration.ofDays(1));
                verify(server, dee, BERLIN);
            }
            server.clock().advance(Duration.ofHours(1));
            verify(server, dee, SYDNEY);
            readEverything(server);
            assertThat(alerts(server)).isEmpty();
        }
    }

    @Test
    void an_untrusted_clients_forwarded_for_is_ignored_and_its_own_address_counts() {
        // The proxy trusted is another host; loopback, where the test's requests come from, is in Berlin.
        try (TestServer server = TestServer.start(data, Map.of("trusted-proxies", "192.0.2.250",
                "geoip.database", PlaceDatabases.city(databases, true).toString()))) {
            // The activation of the enrollment comes from loopback too: a located event in Berlin.
            TotpUsers.Enrolled eli = TotpUsers.enroll(server, "eli");
            server.clock().advance(Duration.ofHours(1));
            verify(server, eli, SYDNEY);
            readEverything(server);

            JsonNode records = server.get("/api/v1/audit?action=totp.verify&userId=" + userId(server, "eli")).json()
                    .get("records");
            assertThat(records).hasSize(1);
            assertThat(records.get(0).get("clientAddress").asText()).isEqualTo("127.0.0.1");
            assertThat(alerts(server)).as("Sydney an hour after Berlin, had the header been believed").isEmpty();
        }
    }

    @Test
    void every_kind_of_sign_in_counts_and_failures_and_door_scans_do_not() {
        try (TestServer server = start()) {
            AuditLog audit = server.gatehouse().services().core().audit();
            Instant start = server.clock().instant().minus(Duration.ofDays(3));
            List<AuditEvent> history = List.of(
                    AuditEvent.of("device:dev_k", "console.sign_in", ClientInfo.of(BERLIN, "Firefox")).user("usr_k")
                            .detail("method", "passkey").success(),
                    AuditEvent.of("user:usr_k", "oidc.sign_in", ClientInfo.of(BERLIN, "Firefox")).user("usr_k")
                            .result("accepted"),
                    AuditEvent.of("token:app", "recovery.verify", ClientInfo.of(BERLIN_MOBILE, "app")).user("usr_k")
                            .result("accepted"),
                    AuditEvent.of("device:dev_k", "login.request.approve", ClientInfo.of(BERLIN_MOBILE, "Phone"))
                            .user("usr_k").success(),
                    AuditEvent.of("device:dev_k", "wallet.door_code", ClientInfo.of(BERLIN, "Phone")).user("usr_k")
                            .success(),
                    // Not the person's place: an attacker's failure, and a door scan with the reader's address.
                    AuditEvent.of("token:app", "totp.verify", ClientInfo.of(SYDNEY, "app")).user("usr_k")
                            .reason("invalid_code").result("rejected"),
                    AuditEvent.of("reader:rdr_k", "door.scan", ClientInfo.of(SYDNEY, "reader")).user("usr_k")
                            .subject("door:door_k").result("grant"),
                    AuditEvent.of("login:lgn_k", "login.request.complete", ClientInfo.of(SYDNEY, "Chrome"))
                            .user("usr_k").success());
            server.gatehouse().services().core().database().inTransaction(tx -> {
                for (int i = 0; i < history.size(); i++) {
                    // A sign-in a day, then the last three within minutes.
                    Instant at = i < 5 ? start.plus(Duration.ofHours(12L * i)) : start.plus(Duration.ofHours(49))
                            .plus(Duration.ofMinutes(10L * (i - 4)));
                    audit.append(tx, history.get(i), "place-" + i, at.toEpochMilli());
                }
                return null;
            });
            readEverything(server);

            long walletCode = recordOf(server, "wallet.door_code");
            long completion = recordOf(server, "login.request.complete");
            List<String> raised = alerts(server).stream().map(alert -> alert.get("rule").asText() + " "
                    + evidence(alert).contains(completion)).toList();
            assertThat(raised).containsExactlyInAnyOrder("unusual_place true", "impossible_travel true");
            JsonNode travel = alerts(server).stream().filter(alert -> alert.get("rule").asText()
                    .equals("impossible_travel")).findFirst().orElseThrow();
            assertThat(evidence(travel)).containsExactly(walletCode, completion);
            assertThat(travel.get("summary").asText()).startsWith("login.request.complete from AU, 90 min after");
        }
    }

    private static long recordOf(TestServer server, String action) {
        JsonNode records = server.get("/api/v1/audit?action=" + action + "&userId=usr_k").json().get("records");
        assertThat(records).hasSize(1);
        return records.get(0).get("id").asLong();
    }

    private TestServer start() {
        return TestServer.start(data, Map.of("trusted-proxies", "127.0.0.1",
                "geoip.database", PlaceDatabases.city(databases, false).toString(),
                "geoip.asn-database", PlaceDatabases.asn(databases).toString()));
    }

    /** A correct code for the next time step, from {@code address} as the trusted proxy forwards it. */
    private static void verify(TestServer server, TotpUsers.Enrolled user, String address) {
        HttpResult result = server.send(HttpRequest.newBuilder(server.uri("/api/v1/totp/verify"))
                .header("Content-Type", "application/json").header("X-Forwarded-For", address)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("username", user.username(),
                        "code", user.nextCode(server))))), server.adminToken());
        assertThat(result.status()).as("verification from %s: %s", address, result).isEqualTo(200);
    }

    /** Seals what is committed and lets the rules read all of it, here and now. */
    private static void readEverything(TestServer server) {
        server.sealAudit();
        while (server.gatehouse().alerts().step() > 0) {
            // another batch
        }
    }

    private static List<JsonNode> alerts(TestServer server) {
        List<JsonNode> alerts = new ArrayList<>();
        server.get("/api/v1/alerts?limit=1000").json().get("alerts").forEach(alerts::add);
        return alerts;
    }

    private static List<Long> evidence(JsonNode alert) {
        List<Long> ids = new ArrayList<>();
        alert.get("evidence").forEach(id -> ids.add(id.asLong()));
        return ids;
    }

    private static String userId(TestServer server, String username) {
        return server.get("/api/v1/users?q=" + username).json().get("users").get(0).get("id").asText();
    }

    /** The id of the person's oldest verification from {@code address}. */
    private static long firstRecordFrom(TestServer server, String username, String address) {
        JsonNode records = server.get("/api/v1/audit?action=totp.verify&limit=1000&userId=" + userId(server,
                username)).json().get("records");
        long first = -1;
        for (JsonNode record : records) {
            if (address.equals(record.get("clientAddress").asText())) {
                first = record.get("id").asLong();
            }
        }
        assertThat(first).as("a verification from %s", address).isPositive();
        return first;
    }

    /** The alert as the API shows it names no address, no username and no city. */
    private static void assertNoPersonalData(JsonNode alert, String username) {
        assertThat(alert.toString()).doesNotContain(BERLIN, BERLIN_MOBILE, VIENNA, SAO_PAULO, SYDNEY, MADRID,
                "198.51.100.", "203.0.113.", "192.0.2.", "\"" + username + "\"", "São Paulo", "Berlin", "Sydney");
    }
}
