package io.gatehouse.server.totp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throttling per source and per user, and the bounded audit of repeated rejections, over real HTTP from several
 * loopback addresses (each one a source). Defaults: user threshold 10 per 300 s window, source threshold 5, source
 * locks 300 s doubling up to 3 600 s.
 */
@DatabaseTest
class SourceThrottleTest {
    private static final String VERIFY = "/api/v1/totp/verify";

    @TempDir
    Path data;
    TestServer server;
    Totp totp;
    String userId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        userId = enrol("victim");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String enrol(String username) {
        HttpResult user = server.post("/api/v1/users", Map.of("username", username, "roles", List.of("admins")));
        assertThat(user.status()).as(user.toString()).isEqualTo(201);
        String id = user.json().get("id").asText();
        String url = server.post("/api/v1/users/" + id + "/totp/enrollments", "").json().get("enrollmentUrl")
                .asText();
        Matcher uri = Pattern.compile("id=\"uri\">([^<]+)<").matcher(server.get(url, null).text());
        assertThat(uri.find()).isTrue();
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(uri.group(1).replace("&amp;", "&"));
        totp = new Totp(parsed.params(), parsed.secret());
        assertThat(server.post(url + "/activate", Map.of("code", totp.codeAt(now())), null).status()).isEqualTo(200);
        return id;
    }

    private long now() {
        return server.clock().instant().getEpochSecond();
    }

    /** Moves the clock to the start of the next time step, so that a fresh correct code exists. */
    private void nextStep() {
        server.clock().advance(Duration.ofSeconds(30 - now() % 30));
    }

    /** A code that matches none of the steps the server accepts now. */
    private String wrongCode() {
        Set<String> accepted = Set.of(totp.codeAt(now() - 30), totp.codeAt(now()), totp.codeAt(now() + 30));
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!accepted.contains(code)) {
                return code;
            }
        }
    }

    private LoopbackClient.Response verify(String source, String code) {
        return verify(server, source, code);
    }

    private LoopbackClient.Response verify(TestServer node, String source, String code) {
        return LoopbackClient.from(source, node.gatehouse().baseUrl())
                .post(VERIFY, Map.of("username", "victim", "code", code), server.adminToken());
    }

    private long count(String sql, Object... args) {
        return server.gatehouse().services().core().database().read(tx -> tx.queryLong(sql, args));
    }

    private long audited(String action, String reason) {
        return count("SELECT COUNT(*) FROM audit_log WHERE subject_user = ? AND action = ? AND reason = ?", userId,
                action, reason);
    }

    /** Sends wrong codes from {@code source} until it is refused; returns how many were checked. */
    private int guessUntilRefused(String source) {
        int checked = 0;
        while (true) {
            LoopbackClient.Response answer = verify(source, wrongCode());
            if (answer.status() == 429) {
                return checked;
            }
            assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
            assertThat(answer.json().get("reason").asText()).isEqualTo("invalid_code");
            checked++;
        }
    }

    @Test
    void a_victim_locked_out_from_one_source_still_signs_in_from_another() {
        assertThat(guessUntilRefused("127.0.0.2")).as("guesses checked from the attacker's source").isEqualTo(5);
        LoopbackClient.Response refused = verify("127.0.0.2", wrongCode());
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().get("reason").asText()).isEqualTo("locked");
        assertThat(refused.header("Retry-After")).isEqualTo("300");

        nextStep();
        LoopbackClient.Response victim = verify("127.0.0.3", totp.codeAt(now()));
        assertThat(victim.status()).as(victim.toString()).isEqualTo(200);
        assertThat(victim.json().get("result").asText()).isEqualTo("accepted");
        assertThat(verify("127.0.0.2", totp.codeAt(now() + 30)).status())
                .as("the attacker's source stays locked, even with a correct code").isEqualTo(429);
        assertThat(count("SELECT COUNT(*) FROM users WHERE id = ? AND locked_until IS NULL", userId))
                .as("the user as a whole is not locked").isEqualTo(1);
    }

    @Test
    void one_source_guessing_for_a_day_gets_a_shrinking_share_and_never_locks_the_victim_out() {
        int guesses = 0;
        int runs = 0;
        long end = now() + Duration.ofDays(1).toSeconds();
        while (now() < end) {
            guesses += guessUntilRefused("127.0.0.2");
            runs++;
            assertThat(count("SELECT COUNT(*) FROM users WHERE id = ? AND locked_until IS NULL", userId))
                    .as("after run " + runs + " the user's window is not full").isEqualTo(1);
            nextStep();
            LoopbackClient.Response victim = verify("127.0.0.3", totp.codeAt(now()));
            assertThat(victim.status()).as("victim after run " + runs + ": " + victim).isEqualTo(200);
            long retryAfter = Long.parseLong(verify("127.0.0.2", wrongCode()).header("Retry-After"));
            server.clock().advance(Duration.ofSeconds(retryAfter));
        }
        // Locks of 300, 600, 1200, 2400 s, then 3600 s each: runs start at 0, 300, 900, 2100, 4500 s and every
        // 3600 s after that, so 27 runs of 5 in a day (the user's window alone would allow 2 880).
        assertThat(runs).isEqualTo(27);
        assertThat(guesses).isEqualTo(27 * 5);
        assertThat(audited("totp.verify", "invalid_code")).isEqualTo(guesses);
    }

    @Test
    void sources_together_cannot_exceed_the_users_window_and_it_reopens_when_the_window_ends() {
        assertThat(guessUntilRefused("127.0.0.2")).isEqualTo(5);
        server.clock().advance(Duration.ofSeconds(100));
        assertThat(guessUntilRefused("127.0.0.3")).isEqualTo(5);
        LoopbackClient.Response third = verify("127.0.0.4", wrongCode());
        assertThat(third.status()).as("a third source, once the window is full").isEqualTo(429);
        assertThat(third.header("Retry-After")).as("until the window opened by the first failure ends")
                .isEqualTo("200");
        nextStep();
        assertThat(verify("127.0.0.5", totp.codeAt(now())).status())
                .as("nobody is checked while the window is full, not even with the right code").isEqualTo(429);
        assertThat(audited("totp.verify", "invalid_code")).isEqualTo(10);

        server.clock().advance(Duration.ofSeconds(200));
        nextStep();
        LoopbackClient.Response victim = verify("127.0.0.5", totp.codeAt(now()));
        assertThat(victim.status()).as(victim.toString()).isEqualTo(200);
        assertThat(server.get("/api/v1/users/" + userId).json().at("/totp/consecutiveFailures").asInt()).isZero();
    }

    @Test
    void the_users_window_ends_exactly_after_its_duration_and_a_new_one_starts_from_zero() {
        assertThat(guessUntilRefused("127.0.0.2")).isEqualTo(5);
        server.clock().advance(Duration.ofSeconds(299));
        for (int i = 0; i < 4; i++) {
            assertThat(verify("127.0.0.3", wrongCode()).status()).isEqualTo(401);
        }
        assertThat(count("SELECT failed_attempts FROM users WHERE id = ?", userId)).isEqualTo(9);
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(verify("127.0.0.4", wrongCode()).status()).isEqualTo(401);
        assertThat(count("SELECT failed_attempts FROM users WHERE id = ?", userId))
                .as("the failure at the window's end opens a new window").isEqualTo(1);
    }

    @Test
    void concurrent_wrong_codes_from_six_sources_on_two_nodes_count_exactly_the_users_threshold() throws Exception {
        try (TestServer second = server.secondNode()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<LoopbackClient.Response>> answers = new ArrayList<>();
                String wrong = wrongCode();
                for (int i = 0; i < 30; i++) {
                    TestServer node = i % 2 == 0 ? server : second;
                    String source = "127.0.0." + (2 + i % 6);
                    answers.add(pool.submit(() -> verify(node, source, wrong)));
                }
                int checked = 0;
                int refused = 0;
                for (Future<LoopbackClient.Response> answer : answers) {
                    int status = answer.get().status();
                    checked += status == 401 ? 1 : 0;
                    refused += status == 429 ? 1 : 0;
                }
                assertThat(checked).as("guesses checked").isEqualTo(10);
                assertThat(refused).isEqualTo(20);
                assertThat(count("SELECT failed_attempts FROM users WHERE id = ?", userId)).isEqualTo(10);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void a_flood_of_locked_attempts_leaves_two_audit_records_per_window() {
        guessUntilRefused("127.0.0.2");
        for (int i = 0; i < 200; i++) {
            assertThat(verify("127.0.0.2", wrongCode()).status()).isEqualTo(429);
        }
        // guessUntilRefused's last attempt was refused too: 201 refusals, the first audited as it happened.
        assertThat(audited("totp.verify", "locked")).isEqualTo(1);
        assertThat(audited("totp.verify.throttled", "locked")).isZero();

        server.clock().advance(RejectionWindows.WINDOW);
        // The background sweep may get there first; either way the window is summarised once.
        server.gatehouse().services().totp().verifier().sweepThrottles();
        assertThat(audited("totp.verify.throttled", "locked")).isEqualTo(1);
        JsonNode summary = server.get("/api/v1/audit?user=victim").json().get("records").get(0);
        assertThat(summary.get("action").asText()).isEqualTo("totp.verify.throttled");
        assertThat(summary.get("result").asText()).isEqualTo("rejected");
        assertThat(summary.at("/details/repeats").asInt()).isEqualTo(200);
        assertThat(summary.get("clientAddress").asText()).isEqualTo("127.0.0.2");
        assertThat(count("SELECT COUNT(*) FROM totp_rejection_windows")).isZero();
        assertThat(server.gatehouse().services().totp().verifier().sweepThrottles()).as("nothing left to summarise")
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE subject_user = ? AND action LIKE 'totp.verify%'",
                userId)).as("5 counted guesses, 1 refusal, 1 summary").isEqualTo(7);
    }

    @Test
    void a_rejection_after_the_window_closes_it_and_opens_the_next() {
        guessUntilRefused("127.0.0.2");
        server.clock().advance(RejectionWindows.WINDOW.minusSeconds(1));
        assertThat(verify("127.0.0.2", wrongCode()).status()).isEqualTo(429);
        assertThat(audited("totp.verify", "locked")).as("one second before the window ends: a repeat").isEqualTo(1);
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(verify("127.0.0.2", wrongCode()).status()).isEqualTo(429);
        assertThat(verify("127.0.0.2", wrongCode()).status()).isEqualTo(429);
        assertThat(audited("totp.verify", "locked")).as("the next window's first refusal").isEqualTo(2);
        assertThat(audited("totp.verify.throttled", "locked")).as("the first window's summary").isEqualTo(1);
        assertThat(count("SELECT repeats FROM totp_rejection_windows WHERE user_id = ?", userId)).isEqualTo(1);
    }

    @Test
    void refusals_from_many_sources_share_the_users_window_of_audit_records() {
        guessUntilRefused("127.0.0.2");
        guessUntilRefused("127.0.0.3");
        for (int i = 4; i < 40; i++) {
            assertThat(verify("127.0.0." + i, wrongCode()).status()).isEqualTo(429);
        }
        assertThat(audited("totp.verify", "invalid_code")).isEqualTo(10);
        assertThat(audited("totp.verify", "locked")).isEqualTo(1);
        assertThat(count("SELECT repeats FROM totp_rejection_windows WHERE user_id = ?", userId)).isEqualTo(37);
        assertThat(count("SELECT COUNT(*) FROM totp_source_throttle")).as("only sources that made a counted guess")
                .isEqualTo(2);
    }

    @Test
    void unknown_usernames_leave_no_state_and_quiet_sources_are_forgotten() {
        for (int i = 0; i < 50; i++) {
            LoopbackClient.Response unknown = LoopbackClient.from("127.0.0.9", server.gatehouse().baseUrl())
                    .post(VERIFY, Map.of("username", "nobody" + i, "code", "123456"), server.adminToken());
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("code").asText()).isEqualTo("unknown_user");
        }
        assertThat(count("SELECT COUNT(*) FROM totp_source_throttle")).isZero();
        assertThat(count("SELECT COUNT(*) FROM totp_rejection_windows")).isZero();

        guessUntilRefused("127.0.0.2");
        assertThat(verify("127.0.0.3", wrongCode()).status()).isEqualTo(401);
        assertThat(count("SELECT COUNT(*) FROM totp_source_throttle")).isEqualTo(2);
        // 127.0.0.3 failed once at t and is forgotten at t + 3 600 s; 127.0.0.2 is locked until t + 300 s and
        // forgotten 3 600 s after that.
        server.clock().advance(Duration.ofSeconds(3600));
        server.gatehouse().services().totp().verifier().sweepThrottles();
        assertThat(count("SELECT COUNT(*) FROM totp_source_throttle")).isEqualTo(1);
        server.clock().advance(Duration.ofSeconds(300));
        server.gatehouse().services().totp().verifier().sweepThrottles();
        assertThat(count("SELECT COUNT(*) FROM totp_source_throttle")).isZero();
        assertThat(guessUntilRefused("127.0.0.2")).as("a forgotten source starts again at the first lock")
                .isEqualTo(5);
        assertThat(verify("127.0.0.2", wrongCode()).header("Retry-After")).isEqualTo("300");
    }

    @Test
    void a_success_ends_only_its_own_sources_run() {
        for (int i = 0; i < 4; i++) {
            assertThat(verify("127.0.0.2", wrongCode()).status()).isEqualTo(401);
            assertThat(verify("127.0.0.3", wrongCode()).status()).isEqualTo(401);
        }
        nextStep();
        assertThat(verify("127.0.0.3", totp.codeAt(now())).status()).isEqualTo(200);
        assertThat(verify("127.0.0.2", wrongCode()).status()).as("127.0.0.2's fifth failure").isEqualTo(401);
        assertThat(verify("127.0.0.2", wrongCode()).status()).isEqualTo(429);
        assertThat(verify("127.0.0.3", wrongCode()).status()).as("127.0.0.3 starts a new run").isEqualTo(401);
        assertThat(count("SELECT failed_attempts FROM users WHERE id = ?", userId))
                .as("a success does not give the user's window back").isEqualTo(10);
    }

    @Test
    void floods_of_replays_and_of_checks_against_an_unenrolled_user_are_summarised_as_well() {
        nextStep();
        String code = totp.codeAt(now());
        assertThat(verify("127.0.0.2", code).status()).isEqualTo(200);
        for (int i = 0; i < 100; i++) {
            LoopbackClient.Response replay = verify("127.0.0.2", code);
            assertThat(replay.status()).isEqualTo(401);
            assertThat(replay.json().get("reason").asText()).isEqualTo("replayed");
        }
        HttpResult other = server.post("/api/v1/users", Map.of("username", "plain"));
        String otherId = other.json().get("id").asText();
        for (int i = 0; i < 100; i++) {
            LoopbackClient.Response answer = LoopbackClient.from("127.0.0.3", server.gatehouse().baseUrl())
                    .post(VERIFY, Map.of("username", "plain", "code", "123456"), server.adminToken());
            assertThat(answer.json().get("reason").asText()).isEqualTo("not_enrolled");
        }
        server.clock().advance(RejectionWindows.WINDOW);
        server.gatehouse().services().totp().verifier().sweepThrottles();

        assertThat(audited("totp.verify", "replayed")).isEqualTo(1);
        assertThat(audited("totp.verify.throttled", "replayed")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE subject_user = ? AND action LIKE 'totp.verify%'",
                otherId)).as("one not_enrolled record and one summary of 99 repeats").isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE subject_user = ? AND action = 'totp.verify.throttled'"
                + " AND details LIKE '%\"repeats\":99%'", otherId)).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM totp_source_throttle")).as("none of these consumed a guess").isZero();
    }

    @Test
    void alternating_totp_and_recovery_codes_does_not_lengthen_a_sources_run() {
        for (int i = 0; i < 3; i++) {
            assertThat(verify("127.0.0.2", wrongCode()).status()).isEqualTo(401);
        }
        LoopbackClient recovery = LoopbackClient.from("127.0.0.2", server.gatehouse().baseUrl());
        for (int i = 0; i < 2; i++) {
            LoopbackClient.Response wrong = recovery.post("/api/v1/recovery/verify", Map.of("username", "victim",
                    "code", "aaaaa-aaaa" + (char) ('b' + i)), server.adminToken());
            assertThat(wrong.json().get("reason").asText()).isEqualTo("invalid_code");
        }
        LoopbackClient.Response locked = recovery.post("/api/v1/recovery/verify", Map.of("username", "victim",
                "code", "aaaaa-aaaaz"), server.adminToken());
        assertThat(locked.status()).isEqualTo(429);
        assertThat(verify("127.0.0.2", wrongCode()).status()).isEqualTo(429);
        assertThat(count("SELECT failed_attempts FROM users WHERE id = ?", userId)).isEqualTo(5);
        assertThat(count("SELECT COUNT(*) FROM audit_log WHERE subject_user = ? AND reason = 'invalid_code'"
                + " AND details LIKE '%\"lockScope\":\"source\"%'", userId)).as("the fifth failure starts the lock")
                .isEqualTo(1);
    }
}
