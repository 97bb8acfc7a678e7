package io.gatehouse.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A revoked token is refused from the request after its revocation on, however often it authenticated before (on
 * SQLite the server remembers the rows of tokens in use, see {@code ActiveTokens}), and a remembered row still
 * needs the right secret.
 */
@DatabaseTest
class TokenRevocationTest {
    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<String, String> create(String name) {
        HttpResult created = server.post("/api/v1/tokens", Map.of("name", name, "scopes", List.of("auditor")));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return Map.of("id", created.json().get("id").asText(), "token", created.json().get("token").asText());
    }

    @Test
    void a_token_used_many_times_is_refused_on_the_first_request_after_its_revocation_and_others_keep_working() {
        Map<String, String> revoked = create("soon-revoked");
        Map<String, String> kept = create("kept");
        for (int i = 0; i < 5; i++) {
            assertThat(server.get("/api/v1/users", revoked.get("token")).status()).isEqualTo(200);
            assertThat(server.get("/api/v1/users", kept.get("token")).status()).isEqualTo(200);
        }

        assertThat(server.delete("/api/v1/tokens/" + revoked.get("id")).status()).isEqualTo(204);

        HttpResult refused = server.get("/api/v1/users", revoked.get("token"));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("code").asText()).isEqualTo("invalid_token");
        assertThat(server.get("/api/v1/users", kept.get("token")).status()).isEqualTo(200);
        assertThat(server.get("/api/v1/users", revoked.get("token")).status()).isEqualTo(401);
    }

    @Test
    void a_token_that_authenticated_before_is_still_refused_with_another_secret() {
        Map<String, String> token = create("robot");
        assertThat(server.get("/api/v1/users", token.get("token")).status()).isEqualTo(200);
        String good = token.get("token");
        int at = good.length() - 10;
        String wrong = good.substring(0, at) + (good.charAt(at) == 'b' ? 'c' : 'b') + good.substring(at + 1);

        HttpResult refused = server.get("/api/v1/users", wrong);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
        assertThat(server.get("/api/v1/users", good).status()).isEqualTo(200);
    }

    @Test
    void while_requests_keep_coming_none_sent_after_the_revocation_answered_is_let_in() throws Exception {
        Map<String, String> token = create("busy");
        record Sent(long startedNanos, int status) {
        }
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch running = new CountDownLatch(4);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread client = new Thread(() -> {
                int sentHere = 0;
                while (!stop.get()) {
                    long started = System.nanoTime();
                    sent.add(new Sent(started, server.get("/api/v1/users", token.get("token")).status()));
                    if (++sentHere == 3) {
                        running.countDown();
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        running.await();

        assertThat(server.delete("/api/v1/tokens/" + token.get("id")).status()).isEqualTo(204);
        long answered = System.nanoTime();
        Thread.sleep(300);
        stop.set(true);
        for (Thread client : clients) {
            client.join();
        }

        List<Sent> before = sent.stream().filter(s -> s.startedNanos() < answered).toList();
        List<Sent> after = sent.stream().filter(s -> s.startedNanos() > answered).toList();
        assertThat(before).as("requests before the revocation").extracting(Sent::status).contains(200);
        assertThat(after).as("requests sent after the revocation answered").isNotEmpty()
                .extracting(Sent::status).containsOnly(401);
    }
}
