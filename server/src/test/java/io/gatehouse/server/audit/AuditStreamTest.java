package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.OpenApiContract;
import io.gatehouse.server.testing.TestServer;
import io.gatehouse.server.testing.TotpUsers;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/audit/stream} read by a real HTTP client while verifications and admin changes happen: records
 * arrive once committed (a rolled-back decision never does), filtered, with their ids, and a reconnecting client
 * resumes after {@code Last-Event-ID} from the database.
 */
@DatabaseTest
class AuditStreamTest {
    @TempDir
    Path data;
    TestServer server;
    Database database;
    AuditLog audit;
    final HttpClient http = HttpClient.newHttpClient();
    final List<Stream<String>> open = new ArrayList<>();

    @BeforeEach
    void start() {
        server = TestServer.start(data);
        database = server.gatehouse().services().core().database();
        audit = server.gatehouse().services().core().audit();
    }

    @AfterEach
    void stop() {
        open.forEach(Stream::close);
        server.close();
    }

    /** One server-sent event: its id and its data. */
    record Event(String id, String type, JsonNode data) {
    }

    /** Opens a stream and reads its events on a thread of their own. */
    private BlockingQueue<Event> connect(String query, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/api/v1/audit/stream" + query))
                .header("Authorization", "Bearer " + server.adminToken()).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        OpenApiContract.get().check(response, new byte[0]);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType).isEqualTo("text/event-stream; charset=utf-8");
        open.add(response.body());
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            String id = null;
            String type = null;
            try {
                for (String line : (Iterable<String>) response.body()::iterator) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        type = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        events.add(new Event(id, type, Json.MAPPER.readTree(line.substring(6))));
                        id = null;
                        type = null;
                    }
                }
            } catch (IOException | RuntimeException closed) {
                // the test closed the stream
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        awaitSubscribers(open.size());
        return events;
    }

    /** Waits for {@code count} streams. */
    private void awaitSubscribers(int streams) throws InterruptedException {
        int count = streams;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (audit.feed().subscribers() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(audit.feed().subscribers()).isEqualTo(count);
    }

    private static Event next(BlockingQueue<Event> events) throws InterruptedException {
        Event event = events.poll(10, TimeUnit.SECONDS);
        assertThat(event).as("an event within 10 seconds").isNotNull();
        return event;
    }

    private long newestId(String action) {
        return server.get("/api/v1/audit?action=" + action + "&limit=1").json().get("records").get(0).get("id")
                .asLong();
    }

    @Test
    void verifications_arrive_once_committed_with_their_record_ids() throws Exception {
        TotpUsers.Enrolled alice = TotpUsers.enroll(server, "alice");
        BlockingQueue<Event> events = connect("?action=totp.verify", null);

        server.post("/api/v1/totp/verify", Map.of("username", "alice", "code", alice.nextCode(server)));
        server.post("/api/v1/totp/verify", Map.of("username", "alice", "code", "000000"));

        Event accepted = next(events);
        Event rejected = next(events);
        assertThat(accepted.data().get("action").asText()).isEqualTo("totp.verify");
        assertThat(accepted.data().get("result").asText()).isEqualTo("accepted");
        assertThat(rejected.data().get("result").asText()).isIn("rejected");
        assertThat(rejected.data().get("reason").asText()).isIn("invalid_code", "replayed");
        assertThat(rejected.id()).isEqualTo(Long.toString(newestId("totp.verify")));
        assertThat(rejected.data().get("id").asLong()).isEqualTo(Long.parseLong(rejected.id()));
        assertThat(accepted.data().get("userId").asText()).isEqualTo(rejected.data().get("userId").asText());
        assertThat(Long.parseLong(accepted.id())).isLessThan(Long.parseLong(rejected.id()));
    }

    @Test
    void a_rolled_back_decision_is_never_published() throws Exception {
        BlockingQueue<Event> events = connect("?action=test.decision", null);

        assertThatThrownBy(() -> database.decide(tx -> {
            audit.append(tx, AuditEvent.of("tester", "test.decision", ClientInfo.local("test")).reason("rolled back")
                    .result("deny"));
            throw new IllegalStateException("the decision fails");
        })).hasMessage("the decision fails");
        long committed = database.decide(tx -> audit.append(tx, AuditEvent.of("tester", "test.decision",
                ClientInfo.local("test")).subject("door:dor_x").reason("kept").result("deny")));

        Event event = next(events);
        assertThat(event.id()).isEqualTo(Long.toString(committed));
        assertThat(event.data().get("reason").asText()).isEqualTo("kept");
        assertThat(event.data().get("door").asText()).isEqualTo("dor_x");
        assertThat(events.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void a_client_resuming_with_last_event_id_gets_what_it_missed_then_live_records() throws Exception {
        server.post("/api/v1/users", Map.of("username", "one"));
        long seen = newestId("user.create");
        String two = server.post("/api/v1/users", Map.of("username", "two")).json().get("id").asText();
        String three = server.post("/api/v1/users", Map.of("username", "three")).json().get("id").asText();

        BlockingQueue<Event> events = connect("?action=user.create", Long.toString(seen));
        String four = server.post("/api/v1/users", Map.of("username", "four")).json().get("id").asText();

        List<String> users = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Event event = next(events);
            assertThat(Long.parseLong(event.id())).isGreaterThan(seen);
            users.add(server.get("/api/v1/audit?action=user.create&before=" + (Long.parseLong(event.id()) + 1)
                    + "&limit=1").json().get("records").get(0).get("user").asText());
            seen = Long.parseLong(event.id());
        }
        assertThat(users).containsExactly(two, three, four);
    }

    @Test
    void a_last_event_id_that_is_not_a_record_id_is_refused() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.uri("/api/v1/audit/stream"))
                .header("Authorization", "Bearer " + server.adminToken()).header("Last-Event-ID", "abc").build(),
                HttpResponse.BodyHandlers.ofString());
        OpenApiContract.get().check(refused);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(refused.body()).get("code").asText()).isEqualTo("invalid_header");
    }

    @Test
    void a_subscriber_that_falls_behind_is_dropped_without_blocking_the_publisher() throws Exception {
        AuditFeed feed = new AuditFeed();
        AuditFeed.Subscription slow = feed.subscribe().orElseThrow();
        for (int i = 1; i <= AuditFeed.QUEUE + 5; i++) {
            feed.publish(AuditFeed.Entry.of(i, 0, "door.scan", "grant", null, null, "door:dor_a"));
        }

        assertThat(feed.subscribers()).isZero();
        for (int i = 1; i <= AuditFeed.QUEUE; i++) {
            assertThat(slow.next(Duration.ZERO).orElseThrow().id()).isEqualTo(i);
        }
        assertThatThrownBy(() -> slow.next(Duration.ZERO)).isInstanceOfSatisfying(AuditFeed.Ended.class,
                ended -> assertThat(ended.reason()).isEqualTo(AuditFeed.End.DROPPED));
    }

    @Test
    void an_idle_stream_sends_heartbeat_comments() throws Exception {
        io.javalin.Javalin app = io.javalin.Javalin.create(config -> config.showJavalinBanner = false).start(0);
        try {
            new AuditStreamController(database, audit.feed(), ctx -> "tester",
                    server.gatehouse().services().people().users(), Duration.ofMillis(200))
                    .register(new io.gatehouse.server.http.Routes(app));
            HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + app.port() + "/api/v1/audit/stream")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            OpenApiContract.get().check(response, new byte[0]);
            try (Stream<String> lines = response.body()) {
                assertThat(lines.filter(line -> line.startsWith(":")).limit(2).toList())
                        .containsExactly(": heartbeat", ": heartbeat");
            }
        } finally {
            app.stop();
        }
    }

    @Test
    void the_feed_holds_a_bounded_number_of_subscribers() {
        AuditFeed feed = new AuditFeed();
        for (int i = 0; i < AuditFeed.MAX_SUBSCRIBERS; i++) {
            assertThat(feed.subscribe()).isPresent();
        }
        assertThat(feed.subscribe()).isEmpty();
    }
}
