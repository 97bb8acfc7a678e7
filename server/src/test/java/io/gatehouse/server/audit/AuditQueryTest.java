package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/audit} filters by {@code userId}, by {@code username} (any case), or by {@code user}, which is
 * read as an id when it carries the id prefix. A username equal to another user's id cannot make it ambiguous.
 */
@DatabaseTest
class AuditQueryTest {
    @TempDir
    Path data;
    TestServer server;
    String aliceId;
    String legacyId;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        aliceId = server.post("/api/v1/users", Map.of("username", "alice")).json().get("id").asText();
        // Usernames may no longer start with usr_, but one created before that rule can equal another user's id.
        legacyId = "usr_legacyaaaaaaaaaaaaaaaaaaa";
        server.gatehouse().services().core().database().inTransaction(tx -> tx.update("INSERT INTO users (id, username,"
                + " username_key, status, created_at, updated_at) VALUES (?, ?, ?, 'active', 1, 1)", legacyId, aliceId,
                aliceId));
        server.post("/api/v1/users/" + aliceId + "/suspend", "");
        server.post("/api/v1/users/" + legacyId + "/suspend", "");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Set<String> usersIn(HttpResult page) {
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        Set<String> users = new HashSet<>();
        page.json().get("records").forEach(record -> users.add(record.get("user").asText()));
        return users;
    }

    @Test
    void user_equal_to_an_id_that_is_also_someone_elses_username_answers_that_ids_records() {
        assertThat(usersIn(server.get("/api/v1/audit?user=" + aliceId))).containsExactly(aliceId);
    }

    @Test
    void userId_and_username_are_unambiguous() {
        assertThat(usersIn(server.get("/api/v1/audit?userId=" + aliceId))).containsExactly(aliceId);
        assertThat(usersIn(server.get("/api/v1/audit?username=" + aliceId))).containsExactly(legacyId);
        assertThat(usersIn(server.get("/api/v1/audit?username=ALICE"))).containsExactly(aliceId);
        assertThat(usersIn(server.get("/api/v1/audit?user=Alice"))).containsExactly(aliceId);
    }

    @Test
    void a_username_nobody_has_matches_nothing() {
        HttpResult page = server.get("/api/v1/audit?username=nobody");

        assertThat(usersIn(page)).isEmpty();
        assertThat(page.json().get("nextBefore").isNull()).isTrue();
    }

    @Test
    void two_user_filters_at_once_are_refused() {
        HttpResult refused = server.get("/api/v1/audit?userId=" + aliceId + "&username=alice");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        JsonNode problem = refused.json();
        assertThat(problem.get("code").asText()).isEqualTo("invalid_parameter");
        assertThat(problem.get("detail").asText()).isEqualTo("give at most one of the query parameters userId,"
                + " username and user; got [userId, username]");
    }
}
