package io.gatehouse.server.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.audit.AuditLog;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.PlaceDatabases;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rule against a scripted history: the audit records its inputs are (as the decisions write them), at the times
 * they would happen, fed through the real engine, database and API. Five weeks of ordinary traffic (office hours
 * with a 9:00 peak, a night shift, quiet weekends) raise nothing; then each anomaly raises its alert.
 */
@DatabaseTest
class AlertRulesTest {
    /** A Monday, far enough back that five weeks of history end before the server's clock. */
    private static final ZonedDateTime START = LocalDate.of(2026, 9, 7).atStartOfDay(ZoneOffset.UTC);
    private static final String DOOR = "door:door_lobby";
    /** The lobby door's two readers: people come in through one and leave through the other. */
    private static final String ENTRY = "reader:rdr_lobby";
    private static final String EXIT = "reader:rdr_lobby_exit";
    private static final ClientInfo READER = ClientInfo.of("10.0.0.7", "gatehouse-reader/1.0");

    @TempDir
    Path data;

    @TempDir
    Path databases;

    @Test
    void five_weeks_of_ordinary_traffic_raise_nothing() {
        // With address databases, so that the place rules see where each verification came from.
        try (TestServer server = TestServer.start(data, Map.of("geoip.database",
                PlaceDatabases.city(databases, false).toString(), "geoip.asn-database",
                PlaceDatabases.asn(databases).toString()))) {
            Script script = new Script(server);
            script.ordinaryWeeks(5);
            script.readAll();
            assertThat(alerts(server)).as("alerts after %d ordinary records", script.written).isEmpty();
        }
    }

    @Test
    void three_denials_at_three_in_the_morning_are_a_spike_and_the_nine_oclock_rush_is_not() {
        try (TestServer server = TestServer.start(data)) {
            Script script = new Script(server);
            script.ordinaryWeeks(4);
            ZonedDateTime monday = START.plusWeeks(4);
            // The usual Monday rush, a little busier than usual: no alert.
            script.denials(monday.withHour(9), 9, Duration.ofMinutes(25), "usr_rush");
            script.readAll();
            assertThat(alerts(server)).isEmpty();
            // Three denials at 3:00 on Tuesday, where the door never sees any.
            script.denials(monday.plusDays(1).withHour(3), 3, Duration.ofMinutes(6), "usr_night");
            script.readAll();
            List<JsonNode> raised = alerts(server);
            assertThat(raised).extracting(alert -> alert.get("rule").asText() + " " + alert.get("subject").asText())
                    .as("the door and the reader it came through").containsExactlyInAnyOrder(
                            "denied_scan_spike " + DOOR, "reader_denied_scan_spike " + ENTRY);
            assertThat(raised).allSatisfy(alert -> assertThat(alert.get("summary").asText())
                    .contains("3 denied scans").contains("in the 4 weeks before saw [0, 0, 0, 0]"));
        }
    }

    @Test
    void the_nine_oclock_denials_moving_to_the_door_s_other_reader_are_a_reader_spike_and_not_a_door_spike() {
        try (TestServer server = TestServer.start(data)) {
            Script script = new Script(server);
            script.ordinaryWeeks(4);
            ZonedDateTime monday = START.plusWeeks(4);
            // The door sees its usual number of denials at 9:00, but at the exit reader, which never sees any then.
            script.denials(monday.withHour(9), 6, Duration.ofMinutes(25), "usr_late", EXIT);
            script.readAll();
            List<JsonNode> raised = alerts(server);
            assertThat(raised).extracting(alert -> alert.get("rule").asText() + " " + alert.get("subject").asText())
                    .containsExactly("reader_denied_scan_spike " + EXIT);
            assertThat(raised.get(0).get("summary").asText()).contains("denied scans at " + EXIT);
        }
    }

    @Test
    void failures_from_one_network_across_many_people_are_credential_stuffing_and_the_same_spread_out_is_not() {
        try (TestServer server = TestServer.start(data)) {
            Script script = new Script(server);
            script.ordinaryWeeks(1);
            ZonedDateTime night = START.plusWeeks(1).withHour(2);
            // Nineteen people tried once each from one network, and twenty more over the rest of the night: quiet.
            for (int i = 0; i < 19; i++) {
                script.failure(night.plusSeconds(15L * i), "usr_victim" + i, "203.0.113.9");
            }
            for (int i = 0; i < 20; i++) {
                script.failure(night.plusMinutes(10 + 6L * i), "usr_victim" + i, "203.0.113.9");
            }
            script.readAll();
            assertThat(alerts(server)).isEmpty();
            // Twenty within five minutes, from addresses of one IPv6 /64.
            ZonedDateTime later = night.plusHours(4);
            for (int i = 0; i < 20; i++) {
                script.failure(later.plusSeconds(10L * i), "usr_victim" + i, "2001:db8:7:1::" + Integer.toHexString(i + 1));
            }
            script.readAll();
            List<JsonNode> raised = alerts(server);
            assertThat(raised).hasSize(1);
            assertThat(raised.get(0).get("rule").asText()).isEqualTo("network_failure_spike");
            assertThat(raised.get(0).get("subject").asText()).startsWith("network:2001:db8:7:1:");
            assertThat(raised.get(0).get("summary").asText()).contains("20 failed verifications").contains("20 people");
            assertThat(raised.get(0).get("evidence")).hasSize(20);
            // It flags nobody: a victim's own code is not answered with step-up.
            assertThat(flaggedBy(server, "usr_victim0")).isEmpty();
        }
    }

    @Test
    void a_person_s_lockout_raises_an_alert_and_a_lock_of_one_source_is_left_to_the_failure_spike() {
        try (TestServer server = TestServer.start(data)) {
            Script script = new Script(server);
            script.ordinaryWeeks(1);
            ZonedDateTime day = START.plusWeeks(1).withHour(11);
            ClientInfo desk = ClientInfo.of("198.51.100.10", "ops-cli/2");
            script.append(day, AuditEvent.of("token:app", "totp.verify", desk).user("usr_admin0")
                    .reason("invalid_code").detail("lockStarted", true).detail("lockScope", "source").result("rejected"));
            script.readAll();
            assertThat(alerts(server)).isEmpty();
            script.append(day.plusMinutes(3), AuditEvent.of("token:app", "totp.verify", desk).user("usr_admin0")
                    .reason("invalid_code").detail("lockStarted", true).detail("lockScope", "source,user")
                    .result("rejected"));
            script.append(day.plusMinutes(20), AuditEvent.of("token:app", "recovery.verify", desk).user("usr_admin0")
                    .reason("invalid_code").detail("lockStarted", true).detail("lockScope", "user").result("rejected"));
            script.readAll();
            List<JsonNode> raised = alerts(server);
            assertThat(raised).hasSize(1);
            assertThat(raised.get(0).get("rule").asText()).isEqualTo("lockout");
            assertThat(raised.get(0).get("subject").asText()).isEqualTo("user:usr_admin0");
            assertThat(flaggedBy(server, "usr_admin0")).contains("lockout");
        }
    }

    @Test
    void repeated_off_schedule_attempts_reader_chain_problems_and_a_counter_going_backwards_raise_alerts() {
        try (TestServer server = TestServer.start(data)) {
            Script script = new Script(server);
            ZonedDateTime night = START.withHour(23);
            for (int i = 0; i < 3; i++) {
                script.scan(night.plusMinutes(2L * i), "deny", "outside_schedule", "usr_owl", "door:door_lab");
            }
            script.append(night.plusHours(1), AuditEvent.of("reader:rdr_1", "reader.events.alert", READER)
                    .subject("reader:rdr_1").reason("broken_link").result("alert"));
            script.append(night.plusHours(1).plusMinutes(1), AuditEvent.of("reader:rdr_1", "reader.events.alert",
                    READER).subject("reader:rdr_1").reason("gap").result("alert"));
            script.append(night.plusHours(2), AuditEvent.of("device:dev_9", "passkey.clone_suspected",
                    ClientInfo.of("192.0.2.44", "Mozilla/5.0")).user("usr_owl").subject("device:dev_9")
                    .reason("signature_counter_regressed").result("denied"));
            script.readAll();
            List<String> rules = alerts(server).stream().map(alert -> alert.get("rule").asText() + " "
                    + alert.get("subject").asText() + " " + alert.get("severity").asText()).toList();
            assertThat(rules).containsExactlyInAnyOrder("off_schedule user:usr_owl medium",
                    "reader_problem reader:rdr_1 high", "counter_regression user:usr_owl critical");
        }
    }

    @Test
    void the_robust_score_ignores_one_odd_week_and_needs_a_spread_of_at_least_one() {
        assertThat(DeniedScanSpike.score(3, new long[] {0, 0, 0, 0})).isEqualTo(3.0);
        assertThat(DeniedScanSpike.score(24, new long[] {20, 25, 22, 18})).isLessThan(DeniedScanSpike.MIN_SCORE);
        // One week with a fire drill neither makes an ordinary 9:00 alarming nor hides a real spike.
        assertThat(DeniedScanSpike.score(6, new long[] {5, 6, 40, 5})).isLessThan(1.0);
        assertThat(DeniedScanSpike.score(40, new long[] {5, 6, 40, 5})).isGreaterThan(DeniedScanSpike.MIN_SCORE);
        // Counting noise: a door that sees 5 denials at 9:00 may see 8 without an alarm.
        assertThat(DeniedScanSpike.score(8, new long[] {5})).isLessThan(DeniedScanSpike.MIN_SCORE);
    }

    /** The rule flagging {@code userId} (alerts raised within the last hour of the server's clock). */
    private static Optional<String> flaggedBy(TestServer server, String userId) {
        Flags flags = new Flags(Duration.ofHours(1), server.clock());
        return server.gatehouse().services().core().database().read(tx -> flags.ruleFlagging(tx, userId));
    }

    private static List<JsonNode> alerts(TestServer server) {
        List<JsonNode> alerts = new ArrayList<>();
        server.get("/api/v1/alerts?limit=1000").json().get("alerts").forEach(alerts::add);
        return alerts;
    }

    /** Writes audit records as the decisions would, at scripted times, and lets the engine read them. */
    private static final class Script {
        private final TestServer server;
        private final Database database;
        private final AuditLog audit;
        private final Random random = new Random(20261201L);
        int written;

        Script(TestServer server) {
            this.server = server;
            this.database = server.gatehouse().services().core().database();
            this.audit = server.gatehouse().services().core().audit();
        }

        /** Scripted records not written yet: written in batches, as a busy server's group commits would. */
        private final List<Scripted> pending = new ArrayList<>();

        private record Scripted(AuditEvent event, String eventId, long time) {
        }

        void append(ZonedDateTime at, AuditEvent event) {
            pending.add(new Scripted(event, "script-" + written++, at.toInstant().toEpochMilli()));
            if (pending.size() >= 500) {
                flush();
            }
        }

        private void flush() {
            database.inTransaction(tx -> {
                pending.forEach(scripted -> audit.append(tx, scripted.event(), scripted.eventId(), scripted.time()));
                return null;
            });
            pending.clear();
        }

        void scan(ZonedDateTime at, String result, String reason, String userId, String door) {
            scan(at, result, reason, userId, door, ENTRY);
        }

        void scan(ZonedDateTime at, String result, String reason, String userId, String door, String reader) {
            AuditEvent.Builder event = AuditEvent.of(reader, "door.scan", READER).subject(door)
                    .detail("mode", "online").detail("reader", reader.substring("reader:".length()));
            if (userId != null) {
                event.user(userId);
            }
            if (reason != null) {
                event.reason(reason);
            }
            append(at, event.result(result));
        }

        void denials(ZonedDateTime from, int count, Duration over, String userId) {
            denials(from, count, over, userId, ENTRY);
        }

        void denials(ZonedDateTime from, int count, Duration over, String userId, String reader) {
            for (int i = 0; i < count; i++) {
                scan(from.plus(over.multipliedBy(i).dividedBy(count)), "deny", "revoked", userId, DOOR, reader);
            }
        }

        /** A wrong TOTP code of {@code userId} from {@code address}, as the verifier audits it. */
        void failure(ZonedDateTime at, String userId, String address) {
            append(at, AuditEvent.of("token:app", "totp.verify", ClientInfo.of(address, "python-requests/2"))
                    .user(userId).reason("invalid_code").result("rejected"));
        }

        /**
         * Office days: arrivals 7:30–9:30 with a handful of denials at the 9:00 peak (expired phones, a wrong
         * door), lunch, leaving; a night shift 22:00–6:00 with an occasional denial; weekends with a guard's rounds.
         * Verifications: each admin's daily TOTP check, now and then one mistyped code first, from the Berlin
         * office (198.51.100.0/24 in {@link PlaceDatabases}); the third admin works from Vienna on Wednesdays and
         * on the phone's network on Fridays.
         */
        void ordinaryWeeks(int weeks) {
            for (int day = 0; day < weeks * 7; day++) {
                ZonedDateTime date = START.plusDays(day);
                boolean weekend = date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
                if (weekend) {
                    for (int round = 0; round < 4; round++) {
                        scan(date.withHour(8 + 4 * round).plusMinutes(random.nextInt(20)), "grant", null, "usr_guard",
                                DOOR);
                    }
                    continue;
                }
                for (int person = 0; person < 30; person++) {
                    ZonedDateTime arrival = date.withHour(7).plusMinutes(30 + random.nextInt(120));
                    scan(arrival, "grant", null, "usr_staff" + person, DOOR);
                    scan(date.withHour(16).plusMinutes(random.nextInt(150)), "grant", null, "usr_staff" + person,
                            DOOR, EXIT);
                }
                int peakDenials = 5 + random.nextInt(4);
                denials(date.withHour(9), peakDenials, Duration.ofMinutes(25), "usr_late");
                for (int person = 0; person < 6; person++) {
                    scan(date.withHour(22).plusMinutes(random.nextInt(30)), "grant", null, "usr_night" + person, DOOR);
                    scan(date.plusDays(1).withHour(5).plusMinutes(30 + random.nextInt(30)), "grant", null,
                            "usr_night" + person, DOOR, EXIT);
                }
                if (random.nextInt(5) == 0) {
                    scan(date.withHour(23).plusMinutes(random.nextInt(50)), "deny", "revoked", "usr_night0", DOOR);
                }
                for (int admin = 0; admin < 3; admin++) {
                    ZonedDateTime check = date.withHour(10).plusMinutes(random.nextInt(300));
                    ClientInfo desk = ClientInfo.of(admin == 2 && date.getDayOfWeek() == DayOfWeek.WEDNESDAY
                            ? PlaceDatabases.VIENNA : admin == 2 && date.getDayOfWeek() == DayOfWeek.FRIDAY
                            ? PlaceDatabases.BERLIN_MOBILE : "198.51.100." + (10 + admin), "ops-cli/2");
                    if (random.nextInt(4) == 0) {
                        append(check.minusSeconds(20), AuditEvent.of("token:app", "totp.verify", desk)
                                .user("usr_admin" + admin).reason("invalid_code").result("rejected"));
                    }
                    append(check, AuditEvent.of("token:app", "totp.verify", desk).user("usr_admin" + admin)
                            .result("accepted"));
                }
            }
        }

        void readAll() {
            flush();
            server.sealAudit();
            while (server.gatehouse().alerts().step() > 0) {
                // the next batch
            }
            server.gatehouse().alerts().sweep();
        }
    }
}
