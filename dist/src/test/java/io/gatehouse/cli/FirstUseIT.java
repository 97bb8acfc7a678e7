package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.OpenApiContract;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new operator sees: the packaged jar run as a process, its output read as text. Every expected failure is
 * one line on standard error and exit code 2; logs are JSON when nobody watches and carry one line per request.
 */
class FirstUseIT {
    @TempDir
    Path data;
    Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    record Run(int exit, String stdout, String stderr) {
    }

    static Run run(Map<String, String> environment, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(CommandLineIT.java(args));
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** The single line a failed command prints, checked to be alone and without a stack trace. */
    static String onlyErrorLine(Run run) {
        assertThat(run.exit()).as(run.stdout() + run.stderr()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr().lines().toList()).as(run.stderr()).hasSize(1);
        return run.stderr().strip();
    }

    @Test
    void version_prints_the_build_version_and_the_java_runtime() throws Exception {
        Run run = run(Map.of(), "--version");
        assertThat(run.exit()).isZero();
        List<String> lines = run.stdout().lines().toList();
        assertThat(lines.getFirst()).matches("gatehouse \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(lines.get(1)).startsWith("Java " + Runtime.version() + " (");
        assertThat(run(Map.of(), "serve", "--version").stdout()).isEqualTo(run.stdout());
    }

    @Test
    void gatehouse_alone_lists_the_commands() throws Exception {
        Run run = run(Map.of());
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).startsWith("Usage: gatehouse ").contains("Commands:", "  serve ", "  admin ",
                "  audit ", "  wallet ", "  reader ");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void a_bad_port_on_the_command_line_is_blamed_on_the_flag_not_the_environment() throws Exception {
        Run run = run(Map.of("GATEHOUSE_PORT", "8081"), "serve", "--data", data.toString(), "--port", "99999");
        assertThat(onlyErrorLine(run)).isEqualTo("gatehouse: invalid configuration: port: expected a whole number"
                + " from 0 to 65535, got '99999' (set by --port)");
        assertThat(data).isEmptyDirectory();
    }

    @Test
    void a_bad_value_in_the_configuration_file_names_the_file() throws Exception {
        Path file = data.resolve("gatehouse.properties");
        Files.writeString(file, "lockout.threshold=0\n");
        Run run = run(Map.of(), "audit", "verify", "--data", data.toString());
        assertThat(onlyErrorLine(run)).isEqualTo("gatehouse: invalid configuration: lockout.threshold: expected a"
                + " whole number from 1 to 1000, got '0' (set in " + file + ")");
    }

    @Test
    void a_malformed_database_url_is_reported_without_its_password() throws Exception {
        Run run = run(Map.of("GATEHOUSE_DB_URL", "postgresql://gate:hunter 2@db.internal/gatehouse"),
                "admin", "token", "create", "--data", data.toString(), "--name", "ops");
        assertThat(onlyErrorLine(run)).startsWith("gatehouse: invalid configuration: db.url: expected")
                .contains("'postgresql://gate:***@db.internal/gatehouse' (set by GATEHOUSE_DB_URL)")
                .doesNotContain("hunter");
        assertThat(data).isEmptyDirectory();
    }

    @Test
    void a_port_in_use_is_one_line_that_says_what_to_do() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run run = run(Map.of(), "serve", "--data", data.toString(), "--port", String.valueOf(taken.getLocalPort()));
            assertThat(onlyErrorLine(run)).isEqualTo("gatehouse: port " + taken.getLocalPort()
                    + " on 127.0.0.1 is in use; choose another with --port");
        }
    }

    @Test
    void an_address_that_cannot_be_listened_on_is_one_line_that_names_it() throws Exception {
        assertThat(onlyErrorLine(run(Map.of(), "serve", "--data", data.toString(), "--port", "0", "--bind",
                "gatehouse.invalid"))).isEqualTo("gatehouse: cannot listen on gatehouse.invalid: no address is known"
                + " for that name; choose another with --bind");
        // TEST-NET-1 (RFC 5737) is never an address of this machine.
        assertThat(onlyErrorLine(run(Map.of(), "serve", "--data", data.toString(), "--port", "0", "--bind",
                "192.0.2.1"))).isEqualTo("gatehouse: cannot listen on 192.0.2.1: it is not an address of this"
                + " machine; choose another with --bind");
    }

    @Test
    void a_usage_error_is_one_line_that_points_at_the_help() throws Exception {
        assertThat(onlyErrorLine(run(Map.of(), "serve", "--port", "eighty"))).isEqualTo("gatehouse serve: Invalid"
                + " value for option '--port': 'eighty' is not an int (see 'gatehouse serve --help')");
        assertThat(onlyErrorLine(run(Map.of(), "admin", "token", "create"))).startsWith("gatehouse admin token"
                + " create: Missing required option: '--name=NAME'");
    }

    @Test
    void an_unreachable_database_is_one_line_and_the_stack_trace_only_with_verbose() throws Exception {
        // Nothing listens on port 1; the password must not appear in either form of the report.
        Map<String, String> environment = Map.of("GATEHOUSE_DB_URL", "postgresql://gate:hunter2@127.0.0.1:1/gh");
        String line = onlyErrorLine(run(environment, "admin", "token", "create", "--name", "ops", "--data",
                data.toString()));
        // An expected failure: it says which server could not be reached and why, and needs no stack trace.
        assertThat(line).startsWith("gatehouse: ").contains("cannot connect to PostgreSQL").contains("127.0.0.1:1")
                .doesNotContain("hunter2");
        Run verbose = run(environment, "admin", "token", "create", "--name", "ops", "--data", data.toString(),
                "--verbose");
        assertThat(verbose.exit()).isEqualTo(2);
        assertThat(verbose.stderr()).startsWith(line).contains("\tat ").doesNotContain("hunter2");
    }

    @Test
    void invalid_log_settings_are_refused_before_anything_runs() throws Exception {
        Run run = run(Map.of("GATEHOUSE_LOG_FORMAT", "xml", "GATEHOUSE_ACCESS_LOG", "yes"), "serve", "--data",
                data.toString());
        assertThat(onlyErrorLine(run)).isEqualTo("gatehouse: GATEHOUSE_LOG_FORMAT: expected json or text, got 'xml';"
                + " GATEHOUSE_ACCESS_LOG: expected true or false, got 'yes'");
        assertThat(data).isEmptyDirectory();
    }

    List<String> serveOneRequest(Map<String, String> environment) throws Exception {
        return serveOneRequest(environment, CommandLineIT.java("serve", "--port", "0", "--data", data.toString()));
    }

    /** Starts serve with the given environment, sends one request, stops it with SIGTERM; returns its stdout. */
    List<String> serveOneRequest(Map<String, String> environment, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(name -> name.startsWith("GATEHOUSE_"));
        builder.environment().putAll(environment);
        server = builder.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                out.lines().map(String::stripTrailing).forEach(lines::add);
            } catch (java.io.IOException e) {
                lines.add("(stdout failed: " + e + ")");
            }
        });
        Pattern running = Pattern.compile("Gatehouse is running at (http://\\S+)");
        String url = null;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); url == null
                && System.nanoTime() < deadline; Thread.sleep(100)) {
            url = lines.stream().map(running::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                    .orElse(null);
        }
        assertThat(url).as("the running line in " + lines).isNotNull();
        HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                + "/health/live")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        OpenApiContract.get().check(live);
        assertThat(live.statusCode()).isEqualTo(200);
        Thread.sleep(500); // the access line is written after the response
        // SIGTERM to the Java process (under script(1), its child); Process.destroy() would also close our pipe.
        server.toHandle().descendants().filter(child -> child.info().command().orElse("").endsWith("java"))
                .findFirst().orElse(server.toHandle()).destroy();
        assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
        reader.join(5_000);
        return lines;
    }

    @Test
    void without_a_terminal_logs_are_json_with_one_access_line_per_request_and_stopping_is_announced()
            throws Exception {
        List<String> lines = serveOneRequest(Map.of());
        assertThat(lines).filteredOn(line -> line.startsWith("{")).allSatisfy(line -> assertThat(line)
                .contains("\"level\":").endsWith("}")).isNotEmpty();
        assertThat(lines).filteredOn(line -> line.contains("\"loggerName\":\"gatehouse.access\""))
                .singleElement().asString().contains("GET \\/health\\/live 200");
        assertThat(lines.getLast()).matches("Gatehouse stopped: no longer listening on http://localhost:\\d+,"
                + " audit chain sealed, database closed\\.");
    }

    @Test
    void text_logs_leave_out_requests_unless_the_access_log_is_switched_on() throws Exception {
        List<String> quiet = serveOneRequest(Map.of("GATEHOUSE_LOG_FORMAT", "text"));
        assertThat(quiet).noneMatch(line -> line.startsWith("{")).noneMatch(line -> line.contains("/health/live"));
        assertThat(quiet).anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Gatehouse: Gatehouse"
                + " listening on http://localhost:\\d+ \\(GatehouseConfig\\[.*"));

        List<String> loud = serveOneRequest(Map.of("GATEHOUSE_LOG_FORMAT", "text", "GATEHOUSE_ACCESS_LOG", "true"));
        assertThat(loud).anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  access: GET"
                + " /health/live 200 [\\d.]+ms"));
    }

    @Test
    void at_a_terminal_logs_are_text_and_requests_are_not_logged() throws Exception {
        Path script = Path.of("/usr/bin/script");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(script),
                "script(1) is not installed: apt-get install util-linux");
        String java = String.join(" ", CommandLineIT.java("serve", "--port", "0", "--data", data.toString()));
        List<String> lines = serveOneRequest(Map.of(), List.of(script.toString(), "-qefc", java, "/dev/null"));
        assertThat(lines).noneMatch(line -> line.startsWith("{")).noneMatch(line -> line.contains("/health/live"))
                .anyMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  Gatehouse: Gatehouse listening"
                        + " on .*"))
                .anyMatch(line -> line.startsWith("Gatehouse stopped: "));
    }
}
