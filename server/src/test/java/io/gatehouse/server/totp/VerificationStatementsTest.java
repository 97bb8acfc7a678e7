package io.gatehouse.server.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.GatehouseException;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statements of one verification's transaction, each one round trip on PostgreSQL (the commit is one more), and
 * what a stored value that cannot be read does to a verification.
 */
@DatabaseTest
class VerificationStatementsTest {
    @TempDir
    Path data;
    TestServer server;
    Totp totp;
    int period;
    List<String> recoveryCodes = new ArrayList<>();

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        String userId = server.post("/api/v1/users", Map.of("username", "vera", "roles", List.of("admins")))
                .json().get("id").asText();
        String url = server.post("/api/v1/users/" + userId + "/totp/enrollments", "").json().get("enrollmentUrl")
                .asText();
        Matcher uri = Pattern.compile("id=\"uri\">([^<]+)<").matcher(server.get(url, null).text());
        assertThat(uri.find()).isTrue();
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(uri.group(1).replace("&amp;", "&"));
        totp = new Totp(parsed.params(), parsed.secret());
        period = parsed.params().periodSeconds();
        HttpResult activated = server.post(url + "/activate", Map.of("code", totp.codeAt(now())), null);
        assertThat(activated.status()).as(activated.toString()).isEqualTo(200);
        activated.json().get("recoveryCodes").forEach(code -> recoveryCodes.add(code.asText()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    long now() {
        return server.clock().instant().getEpochSecond();
    }

    Database database() {
        return server.gatehouse().services().core().database();
    }

    String nextCode() {
        server.clock().advance(Duration.ofSeconds(period - now() % period));
        return totp.codeAt(now());
    }

    @Test
    void an_accepted_code_reads_in_one_round_trip_and_writes_in_one_more() {
        List<List<String>> committed = new CopyOnWriteArrayList<>();
        database().observeCommits(committed::add);
        HttpResult code = server.post("/api/v1/totp/verify", Map.of("username", "vera", "code", nextCode()));
        HttpResult recovery = server.post("/api/v1/recovery/verify", Map.of("username", "vera", "code",
                recoveryCodes.get(0)));
        database().observeCommits(null);
        assertThat(code.status()).as(code.toString()).isEqualTo(200);
        assertThat(recovery.status()).as(recovery.toString()).isEqualTo(200);
        assertThat(recovery.json().get("recoveryCodesRemaining").asInt()).isEqualTo(9);

        // Each entry is one round trip (a batch is one on PostgreSQL); the commit is the third.
        assertThat(decisionOf(committed, "totp_credentials SET last_used_step")).satisfiesExactly(
                reads -> assertThat(statements(reads)).satisfiesExactly(
                        sql -> assertThat(sql).contains("FROM users WHERE username_key = ?"),
                        sql -> assertThat(sql).contains("LEFT JOIN totp_credentials")
                                .contains("LEFT JOIN totp_source_throttle"),
                        sql -> assertThat(sql).contains("FROM role_policies").contains("user_role_names")),
                writes -> assertThat(statements(writes)).satisfiesExactly(
                        sql -> assertThat(sql).contains("UPDATE totp_credentials SET last_used_step"),
                        sql -> assertThat(sql).contains("INSERT INTO audit_log")));
        assertThat(decisionOf(committed, "recovery_codes SET used_at")).satisfiesExactly(
                reads -> assertThat(statements(reads)).satisfiesExactly(
                        sql -> assertThat(sql).contains("FROM users WHERE username_key = ?"),
                        sql -> assertThat(sql).contains("LEFT JOIN recovery_codes")
                                .contains("LEFT JOIN totp_source_throttle"),
                        // the policy, in the same round trip: it says whether a flagged person must step up
                        sql -> assertThat(sql).contains("FROM role_policies").contains("user_role_names")),
                writes -> assertThat(statements(writes)).satisfiesExactly(
                        sql -> assertThat(sql).contains("UPDATE recovery_codes SET used_at"),
                        sql -> assertThat(sql).contains("INSERT INTO audit_log")));
    }

    @Test
    void an_accepted_code_after_failures_also_ends_the_source_run() {
        assertThat(server.post("/api/v1/totp/verify", Map.of("username", "vera", "code", wrong(nextCode())))
                .json().get("reason").asText()).isEqualTo("invalid_code");
        List<List<String>> committed = new CopyOnWriteArrayList<>();
        database().observeCommits(committed::add);
        HttpResult code = server.post("/api/v1/totp/verify", Map.of("username", "vera", "code", nextCode()));
        database().observeCommits(null);
        assertThat(code.status()).as(code.toString()).isEqualTo(200);

        List<String> roundTrips = decisionOf(committed, "totp_credentials SET last_used_step");
        assertThat(roundTrips).hasSize(2);
        assertThat(statements(roundTrips.get(1))).satisfiesExactly(
                sql -> assertThat(sql).contains("UPDATE totp_credentials SET last_used_step"),
                sql -> assertThat(sql).contains("DELETE FROM totp_source_throttle"),
                sql -> assertThat(sql).contains("INSERT INTO audit_log"));
        long sourceRows = database().read(tx -> tx.queryLong("SELECT COUNT(*) FROM totp_source_throttle"));
        assertThat(sourceRows).isZero();
    }

    @Test
    void a_wrong_code_reads_in_one_round_trip_and_writes_its_counts_and_record_in_one_more() {
        nextCode();
        List<List<String>> committed = new CopyOnWriteArrayList<>();
        database().observeCommits(committed::add);
        HttpResult refused = server.post("/api/v1/totp/verify", Map.of("username", "vera", "code",
                wrong(totp.codeAt(now()))));
        database().observeCommits(null);
        assertThat(refused.json().get("reason").asText()).isEqualTo("invalid_code");

        List<String> roundTrips = decisionOf(committed, "INSERT INTO totp_source_throttle");
        assertThat(roundTrips).hasSize(2);
        assertThat(statements(roundTrips.get(1))).satisfiesExactly(
                sql -> assertThat(sql).contains("UPDATE users SET failed_attempts"),
                sql -> assertThat(sql).contains("INSERT INTO totp_source_throttle"),
                sql -> assertThat(sql).contains("INSERT INTO audit_log"));
    }

    /** The statements of one round trip, as the commit observer joins a batch's. */
    private static List<String> statements(String roundTrip) {
        return List.of(roundTrip.split(";\n"));
    }

    @Test
    void a_credential_with_an_unreadable_algorithm_is_an_internal_error_not_the_clients() {
        database().inTransaction(tx -> tx.update("UPDATE totp_credentials SET algorithm = 'MD5'"));
        TotpVerifier verifier = server.gatehouse().services().totp().verifier();
        TotpVerifier.Verification check = new TotpVerifier.Verification("vera", nextCode(), "token:test",
                ClientInfo.of("192.0.2.1", "test"));

        assertThatThrownBy(() -> verifier.verifyTotp(check)).isInstanceOfSatisfying(GatehouseException.class,
                e -> assertThat(e.kind()).isEqualTo(GatehouseException.Kind.CORRUPT));
    }

    @Test
    void the_status_summary_shows_the_credential_and_the_unused_recovery_codes() {
        String userId = database().read(tx -> tx.queryOne("SELECT id FROM users WHERE username = 'vera'",
                rs -> rs.getString(1))).orElseThrow();
        assertThat(status(userId)).isEqualTo(new TotpStatus.Summary(true, false, 10));

        server.post("/api/v1/recovery/verify", Map.of("username", "vera", "code", recoveryCodes.get(3)));
        server.post("/api/v1/users/" + userId + "/totp/enrollments", "");

        assertThat(status(userId)).isEqualTo(new TotpStatus.Summary(true, true, 9));
    }

    private TotpStatus.Summary status(String userId) {
        return database().read(tx -> TotpStatus.of(tx, userId));
    }

    private static String wrong(String code) {
        return (code.charAt(0) == '0' ? "1" : "0") + code.substring(1);
    }

    private static List<String> decisionOf(List<List<String>> committed, String marker) {
        List<List<String>> decisions = committed.stream()
                .filter(statements -> statements.stream().anyMatch(sql -> sql.contains(marker))).toList();
        assertThat(decisions).as("transactions with " + marker).hasSize(1);
        return decisions.get(0);
    }
}
