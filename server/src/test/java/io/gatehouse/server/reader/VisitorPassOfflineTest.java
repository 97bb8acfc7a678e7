package io.gatehouse.server.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.protocol.bundle.BundlePass;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.reader.Diagnostics;
import io.gatehouse.reader.Enroller;
import io.gatehouse.reader.ReaderAgent;
import io.gatehouse.reader.ServerClient;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.OpenApiContract;
import io.gatehouse.server.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Visitor passes with a real server and real reader agents that lose the server: a switch between them answers 503
 * while "offline", so the agents decide from their GHB3 bundles. The pass opens only its doors, only inside its
 * window, only as many times as allowed, online and offline; offline entries are counted once on upload, and two
 * readers that together admit more than allowed leave a {@code visitor.pass.overuse} record.
 */
@DatabaseTest
class VisitorPassOfflineTest {
    @TempDir
    Path data;
    Switch network;
    TestServer server;
    String lobby;
    String lab;
    String board;
    final List<ReaderAgent> agents = new ArrayList<>();
    final Map<ReaderAgent, Path> states = new HashMap<>();
    final HttpClient http = ServerClient.defaultHttpClient(Duration.ofSeconds(2));

    @BeforeEach
    void start() throws IOException {
        network = new Switch();
        server = TestServer.start(data, Map.of("public-base-url", network.base(), "site.time-zone", "UTC"));
        network.target = URI.create("http://127.0.0.1:" + server.gatehouse().port() + "/");
        String site = server.createdId("/api/v1/sites", Map.of("name", "HQ", "timeZone", "UTC"));
        String ground = server.createdId("/api/v1/zones", Map.of("siteId", site, "name", "Ground floor"));
        String upstairs = server.createdId("/api/v1/zones", Map.of("siteId", site, "name", "Upstairs"));
        lobby = server.createdId("/api/v1/doors", Map.of("zoneId", ground, "name", "Lobby"));
        lab = server.createdId("/api/v1/doors", Map.of("zoneId", ground, "name", "Lab"));
        board = server.createdId("/api/v1/doors", Map.of("zoneId", upstairs, "name", "Board room"));
    }

    @AfterEach
    void stop() {
        agents.forEach(ReaderAgent::close);
        server.close();
        network.close();
    }

    /** A reader at the door, provisioned and enrolled through the switch, with its first bundle. */
    ReaderAgent reader(String doorId, String name) {
        String readerId = server.createdId("/api/v1/readers", Map.of("doorId", doorId, "name", name));
        String token = server.post("/api/v1/readers/" + readerId + "/provisioning", "").json().get("token").asText();
        Path state = data.resolve("reader-" + name);
        new Enroller(new ServerClient(http), new SecureRandom(), server.clock(), diagnostics()).enroll(state, token,
                false);
        ReaderAgent agent = open(state);
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        return agent;
    }

    ReaderAgent open(Path state) {
        ReaderAgent agent = ReaderAgent.open(new ReaderAgent.Settings(state, server.clock(), http,
                Duration.ofSeconds(3), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofMillis(10),
                doorId -> duration -> { }, new PrintWriter(new StringWriter(), true), diagnostics()));
        agents.add(agent);
        states.put(agent, state);
        return agent;
    }

    /** Closes the agent and opens its state directory again, as after a power cut. */
    ReaderAgent restart(ReaderAgent agent) {
        agent.close();
        agents.remove(agent);
        return open(states.remove(agent));
    }

    Diagnostics diagnostics() {
        return new Diagnostics(new PrintWriter(new StringWriter(), true), server.clock());
    }

    /** Invites a visitor (no mail server: the answer carries the pass's text) and returns id and text. */
    String[] invite(List<String> doors, Duration from, Duration until, int maxEntries) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Vera Visitor");
        body.put("email", "vera@example.org");
        body.put("doorIds", doors);
        body.put("from", local(from));
        body.put("until", local(until));
        body.put("maxEntries", maxEntries);
        HttpResult created = server.post("/api/v1/visitors", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new String[] {created.json().get("id").asText(), created.json().get("passUrl").asText()};
    }

    String local(Duration offset) {
        return LocalDateTime.ofInstant(server.clock().instant().plus(offset), ZoneOffset.UTC)
                .truncatedTo(ChronoUnit.MINUTES).toString();
    }

    static void expect(ReaderAgent agent, String text, String mode, String decision, String reason) {
        ReaderEvent event = agent.scan(text).event();
        assertThat(event.mode()).as(event.toString()).isEqualTo(mode);
        assertThat(event.decision()).as(event.toString()).isEqualTo(decision);
        assertThat(event.reason()).as(event.toString()).isEqualTo(reason);
    }

    int entriesUsed(String visitorId) {
        return server.get("/api/v1/visitors/" + visitorId).json().get("entriesUsed").asInt();
    }

    JsonNode audit(String action) {
        return server.get("/api/v1/audit?action=" + action).json().get("records");
    }

    @Test
    void a_pass_opens_its_doors_inside_its_window_up_to_its_entries_online_and_offline_and_is_reconciled_once()
            throws Exception {
        ReaderAgent atLobby = reader(lobby, "lobby");
        ReaderAgent atBoard = reader(board, "board");
        String[] pass = invite(List.of(lobby, lab), Duration.ofMinutes(-1), Duration.ofHours(2), 3);
        String id = pass[0];
        expect(atLobby, pass[1], "online", "grant", null);
        expect(atBoard, pass[1], "online", "deny", "door_not_invited");
        assertThat(atLobby.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(atBoard.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        BundlePass listed = atLobby.currentBundle().orElseThrow().passes().get(0);
        assertThat(listed.visitorId()).isEqualTo(id);
        assertThat(listed.entriesCounted()).isEqualTo(1);
        assertThat(atBoard.currentBundle().orElseThrow().passes()).isEmpty();

        network.offline = true;
        expect(atLobby, pass[1], "offline", "grant", null);
        expect(atBoard, pass[1], "offline", "deny", "unknown_pass");
        atLobby = restart(atLobby);
        expect(atLobby, pass[1], "offline", "grant", null);
        expect(atLobby, pass[1], "offline", "deny", "entries_used_up");
        atLobby = restart(atLobby);
        expect(atLobby, pass[1], "offline", "deny", "entries_used_up");

        network.offline = false;
        assertThat(atLobby.upload(Duration.ofSeconds(10))).isEqualTo(ReaderAgent.Upload.DONE);
        assertThat(entriesUsed(id)).isEqualTo(3);
        JsonNode offline = audit("door.scan");
        assertThat(offline).filteredOn(r -> "offline".equals(r.path("mode").asText())
                && "grant".equals(r.path("result").asText())).hasSize(2).allSatisfy(r -> {
                    assertThat(r.get("details").get("visitor").asText()).isEqualTo(id);
                    assertThat(r.get("user").isNull()).isTrue();
                });
        assertThat(audit("reader.events.alert")).isEmpty();
        assertThat(audit("visitor.pass.overuse")).isEmpty();

        // The next bundle carries the count; nothing is counted locally any more, and it stays used up everywhere.
        assertThat(atLobby.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(atLobby.currentBundle().orElseThrow().passes().get(0).entriesCounted()).isEqualTo(3);
        assertThat(atLobby.passEntries().size()).isZero();
        expect(atLobby, pass[1], "online", "deny", "entries_used_up");
        network.offline = true;
        expect(atLobby, pass[1], "offline", "deny", "entries_used_up");
    }

    @Test
    void offline_a_pass_opens_only_inside_its_window() {
        ReaderAgent atLab = reader(lab, "lab");
        String[] pass = invite(List.of(lab), Duration.ofHours(1), Duration.ofHours(2), 5);
        assertThat(atLab.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        network.offline = true;

        expect(atLab, pass[1], "offline", "deny", "pass_not_yet_valid");
        server.clock().advance(Duration.ofMinutes(61));
        expect(atLab, pass[1], "offline", "grant", null);
        server.clock().advance(Duration.ofMinutes(61));
        expect(atLab, pass[1], "offline", "deny", "pass_expired");
    }

    @Test
    void two_readers_offline_that_admit_more_than_allowed_leave_an_overuse_record() {
        ReaderAgent atLobby = reader(lobby, "lobby");
        ReaderAgent atLab = reader(lab, "lab");
        String[] pass = invite(List.of(lobby, lab), Duration.ofMinutes(-1), Duration.ofHours(2), 1);
        assertThat(atLobby.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(atLab.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        network.offline = true;
        expect(atLobby, pass[1], "offline", "grant", null);
        expect(atLab, pass[1], "offline", "grant", null);

        network.offline = false;
        assertThat(atLobby.upload(Duration.ofSeconds(10))).isEqualTo(ReaderAgent.Upload.DONE);
        assertThat(atLab.upload(Duration.ofSeconds(10))).isEqualTo(ReaderAgent.Upload.DONE);
        assertThat(atLab.upload(Duration.ofSeconds(10))).isEqualTo(ReaderAgent.Upload.DONE);

        assertThat(entriesUsed(pass[0])).isEqualTo(1);
        JsonNode overuse = audit("visitor.pass.overuse");
        assertThat(overuse).hasSize(1);
        assertThat(overuse.get(0).get("subject").asText()).isEqualTo("visitor:" + pass[0]);
        assertThat(overuse.get(0).get("reason").asText()).isEqualTo("entries_exceeded");
        assertThat(overuse.get(0).get("details").get("reader").asText()).isEqualTo(atLab.config().readerId());
    }

    @Test
    void a_revoked_pass_leaves_the_bundle_at_the_next_sync() {
        ReaderAgent atLobby = reader(lobby, "lobby");
        String[] pass = invite(List.of(lobby), Duration.ofMinutes(-1), Duration.ofHours(2), 5);
        assertThat(atLobby.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(atLobby.currentBundle().orElseThrow().passes()).hasSize(1);

        assertThat(server.post("/api/v1/visitors/" + pass[0] + "/revoke", "").status()).isEqualTo(200);
        assertThat(atLobby.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        network.offline = true;

        assertThat(atLobby.currentBundle().orElseThrow().passes()).isEmpty();
        expect(atLobby, pass[1], "offline", "deny", "unknown_pass");
    }

    /**
     * Forwards the readers' requests to the server, or answers 503 while {@code offline}. The server's answers are
     * held to the API contract on the way; a mismatch, caught on the switch's thread, fails the test when the switch
     * closes.
     */
    static final class Switch implements AutoCloseable {
        final List<AssertionError> mismatches = new java.util.concurrent.CopyOnWriteArrayList<>();
        final HttpServer http;
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        volatile URI target;
        volatile boolean offline;

        Switch() throws IOException {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/", this::forward);
            http.start();
        }

        String base() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }

        private void forward(HttpExchange exchange) throws IOException {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (offline) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                        .timeout(Duration.ofSeconds(20)).method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("Authorization", "Content-Type", "Accept", "Gatehouse-Pending-Events")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        request.header(header, value);
                    }
                }
                HttpResponse<byte[]> answer;
                try {
                    answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (IOException e) {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                try {
                    OpenApiContract.get().check(answer, answer.body());
                } catch (AssertionError mismatch) {
                    mismatches.add(mismatch);
                }
                answer.headers().firstValue("Content-Type").ifPresent(type -> exchange.getResponseHeaders()
                        .set("Content-Type", type));
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                exchange.getResponseBody().write(answer.body());
            }
        }

        @Override
        public void close() {
            http.stop(0);
            if (!mismatches.isEmpty()) {
                throw mismatches.get(0);
            }
        }
    }
}
