package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code gatehouse.jar}, run as separate processes exactly as an operator would: serve, create a token
 * while the server runs, use it, verify the audit chain, tamper with the database, verify again.
 */
class CommandLineIT {
    @TempDir
    Path data;
    Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
        }
    }

    static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-jar", System.getProperty("gatehouse.jar")));
        command.addAll(List.of(args));
        return command;
    }

    record Run(int exit, String stdout, String stderr) {
        String lastLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    static Run run(String... args) throws Exception {
        Process process = new ProcessBuilder(java(args)).start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Starts {@code serve} on a free port and returns its URL, read from what it prints. */
    String serve() throws IOException {
        server = new ProcessBuilder(java("serve", "--port", "0", "--data", data.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Pattern running = Pattern.compile("Gatehouse is running at (http://\\S+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            Matcher matcher = running.matcher(line);
            if (matcher.find()) {
                String url = matcher.group(1);
                String next = out.readLine();
                assertThat(next).contains("first administrator");
                assertThat(out.readLine().strip()).startsWith(url + "/bootstrap/");
                return url;
            }
        }
        throw new AssertionError("the server did not print its URL");
    }

    @Test
    void serve_then_create_a_token_while_it_runs_then_verify_and_tamper_with_the_audit_chain() throws Exception {
        String url = serve();
        Run token = run("admin", "token", "create", "--data", data.toString(), "--name", "ops");
        assertThat(token.exit()).as(token.stderr()).isZero();
        assertThat(token.lastLine()).startsWith("ght_");

        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/api/v1/users")).header("Authorization", "Bearer " + token.lastLine())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"roles\":[\"admins\"]}"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Thread.sleep(1_000); // the server links new records into the chain within a second

        Run intact = run("audit", "verify", "--data", data.toString());
        assertThat(intact.exit()).as(intact.stdout() + intact.stderr()).isZero();
        assertThat(intact.stdout()).contains("audit chain intact");

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("gatehouse.db"));
                Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA busy_timeout = 10000");
            statement.executeUpdate("UPDATE audit_log SET actor = 'someone else' WHERE action = 'user.create'");
        }
        Run broken = run("audit", "verify", "--data", data.toString());
        assertThat(broken.exit()).isNotZero();
        assertThat(broken.stdout()).contains("altered").contains("BROKEN");
    }

    @Test
    void invalid_configuration_is_reported_clearly_without_a_stack_trace() throws Exception {
        Run run = run("admin", "token", "create", "--data", data.toString(), "--name", "x", "--scopes", "root");
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("unknown scope 'root'").doesNotContain("\tat ");
    }
}
