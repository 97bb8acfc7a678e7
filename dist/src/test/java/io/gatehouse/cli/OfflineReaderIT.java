package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's acceptance, with real processes: the server and three reader agents. Grants and denies online, stops
 * the server, keeps deciding offline (valid grant, replay, a revocation learnt before the outage, expired bundles
 * failing secure or open per door), kills a reader with SIGKILL and restarts it, starts the server again, and then
 * finds every decision the readers printed in the audit log exactly once, with the chain intact.
 * {@code scripts/offline-demo.sh} walks through the same story by hand.
 */
class OfflineReaderIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Process server;
    final List<Reader> readers = new ArrayList<>();
    int port;
    String admin;

    @AfterEach
    void stop() throws InterruptedException {
        for (Reader reader : readers) {
            reader.process.destroyForcibly();
        }
        if (server != null) {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** A running reader agent: its stdin, and the JSON lines it printed. */
    static final class Reader {
        final Process process;
        final OutputStream stdin;
        final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

        Reader(Process process) {
            this.process = process;
            this.stdin = process.getOutputStream();
            Thread pump = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("{")) {
                            lines.add(JSON.readTree(line));
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended (or was killed); what it printed is in lines
                }
            });
            pump.setDaemon(true);
            pump.start();
        }

        JsonNode scan(String payload) throws Exception {
            stdin.write((payload + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            JsonNode line = lines.poll(30, TimeUnit.SECONDS);
            assertThat(line).as("the reader answers a scan").isNotNull();
            return line;
        }
    }

    void startServer() throws Exception {
        server = new ProcessBuilder(CommandLineIT.java("serve", "--port", String.valueOf(port), "--data",
                dir.resolve("server").toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server-" + System.nanoTime() + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (call("GET", "/health/ready", null, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the server did not start");
    }

    HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        return CommandLineIT.call(method, "http://127.0.0.1:" + port + path, token, json);
    }

    String post(String path, String json, String field) throws Exception {
        HttpResponse<String> response = call("POST", path, admin, json);
        assertThat(response.statusCode()).as(path + " " + response.body()).isIn(200, 201);
        return JSON.readTree(response.body()).get(field).asText();
    }

    Reader startReader(Path state) throws IOException {
        Reader reader = new Reader(new ProcessBuilder(CommandLineIT.java("reader", "run", "--state", state.toString(),
                "--sync-interval", "1s", "--online-timeout", "1s"))
                .redirectError(dir.resolve("reader-" + state.getFileName() + "-" + System.nanoTime() + ".log")
                        .toFile()).start());
        readers.add(reader);
        return reader;
    }

    Path enrollReader(String readerId, String name) throws Exception {
        String token = post("/api/v1/readers/" + readerId + "/provisioning", "", "token");
        Path state = dir.resolve(name);
        CommandLineIT.Run enrolled = CommandLineIT.run("reader", "enroll", "--state", state.toString(), token);
        assertThat(enrolled.exit()).as(enrolled.stdout() + enrolled.stderr()).isZero();
        return state;
    }

    String proof(Path wallet) throws Exception {
        CommandLineIT.Run proof = CommandLineIT.run("wallet", "proof", "--wallet", wallet.toString());
        assertThat(proof.exit()).as(proof.stderr()).isZero();
        return proof.lastLine();
    }

    static void expect(JsonNode line, String decision, String reason, String mode) {
        assertThat(line.get("decision").asText()).as(line.toString()).isEqualTo(decision);
        assertThat(line.path("reason").isNull() || line.path("reason").isMissingNode() ? null
                : line.get("reason").asText()).as(line.toString()).isEqualTo(reason);
        assertThat(line.get("mode").asText()).as(line.toString()).isEqualTo(mode);
    }

    @Test
    void decisions_made_offline_and_across_a_kill_reach_the_audit_log_exactly_once() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        startServer();
        admin = CommandLineIT.run("admin", "token", "create", "--data", dir.resolve("server").toString(),
                "--name", "it").lastLine();
        String site = post("/api/v1/sites", "{\"name\":\"HQ\",\"timeZone\":\"UTC\"}", "id");
        String zone = post("/api/v1/zones", "{\"siteId\":\"" + site + "\",\"name\":\"Z\"}", "id");
        post("/api/v1/access-rules", "{\"zoneId\":\"" + zone + "\",\"role\":\"staff\"}", "id");
        Map<String, Path> states = new HashMap<>();
        // The main door's proofs live 10 minutes: the proof captured before the outage is shown again after the
        // reader's restart, and however slow the machine, the replay check (step 6) must be what answers it, not
        // freshness (step 5).
        for (String[] door : new String[][] {{"main", "fail_secure", "3600", "600"},
                {"secure", "fail_secure", "5", "30"}, {"open", "fail_open", "5", "30"}}) {
            String doorId = post("/api/v1/doors", "{\"zoneId\":\"" + zone + "\",\"name\":\"" + door[0]
                    + "\",\"offlineMode\":\"" + door[1] + "\",\"maxBundleAgeSeconds\":" + door[2]
                    + ",\"proofLifetimeSeconds\":" + door[3] + "}", "id");
            String readerId = post("/api/v1/readers", "{\"doorId\":\"" + doorId + "\",\"name\":\"" + door[0] + "\"}",
                    "id");
            states.put(door[0], enrollReader(readerId, door[0]));
        }
        Map<String, Path> wallets = new HashMap<>();
        Map<String, String> devices = new HashMap<>();
        for (String name : List.of("alice", "bob")) {
            String user = post("/api/v1/users", "{\"username\":\"" + name + "\",\"roles\":[\"staff\"]}", "id");
            String link = post("/api/v1/users/" + user + "/device-enrollments", "", "enrollmentUrl");
            Path wallet = dir.resolve(name + ".p12");
            assertThat(CommandLineIT.run("wallet", "enroll", "--wallet", wallet.toString(), link).exit()).isZero();
            wallets.put(name, wallet);
            devices.put(name, JSON.readTree(call("GET", "/api/v1/users/" + user + "/devices", admin, null).body())
                    .at("/devices/0/id").asText());
        }
        Reader main = startReader(states.get("main"));
        Reader secure = startReader(states.get("secure"));
        Reader open = startReader(states.get("open"));
        List<JsonNode> printed = Collections.synchronizedList(new ArrayList<>());

        // Online: the server decides.
        JsonNode online = main.scan(proof(wallets.get("alice")));
        expect(online, "grant", null, "online");
        printed.add(online);
        JsonNode bobOnline = main.scan(proof(wallets.get("bob")));
        expect(bobOnline, "grant", null, "online");
        printed.add(bobOnline);
        // Bob's phone is revoked while the link is up; the readers learn it at their next sync.
        assertThat(call("POST", "/api/v1/devices/" + devices.get("bob") + "/revoke", admin, null).statusCode())
                .isEqualTo(200);
        Thread.sleep(3_000);

        // Outage.
        server.destroy();
        assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String captured = proof(wallets.get("alice"));
        JsonNode offlineGrant = main.scan(captured);
        expect(offlineGrant, "grant", null, "offline");
        JsonNode replay = main.scan(captured);
        expect(replay, "deny", "replayed", "offline");
        JsonNode revoked = main.scan(proof(wallets.get("bob")));
        expect(revoked, "deny", "revoked", "offline");
        printed.addAll(List.of(offlineGrant, replay, revoked));

        Thread.sleep(6_000); // the 5-second bundles of the other two doors expire
        JsonNode failSecure = secure.scan(proof(wallets.get("alice")));
        expect(failSecure, "deny", "bundle_expired", "offline");
        JsonNode failOpen = open.scan(proof(wallets.get("alice")));
        expect(failOpen, "grant", "bundle_expired_fail_open", "offline");
        printed.addAll(List.of(failSecure, failOpen));

        // SIGKILL the main reader, restart it: its queue and replay cache survive.
        main.process.destroyForcibly();
        assertThat(main.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Reader restarted = startReader(states.get("main"));
        JsonNode afterKill = restarted.scan(proof(wallets.get("alice")));
        expect(afterKill, "grant", null, "offline");
        JsonNode replayAfterKill = restarted.scan(captured);
        expect(replayAfterKill, "deny", "replayed", "offline");
        printed.addAll(List.of(afterKill, replayAfterKill));

        // The link returns: every decision reaches the audit log, once.
        startServer();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, List<JsonNode>> byEventId = auditByEventId();
        while (System.nanoTime() < deadline && !allPresent(printed, byEventId)) {
            Thread.sleep(1_000);
            byEventId = auditByEventId();
        }
        for (JsonNode line : printed) {
            List<JsonNode> records = byEventId.get(line.get("eventId").asText());
            assertThat(records).as("audit records of " + line).hasSize(1);
            JsonNode record = records.get(0);
            assertThat(record.get("result").asText()).isEqualTo(line.get("decision").asText());
            assertThat(record.get("mode").asText()).isEqualTo(line.get("mode").asText());
        }
        assertThat(JSON.readTree(call("GET", "/api/v1/audit?action=reader.events.alert", admin, null).body())
                .get("records")).as("no gap or broken chain").isEmpty();
        for (Reader reader : readers) {
            reader.stdin.close();
        }
        Thread.sleep(1_500);
        CommandLineIT.Run verify = CommandLineIT.run("audit", "verify", "--data", dir.resolve("server").toString());
        assertThat(verify.exit()).as(verify.stdout()).isZero();
    }

    private static boolean allPresent(List<JsonNode> printed, Map<String, List<JsonNode>> records) {
        return printed.stream().allMatch(line -> records.containsKey(line.get("eventId").asText()));
    }

    Map<String, List<JsonNode>> auditByEventId() throws Exception {
        Map<String, List<JsonNode>> result = new HashMap<>();
        JsonNode records = JSON.readTree(call("GET", "/api/v1/audit?action=door.scan&limit=1000", admin, null)
                .body()).get("records");
        for (JsonNode record : records) {
            result.computeIfAbsent(record.get("eventId").asText(), k -> new ArrayList<>()).add(record);
        }
        return result;
    }
}
