package io.gatehouse.server.totp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/users/{id}/unlock}: the help desk ends a lockout early, both the user's full failure window
 * and every source's lock; each use is audited, also when nothing was locked. Defaults: user threshold 10, source
 * threshold 5.
 */
@DatabaseTest
class UnlockTest {
    @TempDir
    Path data;
    TestServer server;
    TotpUsers.Enrolled victim;
    String userId;
    String helpdesk;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        victim = TotpUsers.enroll(server, "victim");
        userId = server.get("/api/v1/users?q=victim").json().get("users").get(0).get("id").asText();
        helpdesk = server.post("/api/v1/tokens", Map.of("name", "desk", "scopes", List.of("helpdesk"))).json()
                .get("token").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private LoopbackClient.Response verify(String source, String code) {
        return LoopbackClient.from(source, server.gatehouse().baseUrl()).post("/api/v1/totp/verify",
                Map.of("username", "victim", "code", code), server.adminToken());
    }

    private void failFiveTimes(String source) {
        for (int i = 0; i < 5; i++) {
            assertThat(verify(source, wrongCode()).status()).isEqualTo(401);
        }
    }

    /** A code that matches none of the steps the server accepts now; the clock stays, so all ten share a window. */
    private String wrongCode() {
        long now = server.clock().instant().getEpochSecond();
        List<String> accepted = List.of(victim.totp().codeAt(now - 30), victim.totp().codeAt(now),
                victim.totp().codeAt(now + 30));
        for (int candidate = 0; ; candidate++) {
            String code = String.format("%06d", candidate);
            if (!accepted.contains(code)) {
                return code;
            }
        }
    }

    private JsonNode lastUnlockRecord() {
        return server.get("/api/v1/audit?action=totp.unlock&userId=" + userId).json().get("records").get(0);
    }

    @Test
    void unlocking_ends_the_user_lock_and_every_source_lock() {
        failFiveTimes("127.0.0.2");
        failFiveTimes("127.0.0.3");
        JsonNode locked = server.get("/api/v1/users/" + userId).json().get("totp");
        assertThat(locked.get("consecutiveFailures").asInt()).isEqualTo(10);
        assertThat(locked.get("lockedUntil").isNull()).isFalse();
        assertThat(verify("127.0.0.2", victim.nextCode(server)).status()).isEqualTo(429);

        HttpResult unlocked = server.post("/api/v1/users/" + userId + "/unlock", Map.of(), helpdesk);

        assertThat(unlocked.status()).as(unlocked.toString()).isEqualTo(200);
        assertThat(unlocked.json().get("id").asText()).isEqualTo(userId);
        assertThat(unlocked.json().get("totp").get("consecutiveFailures").asInt()).isZero();
        assertThat(unlocked.json().get("totp").get("lockedUntil").isNull()).isTrue();
        assertThat(verify("127.0.0.2", victim.nextCode(server)).status()).as("the locked source is let in again")
                .isEqualTo(200);
        JsonNode record = lastUnlockRecord();
        assertThat(record.get("actor").asText()).startsWith("token:");
        assertThat(record.get("details").get("wasLocked").asBoolean()).isTrue();
        assertThat(record.get("details").get("failuresInWindow").asInt()).isEqualTo(10);
        assertThat(record.get("details").get("sourcesUnlocked").asInt()).isEqualTo(2);
        assertThat(record.get("details").get("lockedUntil").asText()).isNotBlank();
    }

    @Test
    void unlocking_a_person_who_is_not_locked_changes_nothing_and_is_still_audited() {
        HttpResult unlocked = server.post("/api/v1/users/" + userId + "/unlock", "", helpdesk);

        assertThat(unlocked.status()).isEqualTo(200);
        JsonNode record = lastUnlockRecord();
        assertThat(record.get("details").get("wasLocked").asBoolean()).isFalse();
        assertThat(record.get("details").get("sourcesUnlocked").asInt()).isZero();
        assertThat(verify("127.0.0.2", victim.nextCode(server)).status()).isEqualTo(200);
    }

    @Test
    void an_unknown_user_is_404() {
        HttpResult answer = server.post("/api/v1/users/usr_nobody/unlock", "", helpdesk);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().get("code").asText()).isEqualTo("user_not_found");
    }
}
