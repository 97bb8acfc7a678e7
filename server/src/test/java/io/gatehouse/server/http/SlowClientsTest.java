package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.SlowClients;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand clients that send one byte every half second hold connections, not worker threads: health checks and
 * TOTP verifications answer at once while they trickle, slow request heads are cut at the head deadline and slow
 * bodies are refused with 408. Real sockets on loopback, bounded in number and time.
 */
@DatabaseTest
class SlowClientsTest {
    private static final int SLOW = 1000;
    /**
     * Far above what the server needs (milliseconds; more on a machine whose cores other work also uses), far below
     * what waiting behind slow clients costs (the whole head or body deadline).
     */
    private static final Duration HEALTH_BOUND = Duration.ofSeconds(2);
    private static final Duration VERIFY_BOUND = Duration.ofSeconds(4);

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

    @Test
    @Timeout(60)
    void a_thousand_slow_clients_delay_neither_health_checks_nor_verifications() throws Exception {
        TotpUsers.Enrolled rita = TotpUsers.enroll(server, "rita");
        Duration headDeadline = Duration.ofSeconds(10);
        try (SlowClients slow = SlowClients.start(server.gatehouse().port(), SLOW, Duration.ofMillis(500),
                Duration.ofSeconds(40))) {
            Thread.sleep(1000);
            long until = System.nanoTime() + headDeadline.plusSeconds(3).toNanos();
            int checks = 0;
            // Across the head deadline, and at least three checks however slowly a loaded machine answers them.
            while (System.nanoTime() < until || checks < 3) {
                assertThat(slow.open()).as("slow clients held").isGreaterThan(SLOW * 9 / 10);
                assertThat(workersReadingBodies()).as("worker threads blocked reading a body").isZero();
                long started = System.nanoTime();
                HttpResult live = server.get("/health/live", null);
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(live.status()).isEqualTo(200);
                assertThat(took).as("GET /health/live beside %s", slow.stats()).isLessThan(HEALTH_BOUND);

                started = System.nanoTime();
                HttpResult verdict = server.post("/api/v1/totp/verify", Map.of("username", rita.username(), "code",
                        rita.nextCode(server)));
                took = Duration.ofNanos(System.nanoTime() - started);
                assertThat(verdict.status()).as(verdict.toString()).isEqualTo(200);
                assertThat(verdict.json().get("result").asText()).isEqualTo("accepted");
                assertThat(took).as("POST /api/v1/totp/verify beside %s", slow.stats()).isLessThan(VERIFY_BOUND);
                checks++;
                Thread.sleep(200);
            }
            SlowClients.Stats stats = slow.stats();
            assertThat(stats.answers()).as(stats.toString()).containsKey(408);
            assertThat(stats.answers().keySet()).as(stats.toString()).containsOnly(408);
            // The driver sees an end up to one round late, and the server's sweep runs every second.
            Duration late = stats.longestRound().plusSeconds(1);
            Duration headBound = headDeadline.plus(late).plus(late);
            assertThat(stats.longestLife(false)).as("slow heads are cut at the deadline: " + stats)
                    .isGreaterThanOrEqualTo(headDeadline).isLessThan(headBound);
            assertThat(slow.oldestOpen(false)).as("no slow head outlives the deadline").isLessThan(headBound);
            // Inside the 20 s body deadline: the minimum data rate ends a trickling body first (within 10 s of the
            // server reading its head, which on a busy machine is up to a round after the driver wrote it), seen as
            // late as a head's end can be.
            Duration bodyBound = Duration.ofSeconds(10).plus(late).plus(late);
            assertThat(stats.longestLife(true)).as("slow bodies fall below the minimum data rate: " + stats)
                    .isLessThan(bodyBound);
            assertThat(slow.oldestOpen(true)).as("no slow body lives on").isLessThan(bodyBound);
        }
        assertThat(server.get("/health/live", null).status()).isEqualTo(200);
    }

    /**
     * Jetty workers waiting for body bytes (Jetty reads through its blocking content producer only when a handler
     * reads a body the container has not received yet), in two looks 300 ms apart: a worker that merely copies a body that has
     * already arrived is seen at most once and is not waiting; one held by a slow client waits in both.
     */
    private static long workersReadingBodies() throws InterruptedException {
        java.util.Set<Long> first = waitingForBodies();
        Thread.sleep(300);
        java.util.Set<Long> second = waitingForBodies();
        first.retainAll(second);
        return first.size();
    }

    private static java.util.Set<Long> waitingForBodies() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> thread.getKey().getName().startsWith("JettyServerThreadPool"))
                .filter(thread -> thread.getKey().getState() != Thread.State.RUNNABLE)
                .filter(thread -> Arrays.stream(thread.getValue()).anyMatch(frame -> frame.getClassName()
                        .equals("org.eclipse.jetty.server.BlockingContentProducer")))
                .map(thread -> thread.getKey().threadId())
                .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }
}
