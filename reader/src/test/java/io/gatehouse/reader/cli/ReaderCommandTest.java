package io.gatehouse.reader.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.reader.Diagnostics;
import io.gatehouse.reader.FakeGatehouse;
import io.gatehouse.reader.MutableClock;
import io.gatehouse.reader.ReaderAgent;
import io.gatehouse.reader.ServerClient;
import io.gatehouse.reader.TestPhone;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatehouse reader enroll} and {@code gatehouse reader run} as a user runs them. */
class ReaderCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final FakeGatehouse server;

    ReaderCommandTest() throws IOException {
        server = new FakeGatehouse(clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Result(int exitCode, String out, String err) {
        List<JsonNode> outJson() throws IOException {
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(JSON.readTree(line));
                }
            }
            return lines;
        }
    }

    private Result run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new ReaderCommand(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), clock, new SecureRandom(),
                ServerClient.defaultHttpClient(Duration.ofSeconds(2))));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Lets the reader fetch its bundle once, as the background task of a running reader does. */
    private void fetchBundle() {
        ReaderAgent.Settings settings = new ReaderAgent.Settings(directory.resolve("state"), clock,
                ServerClient.defaultHttpClient(Duration.ofSeconds(2)), Duration.ofSeconds(2), Duration.ofHours(1),
                Duration.ofSeconds(10), Duration.ofSeconds(5), doorId -> duration -> { }, new PrintWriter(new StringWriter()),
                new Diagnostics(new PrintWriter(new StringWriter()), clock));
        try (ReaderAgent agent = ReaderAgent.open(settings)) {
            assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        }
    }

    private String state() {
        return directory.resolve("state").toString();
    }

    @Test
    void enroll_prints_what_the_reader_became() {
        Result result = run("", "enroll", "--state", state(), server.provisioningToken("r-lobby"));

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("reader id: r-lobby\n").contains("door id: door-lobby\n")
                .contains("pinned bundle keys: k1\n");
    }

    @Test
    void enroll_with_a_spent_token_exits_1_with_the_code() {
        String url = server.provisioningUrl("r-lobby");
        run("", "enroll", "--state", state(), url);

        Result again = run("", "enroll", "--state", directory.resolve("other").toString(), url);

        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).startsWith("error: the server refused the enrollment (HTTP 410)")
                .contains("[provisioning_token_used, HTTP 410]");
    }

    @Test
    void run_prints_exactly_one_json_line_per_scan_and_exits_0_at_the_end_of_input() throws IOException {
        run("", "enroll", "--state", state(), server.provisioningToken("r-lobby"));
        TestPhone alice = server.enrolPhone("u-alice");
        server.publishBundle("r-lobby");
        String stdin = alice.proof(clock) + "\r\n" + "\n" + "GARBAGE\n" + alice.proof(clock);

        Result result = run(stdin, "run", "--state", state(), "--sync-interval", "1h");

        assertThat(result.exitCode()).isZero();
        List<JsonNode> lines = result.outJson();
        assertThat(lines).hasSize(3);
        assertThat(lines).allSatisfy(line -> assertThat(line.fieldNames()).toIterable()
                .containsExactly("eventId", "decision", "reason", "mode", "door", "time"));
        assertThat(lines).extracting(line -> line.path("eventId").asText())
                .containsExactly("r-lobby/1", "r-lobby/2", "r-lobby/3");
        assertThat(lines).extracting(line -> line.path("decision").asText()).containsExactly("grant", "deny", "grant");
        assertThat(lines).extracting(line -> line.path("mode").asText()).containsOnly("online");
        // The flush at the end of input uploaded everything.
        assertThat(server.storedEvents).containsOnlyKeys("r-lobby/1", "r-lobby/2", "r-lobby/3");
        assertThat(result.err()).contains("\"event\":\"reader_stopped\"").contains("\"upload\":\"done\"");
    }

    @Test
    void run_without_the_server_decides_offline_and_says_so() throws IOException {
        run("", "enroll", "--state", state(), server.provisioningToken("r-lobby"));
        TestPhone alice = server.enrolPhone("u-alice");
        server.publishBundle("r-lobby");
        fetchBundle();
        server.stop();

        Result result = run(alice.proof(clock) + "\n", "run", "--state", state(), "--flush-timeout", "1s");

        assertThat(result.exitCode()).isZero();
        JsonNode line = result.outJson().get(0);
        assertThat(line.path("mode").asText()).isEqualTo("offline");
        assertThat(line.path("decision").asText()).isEqualTo("grant");
    }

    @Test
    void run_on_a_directory_that_was_never_enrolled_exits_1_with_a_json_error() {
        Result result = run("", "run", "--state", state());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("\"level\":\"error\"").contains("\"event\":\"not_enrolled\"");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void usage_errors_exit_2() {
        assertThat(run("", "run").exitCode()).isEqualTo(2);
        assertThat(run("", "run", "--state", state(), "--unlock-seconds", "0").exitCode()).isEqualTo(2);
        assertThat(run("", "run", "--state", state(), "--online-timeout", "soon").exitCode()).isEqualTo(2);
        assertThat(run("", "run", "--state", state(), "--door-driver", "gpio:17").exitCode()).isEqualTo(2);
        assertThat(run("", "run", "--state", state(), "--watch", directory.resolve("missing").toString()).exitCode())
                .isEqualTo(2);
        assertThat(run("", "enroll", "--state", state()).exitCode()).isEqualTo(2);
    }

    @Test
    void without_a_subcommand_the_usage_is_printed() {
        Result result = run("");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("enroll").contains("run");
    }
}
