package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import io.gatehouse.reader.cli.ReaderMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader as a separate process, killed with SIGKILL in the middle of its work and started again:
 * every decision it printed is in its queue exactly once, the chain verifies, and the server gets them all.
 */
class KillNineTest {

    @TempDir
    Path directory;

    private final Clock clock = Clock.systemUTC();
    private final FakeGatehouse server;
    private final List<Process> processes = new ArrayList<>();

    KillNineTest() throws IOException {
        server = new FakeGatehouse(clock);
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        server.close();
    }

    private Path state() {
        return directory.resolve("state");
    }

    private Process startReader(String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ReaderMain.class.getName(),
                "run", "--state", state().toString(), "--online-timeout", "2s", "--sync-interval", "1h",
                "--flush-timeout", "2s")
                .redirectError(directory.resolve(name + ".err").toFile())
                .start();
        processes.add(process);
        return process;
    }

    /** Reads complete lines until {@code count} are read. */
    private static List<String> readLines(BufferedReader out, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        while (lines.size() < count) {
            String line = out.readLine();
            if (line == null) {
                throw new IOException("the reader's output ended after " + lines.size() + " of " + count + " lines");
            }
            lines.add(line);
        }
        return lines;
    }

    private static void send(Writer in, String line) throws IOException {
        in.write(line + "\n");
        in.flush();
    }

    @Test
    void every_printed_decision_survives_a_sigkill_exactly_once_in_an_intact_chain() throws Exception {
        TestPhone alice = server.enrolPhone("u-alice");
        new Enroller(new ServerClient(ServerClient.defaultHttpClient(Duration.ofSeconds(2))), new SecureRandom(), clock,
                new Diagnostics(new PrintWriter(new StringWriter()), clock))
                .enroll(state(), server.provisioningToken("r-lobby"), false);
        server.publishBundle("r-lobby");
        List<String> printed = new ArrayList<>();

        // First process: online decisions, then offline ones, then a burst it is killed in the middle of.
        Process first = startReader("first");
        BufferedReader firstOut = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
        Writer firstIn = new OutputStreamWriter(first.getOutputStream(), StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            send(firstIn, alice.proof(clock));
            printed.addAll(readLines(firstOut, 1));
        }
        waitForBundle();
        server.stop();
        for (int i = 0; i < 3; i++) {
            send(firstIn, alice.proof(clock));
            printed.addAll(readLines(firstOut, 1));
        }
        for (int i = 0; i < 40; i++) {
            firstIn.write(alice.proof(clock) + "\n");
        }
        firstIn.flush();
        printed.addAll(readLines(firstOut, 5)); // it is busy with the rest of the burst now
        // SIGKILL. Through the process handle, which only signals: Process.destroyForcibly would also close
        // this side of the pipe and lose the lines the reader printed just before it died.
        assertThat(first.toHandle().destroyForcibly()).isTrue();
        first.waitFor(10, TimeUnit.SECONDS);
        for (String line = firstOut.readLine(); line != null; line = firstOut.readLine()) {
            printed.add(line); // what it printed before it died; a cut line would fail to parse below
        }

        // Second process: the same state, more scans, then the end of input.
        Process second = startReader("second");
        BufferedReader secondOut = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
        try (Writer secondIn = new OutputStreamWriter(second.getOutputStream(), StandardCharsets.UTF_8)) {
            for (int i = 0; i < 3; i++) {
                send(secondIn, alice.proof(clock));
            }
        }
        for (String line = secondOut.readLine(); line != null; line = secondOut.readLine()) {
            printed.add(line);
        }
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(second.exitValue()).isZero();

        // Every printed decision is in the queue exactly once, with the decision that was printed.
        List<ReaderEvent> queue;
        try (EventQueue opened = EventQueue.open(state().resolve("events.jsonl"), state().resolve("events.acked"),
                new Diagnostics(new PrintWriter(new StringWriter()), clock))) {
            queue = opened.readFile();
        }
        Map<String, Integer> occurrences = new HashMap<>();
        queue.forEach(event -> occurrences.merge(event.eventId(), 1, Integer::sum));
        assertThat(occurrences.values()).containsOnly(1);
        Map<String, ReaderEvent> byId = new HashMap<>();
        queue.forEach(event -> byId.put(event.eventId(), event));
        assertThat(printed).hasSizeGreaterThanOrEqualTo(10);
        for (String line : printed) {
            JsonNode json = Harness.JSON.readTree(line);
            ReaderEvent event = byId.get(json.path("eventId").asText());
            assertThat(event).as("printed %s", line).isNotNull();
            assertThat(event.decision()).isEqualTo(json.path("decision").asText());
            assertThat(event.mode()).isEqualTo(json.path("mode").asText());
        }
        assertThat(printed.stream().map(line -> line.substring(0, line.indexOf(',')))).doesNotHaveDuplicates();
        assertThat(queue).extracting(ReaderEvent::mode).startsWith("online", "online", "online", "offline");
        System.out.printf("printed %d decisions, queue holds %d events (%d recorded as interrupted); second reader's stderr:%n%s%n",
                printed.size(), queue.size(), queue.stream().filter(event -> "reader_interrupted".equals(event.reason())).count(),
                Files.readString(directory.resolve("second.err")));
        PublicKey readerKey = PublicKeys.fromSpki(Base64Url.decode(new StateDirectory(state()).loadConfig().publicKey()));
        assertThat(ReaderEvents.verifyChain(queue, ChainHead.START, readerKey)).isEmpty();

        // And the server, once back, receives every one of them exactly once, chain intact.
        server.start();
        assertThat(Harness.lines(Files.readString(directory.resolve("second.err")))).isNotEmpty(); // JSON lines
        Process third = startReader("third");
        third.getOutputStream().close();
        assertThat(third.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(server.storedEvents.keySet()).containsAll(byId.keySet());
        assertThat(server.storedEvents).hasSize(byId.size());
        assertThat(server.chainProblems).isEmpty();
    }

    /** The first process fetches its bundle in the background at start; wait for it to be stored. */
    private void waitForBundle() throws Exception {
        for (int i = 0; i < 200; i++) {
            if (new StateDirectory(state()).loadConfig().bundle() != null) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the reader did not fetch its bundle");
    }
}
