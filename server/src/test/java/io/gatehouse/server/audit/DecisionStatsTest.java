package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/stats/...} over {@value #SCANS} door decisions (a thousand an hour for a hundred hours) and some
 * TOTP failures: each answer equals the count worked out from how the records were made.
 */
@DatabaseTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecisionStatsTest {
    static final int SCANS = 100_000;
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static final long STEP_MILLIS = 3_600;

    @TempDir
    static Path data;
    TestServer server;

    static boolean denied(int i) {
        return i % 4 == 0;
    }

    static String reason(int i) {
        return i % 12 == 0 ? "revoked" : "outside_schedule";
    }

    static String door(int i) {
        return "dor_" + (i % 7);
    }

    static Instant time(int i) {
        return T0.plusMillis(i * STEP_MILLIS);
    }

    @BeforeAll
    void seed() {
        server = TestServer.start(data);
        Database database = server.gatehouse().services().core().database();
        AuditLog audit = server.gatehouse().services().core().audit();
        List<AuditSeed.Timed> events = new ArrayList<>(SCANS + 10);
        for (int i = 0; i < SCANS; i++) {
            events.add(new AuditSeed.Timed(time(i), AuditSeed.scan(door(i), "usr_" + (i % 50),
                    denied(i) ? "deny" : "grant", denied(i) ? reason(i) : null)));
        }
        ClientInfo client = new ClientInfo("192.0.2.9", "app");
        Instant hour2 = T0.plus(Duration.ofHours(2));
        for (int i = 0; i < 3; i++) {
            events.add(new AuditSeed.Timed(hour2.plusSeconds(i), new AuditEvent("app", "totp.verify", "usr_1",
                    "user:one", "rejected", "invalid_code", client, i == 2 ? Map.of("lockStarted", true) : Map.of())));
        }
        events.add(new AuditSeed.Timed(hour2.plusSeconds(10), new AuditEvent("app", "totp.verify", "usr_1",
                "user:one", "rejected", "locked", client, Map.of())));
        events.add(new AuditSeed.Timed(hour2.plusSeconds(20), new AuditEvent("app", "recovery.verify", "usr_1",
                "user:one", "rejected", "invalid_code", client, Map.of())));
        events.add(new AuditSeed.Timed(hour2.plusSeconds(30), new AuditEvent("app", "totp.verify", "usr_1",
                "user:one", "accepted", null, client, Map.of())));
        AuditSeed.append(database, audit, events);
        database.inTransaction(tx -> {
            tx.update("INSERT INTO users (id, username, username_key, status, created_at, updated_at) VALUES"
                    + " ('usr_devices', 'devices', 'devices', 'active', 1, 1)");
            String insert = "INSERT INTO devices (id, user_id, credential_id, kind, public_key, trust, status,"
                    + " created_at) VALUES (?, 'usr_devices', ?, ?, ?, ?, ?, 1)";
            tx.update(insert, "dev_1", "cred_1", "device_key", new byte[] {1}, "software", "active");
            tx.update(insert, "dev_2", "cred_2", "device_key", new byte[] {2}, "software", "active");
            tx.update(insert, "dev_3", "cred_3", "passkey", new byte[] {3}, "hardware", "active");
            tx.update(insert, "dev_4", "cred_4", "passkey", new byte[] {4}, "hardware", "revoked");
            return null;
        });
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private JsonNode get(String path) {
        HttpResult answer = server.get(path);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        return answer.json();
    }

    private static String range(Instant from, Instant to) {
        return "from=" + from + "&to=" + to;
    }

    @Test
    void decisions_per_hour_list_every_hour_of_the_range() {
        JsonNode series = get("/api/v1/stats/decisions?" + range(T0, T0.plus(Duration.ofHours(101))));

        JsonNode hours = series.get("hours");
        assertThat(hours).hasSize(101);
        for (int h = 0; h < 100; h++) {
            assertThat(hours.get(h).get("hour").asText()).isEqualTo(T0.plus(Duration.ofHours(h)).toString());
            assertThat(hours.get(h).get("grants").asLong()).isEqualTo(750);
            assertThat(hours.get(h).get("denies").asLong()).isEqualTo(250);
        }
        assertThat(hours.get(100).get("grants").asLong()).isZero();
        assertThat(hours.get(100).get("denies").asLong()).isZero();
    }

    @Test
    void a_range_cuts_inside_hours_exactly() {
        Instant from = time(1_500);
        Instant to = time(2_250);

        JsonNode hours = get("/api/v1/stats/decisions?" + range(from, to)).get("hours");

        assertThat(hours).hasSize(2);
        long denies = IntStream.range(1_500, 2_250).filter(DecisionStatsTest::denied).count();
        assertThat(hours.get(0).get("denies").asLong() + hours.get(1).get("denies").asLong()).isEqualTo(denies);
        assertThat(hours.get(0).get("grants").asLong()).isEqualTo(
                IntStream.range(1_500, 2_000).filter(i -> !denied(i)).count());
    }

    @Test
    void deny_reasons_are_counted_most_frequent_first() {
        JsonNode reasons = get("/api/v1/stats/deny-reasons?" + range(T0, time(SCANS))).get("reasons");

        long revoked = IntStream.range(0, SCANS).filter(i -> denied(i) && reason(i).equals("revoked")).count();
        long outside = IntStream.range(0, SCANS).filter(i -> denied(i) && !reason(i).equals("revoked")).count();
        assertThat(reasons).hasSize(2);
        assertThat(reasons.get(0).get("reason").asText()).isEqualTo("outside_schedule");
        assertThat(reasons.get(0).get("count").asLong()).isEqualTo(outside);
        assertThat(reasons.get(1).get("reason").asText()).isEqualTo("revoked");
        assertThat(reasons.get(1).get("count").asLong()).isEqualTo(revoked);
    }

    @Test
    void doors_are_ranked_by_denies() {
        JsonNode doors = get("/api/v1/stats/doors?limit=3&" + range(T0, time(SCANS))).get("doors");

        Map<String, long[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < SCANS; i++) {
            expected.computeIfAbsent(door(i), d -> new long[2])[denied(i) ? 1 : 0]++;
        }
        List<String> ranking = expected.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[1])
                        .thenComparingLong(e -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey).limit(3).toList();
        assertThat(doors).hasSize(3);
        for (int i = 0; i < 3; i++) {
            String id = ranking.get(i);
            assertThat(doors.get(i).get("doorId").asText()).isEqualTo(id);
            assertThat(doors.get(i).get("grants").asLong()).isEqualTo(expected.get(id)[0]);
            assertThat(doors.get(i).get("denies").asLong()).isEqualTo(expected.get(id)[1]);
        }
    }

    @Test
    void totp_failures_and_lockouts_per_hour() {
        JsonNode hours = get("/api/v1/stats/totp?" + range(T0, T0.plus(Duration.ofHours(4)))).get("hours");

        assertThat(hours).hasSize(4);
        assertThat(hours.get(2).get("failures").asLong()).isEqualTo(4);
        assertThat(hours.get(2).get("lockouts").asLong()).isEqualTo(1);
        assertThat(hours.get(1).get("failures").asLong()).isZero();
    }

    @Test
    void today_counts_from_midnight_in_the_time_zone_given() {
        server.clock().set(Instant.parse("2026-03-03T12:00:00Z"));

        JsonNode zurich = get("/api/v1/stats/today?timeZone=Europe/Zurich");
        JsonNode utc = get("/api/v1/stats/today");

        assertThat(zurich.get("since").asText()).isEqualTo("2026-03-02T23:00:00Z");
        assertThat(zurich.get("timeZone").asText()).isEqualTo("Europe/Zurich");
        int first = (int) (Duration.ofHours(47).toMillis() / STEP_MILLIS);
        int last = (int) (Duration.ofHours(60).toMillis() / STEP_MILLIS);
        assertThat(zurich.get("denies").asLong()).isEqualTo(
                IntStream.rangeClosed(first, last).filter(DecisionStatsTest::denied).count());
        assertThat(zurich.get("grants").asLong()).isEqualTo(
                IntStream.rangeClosed(first, last).filter(i -> !denied(i)).count());
        assertThat(utc.get("since").asText()).isEqualTo("2026-03-03T00:00:00Z");
        assertThat(utc.get("grants").asLong() + utc.get("denies").asLong()).isEqualTo(last - 48_000 + 1);
    }

    @Test
    void active_devices_by_kind_and_trust() {
        JsonNode devices = get("/api/v1/stats/devices").get("devices");

        assertThat(devices.toString()).isEqualTo("[{\"kind\":\"device_key\",\"trust\":\"software\",\"count\":2},"
                + "{\"kind\":\"passkey\",\"trust\":\"hardware\",\"count\":1}]");
    }

    @Test
    void ranges_that_cannot_be_answered_are_refused() {
        HttpResult backwards = server.get("/api/v1/stats/deny-reasons?" + range(time(10), time(5)));
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.json().get("code").asText()).isEqualTo("invalid_parameter");

        HttpResult tooLong = server.get("/api/v1/stats/decisions?" + range(T0, T0.plus(Duration.ofDays(32))));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().get("detail").asText()).startsWith("an hourly series covers at most 31 days");

        HttpResult zone = server.get("/api/v1/stats/today?timeZone=Mars/Olympus");
        assertThat(zone.status()).isEqualTo(400);
        assertThat(zone.json().get("detail").asText()).isEqualTo("query parameter 'timeZone' must be a time zone"
                + " such as UTC or Europe/Zurich, got 'Mars/Olympus'");
    }
}
