package io.gatehouse.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.reader.door.DoorDriver;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake server, a test clock, a state directory and a way to enrol and open a reader against them, with
 * its standard output, standard error and door unlocks captured.
 */
final class Harness implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-03-02T09:00:00Z, a Monday. */
    static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final FakeGatehouse server;
    final Path stateDir;
    final HttpClient http = ServerClient.defaultHttpClient(Duration.ofSeconds(2));
    final List<Duration> unlocks = new CopyOnWriteArrayList<>();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Duration onlineTimeout = Duration.ofSeconds(3);
    ReaderAgent agent;

    Harness(Path directory) throws IOException {
        this.server = new FakeGatehouse(clock);
        this.stateDir = directory.resolve("state");
    }

    Diagnostics diagnostics() {
        return new Diagnostics(new PrintWriter(err, true), clock);
    }

    ReaderConfig enroll(String readerId) {
        return new Enroller(new ServerClient(http), new SecureRandom(), clock, diagnostics())
                .enroll(stateDir, server.provisioningToken(readerId), false);
    }

    ReaderAgent open() {
        DoorDriver recording = unlocks::add;
        agent = ReaderAgent.open(new ReaderAgent.Settings(stateDir, clock, http, onlineTimeout, Duration.ofMinutes(10),
                Duration.ofSeconds(10), Duration.ofSeconds(5), doorId -> recording, new PrintWriter(out, true),
                diagnostics()));
        return agent;
    }

    ReaderAgent reopen() {
        agent.close();
        return open();
    }

    /** Enrols reader r-lobby, opens it, and gives it a first bundle. */
    ReaderAgent ready() {
        enroll("r-lobby");
        open();
        server.publishBundle("r-lobby");
        if (agent.syncBundle() != ReaderAgent.BundleSync.ACCEPTED) {
            throw new IllegalStateException("the first bundle was not accepted: " + err);
        }
        return agent;
    }

    List<JsonNode> outLines() {
        return lines(out.toString());
    }

    List<JsonNode> errLines() {
        return lines(err.toString());
    }

    static List<JsonNode> lines(String text) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("not a JSON line: " + line, e);
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
        }
        server.close();
    }
}
