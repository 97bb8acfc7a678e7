package io.gatehouse.reader.door;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.reader.Diagnostics;
import io.gatehouse.reader.MutableClock;
import io.gatehouse.reader.ReaderException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three door drivers and the option that chooses one. */
class DoorDriversTest {

    @TempDir
    Path directory;

    private final StringWriter err = new StringWriter();
    private final Diagnostics diagnostics = new Diagnostics(new PrintWriter(err, true),
            new MutableClock(Instant.parse("2026-03-02T09:00:00Z")));
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void the_log_driver_writes_a_json_line_on_stderr() {
        DoorDrivers.parse("log", diagnostics, http, "door-1").unlock(Duration.ofSeconds(5));

        assertThat(err.toString()).isEqualTo("{\"time\":\"2026-03-02T09:00:00Z\",\"level\":\"info\","
                + "\"event\":\"door_unlock\",\"door\":\"door-1\",\"seconds\":5}\n");
    }

    @Test
    void the_command_driver_runs_the_program_with_the_seconds_as_last_argument_and_no_shell() throws Exception {
        Path script = directory.resolve("relay");
        Path record = directory.resolve("record.txt");
        Files.writeString(script, "#!/bin/sh\nprintf '%s|' \"$@\" > " + record + "\necho ignored-stdout\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        DoorDriver driver = DoorDrivers.parse("command:" + script + " --pin 17 $HOME;true", diagnostics, http, "door-1");
        driver.unlock(Duration.ofSeconds(7));

        // "$HOME;true" arrives as one literal word: nothing was expanded or interpreted.
        assertThat(Files.readString(record)).isEqualTo("--pin|17|$HOME;true|7|");
        assertThat(((CommandDoorDriver) driver).command()).hasSize(4);
    }

    @Test
    void a_failing_command_is_a_door_driver_failure() throws Exception {
        Path script = directory.resolve("broken");
        Files.writeString(script, "#!/bin/sh\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> new CommandDoorDriver(List.of(script.toString())).unlock(Duration.ofSeconds(1)))
                .isInstanceOf(ReaderException.class).hasMessageEndingWith("exited with status 3, expected 0");
        assertThatThrownBy(() -> new CommandDoorDriver(List.of(directory.resolve("missing").toString()))
                .unlock(Duration.ofSeconds(1))).isInstanceOf(ReaderException.class).hasMessageStartingWith("cannot start");
    }

    @Test
    void the_http_driver_posts_the_door_and_the_seconds() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer relay = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        relay.createContext("/unlock", exchange -> {
            bodies.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(exchange.getRequestURI().getQuery() == null ? 204 : 500, -1);
            exchange.close();
        });
        relay.start();
        try {
            String base = "http://127.0.0.1:" + relay.getAddress().getPort() + "/unlock";
            DoorDrivers.parse("http:" + base, diagnostics, http, "door-\"1\"").unlock(Duration.ofSeconds(5));

            assertThat(bodies).containsExactly("POST {\"door\":\"door-\\\"1\\\"\",\"action\":\"unlock\",\"seconds\":5}");
            assertThatThrownBy(() -> DoorDrivers.parse("http:" + base + "?fail", diagnostics, http, "d").unlock(Duration.ofSeconds(1)))
                    .isInstanceOf(ReaderException.class).hasMessageContaining("answered HTTP 500, expected 2xx");
        } finally {
            relay.stop(0);
        }
    }

    @Test
    void unknown_driver_texts_are_refused_with_the_accepted_forms() {
        assertThatThrownBy(() -> DoorDrivers.parse("gpio:17", diagnostics, http, "d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--door-driver: expected log, command:PROGRAM [ARG...] or http:URL, got 'gpio:17'");
        assertThatThrownBy(() -> DoorDrivers.parse("command:  ", diagnostics, http, "d"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DoorDrivers.parse("http:ftp://x", diagnostics, http, "d"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
