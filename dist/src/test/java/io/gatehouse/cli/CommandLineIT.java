package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.OpenApiContract;
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
    /** The one-time link {@link #serve} read from the server's start lines. */
    String bootstrapLink;

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
                bootstrapLink = out.readLine().strip();
                assertThat(bootstrapLink).startsWith(url + "/bootstrap/");
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
        OpenApiContract.get().check(created);
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

    /** One request to the running server; its answer is held to the API contract, as the server tests' are. */
    static HttpResponse<String> call(String method, String url, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        OpenApiContract.get().check(response);
        return response;
    }

    static String field(HttpResponse<String> response, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(response.body());
        assertThat(matcher.find()).as(name + " in " + response.body()).isTrue();
        return matcher.group(1);
    }

    @Test
    void the_printed_bootstrap_link_is_dead_once_the_command_line_created_an_admin_token() throws Exception {
        String url = serve();
        Run token = run("admin", "token", "create", "--data", data.toString(), "--name", "ops");
        assertThat(token.exit()).as(token.stderr()).isZero();

        assertThat(call("GET", bootstrapLink, null, null).statusCode()).isEqualTo(410);
        HttpResponse<String> redeemed = call("POST", bootstrapLink, null, "{\"name\":\"late\"}");
        assertThat(redeemed.statusCode()).as(redeemed.body()).isEqualTo(410);
        assertThat(redeemed.body()).contains("\"code\":\"bootstrap_ended\"");

        HttpResponse<String> tokens = call("GET", url + "/api/v1/tokens", token.lastLine(), null);
        assertThat(tokens.statusCode()).isEqualTo(200);
        assertThat(Pattern.compile("\"id\":").matcher(tokens.body()).results().count())
                .as("only the command line's token exists: " + tokens.body()).isEqualTo(1);
    }

    @Test
    void the_wallet_enrolls_from_a_link_and_its_codes_open_the_door() throws Exception {
        Path zbarimg = Path.of("/usr/bin/zbarimg");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(zbarimg),
                "zbarimg is not installed: apt-get install zbar-tools");
        String url = serve();
        String admin = run("admin", "token", "create", "--data", data.toString(), "--name", "ops").lastLine();
        String api = url + "/api/v1";
        String site = field(call("POST", api + "/sites", admin, "{\"name\":\"HQ\",\"timeZone\":\"UTC\"}"), "id");
        String zone = field(call("POST", api + "/zones", admin, "{\"siteId\":\"" + site + "\",\"name\":\"Z\"}"),
                "id");
        String door = field(call("POST", api + "/doors", admin, "{\"zoneId\":\"" + zone + "\",\"name\":\"D\"}"),
                "id");
        call("POST", api + "/access-rules", admin, "{\"zoneId\":\"" + zone + "\",\"role\":\"staff\"}");
        String reader = field(call("POST", api + "/readers", admin, "{\"doorId\":\"" + door
                + "\",\"name\":\"R\"}"), "credential");
        String user = field(call("POST", api + "/users", admin, "{\"username\":\"carol\",\"roles\":[\"staff\"]}"),
                "id");
        String link = field(call("POST", api + "/users/" + user + "/device-enrollments", admin, null),
                "enrollmentUrl");

        Path wallet = data.resolve("phone.p12");
        Run enrolled = run("wallet", "enroll", "--wallet", wallet.toString(), link);
        assertThat(enrolled.exit()).as(enrolled.stderr()).isZero();
        Run proof = run("wallet", "proof", "--wallet", wallet.toString());
        assertThat(proof.exit()).as(proof.stderr()).isZero();
        HttpResponse<String> granted = call("POST", api + "/scans", reader, "{\"payload\":\"" + proof.lastLine()
                + "\"}");
        assertThat(granted.body()).contains("\"decision\":\"grant\"");

        Path png = data.resolve("code.png");
        Run shown = run("wallet", "show", "--wallet", wallet.toString(), "--png", png.toString());
        assertThat(shown.exit()).as(shown.stderr()).isZero();
        Process decode = new ProcessBuilder(zbarimg.toString(), "--raw", "-q", "--nodbus", png.toString()).start();
        assertThat(decode.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String decoded = new String(decode.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        HttpResponse<String> fromImage = call("POST", api + "/scans", reader, "{\"payload\":\"" + decoded + "\"}");
        assertThat(fromImage.body()).contains("\"decision\":\"grant\"");
        HttpResponse<String> again = call("POST", api + "/scans", reader, "{\"payload\":\"" + decoded + "\"}");
        assertThat(again.body()).contains("\"reason\":\"replayed\"");
    }

    @Test
    void invalid_configuration_is_reported_clearly_without_a_stack_trace() throws Exception {
        Run run = run("admin", "token", "create", "--data", data.toString(), "--name", "x", "--scopes", "root");
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("unknown scope 'root'").doesNotContain("\tat ");
    }
}
