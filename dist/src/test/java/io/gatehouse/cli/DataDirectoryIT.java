package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.Services;
import io.gatehouse.server.audit.AuditEvent;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.common.ClientInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory as separate {@code gatehouse} processes find and leave it: private files, one server per
 * directory (also after {@code kill -9}), no installation made by a mistyped {@code --data}, no new key beside a
 * restored database, and nothing created when PostgreSQL cannot be reached.
 */
class DataDirectoryIT {
    @TempDir
    Path root;
    final List<Process> servers = new ArrayList<>();

    Path data() {
        return root.resolve("data");
    }

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process server : servers) {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("the server stops on SIGTERM").isTrue();
        }
        servers.clear();
    }

    record Started(Process process, List<String> lines) {
    }

    /** Starts {@code serve} and returns it with what it printed up to its URL. */
    Started serve() throws IOException {
        Process server = new ProcessBuilder(CommandLineIT.java("serve", "--port", "0", "--data", data().toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        servers.add(server);
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            lines.add(line);
            if (line.startsWith("Gatehouse is running at")) {
                return new Started(server, lines);
            }
        }
        throw new AssertionError("the server did not start: " + lines);
    }

    Map<String, String> modes() throws IOException {
        Map<String, String> modes = new TreeMap<>();
        modes.put(".", PosixFilePermissions.toString(Files.getPosixFilePermissions(data())));
        try (Stream<Path> entries = Files.list(data())) {
            for (Path entry : entries.toList()) {
                modes.put(entry.getFileName().toString(),
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(entry)));
            }
        }
        return modes;
    }

    void assertAllPrivate() throws IOException {
        assertThat(modes()).containsKeys("gatehouse.db", "master.key", "serve.lock")
                .allSatisfy((name, mode) -> assertThat(mode).as(name)
                        .isEqualTo(name.equals(".") ? "rwx------" : "rw-------"));
    }

    @Test
    void serve_says_it_creates_a_new_installation_whose_directory_is_0700_and_files_0600() throws Exception {
        Started started = serve();
        assertThat(started.lines()).anyMatch(line -> line.equals("Created a new Gatehouse installation in " + data()
                + " (master key file " + data().resolve("master.key") + ": back it up apart from the database)"));
        CommandLineIT.Run token = CommandLineIT.run("admin", "token", "create", "--data", data().toString(), "--name",
                "ops");
        assertThat(token.exit()).as(token.stderr()).isZero();
        Thread.sleep(500); // the server links the token's audit record and records the head
        assertAllPrivate();
        assertThat(modes()).containsKeys("gatehouse.db-wal", "audit-head");

        stopServers();
        Started again = serve();
        assertThat(again.lines()).noneMatch(line -> line.contains("new Gatehouse installation"));
        assertAllPrivate();
    }

    @Test
    void a_second_serve_on_a_directory_in_use_exits_non_zero_naming_the_first_while_commands_still_run()
            throws Exception {
        Started first = serve();
        CommandLineIT.Run second = CommandLineIT.run("serve", "--port", "0", "--data", data().toString());
        assertThat(second.exit()).isEqualTo(2);
        assertThat(second.stderr()).contains("gatehouse: another Gatehouse is serving " + data() + " (pid "
                + first.process().pid() + ")").doesNotContain("\tat ");
        CommandLineIT.Run token = CommandLineIT.run("admin", "token", "create", "--data", data().toString(), "--name",
                "ops");
        assertThat(token.exit()).as(token.stderr()).isZero();
        assertThat(first.process().isAlive()).isTrue();
    }

    @Test
    void after_kill_9_the_lock_is_gone_the_chain_verifies_and_the_next_serve_starts() throws Exception {
        Started killed = serve();
        killed.process().destroyForcibly();
        assertThat(killed.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        servers.remove(killed.process());
        CommandLineIT.Run verify = CommandLineIT.run("audit", "verify", "--data", data().toString());
        assertThat(verify.exit()).as(verify.stdout() + verify.stderr()).isZero();
        Started next = serve();
        assertThat(next.process().isAlive()).isTrue();
    }

    @Test
    void after_kill_9_an_old_unsealed_tail_exits_3_with_a_note_and_the_next_serve_links_it() throws Exception {
        Started killed = serve();
        killed.process().destroyForcibly();
        assertThat(killed.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
        servers.remove(killed.process());
        // What the killed server had committed but not linked yet, ten minutes ago.
        GatehouseConfig config = ConfigLoader.load(Map.of(), Map.of("data", data().toString()));
        long tenMinutesAgo = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        try (Services services = Services.openExisting(config, Clock.systemUTC())) {
            for (int i = 0; i < 2; i++) {
                String eventId = "tail-" + i;
                services.core().database().inTransaction(tx -> services.core().audit().append(tx, AuditEvent.of("test",
                        "test.tail", ClientInfo.local("test")).success(), eventId, tenMinutesAgo));
            }
        }
        CommandLineIT.Run tail = CommandLineIT.run("audit", "verify", "--data", data().toString());
        assertThat(tail.exit()).as(tail.stdout() + tail.stderr()).isEqualTo(3);
        assertThat(tail.stdout()).contains("NOTE: 2 authentic record(s) after the chain head are not linked yet")
                .contains("audit chain intact up to its head, with an unsealed tail").doesNotContain("PROBLEM");

        serve();
        CommandLineIT.Run linked = CommandLineIT.run("audit", "verify", "--data", data().toString());
        assertThat(linked.exit()).as(linked.stdout() + linked.stderr()).isZero();
        assertThat(linked.stdout()).contains("not yet linked: 0").contains("audit chain intact");
    }

    @Test
    void commands_other_than_serve_refuse_a_mistyped_data_directory_and_create_nothing() throws Exception {
        serve();
        Path typo = root.resolve("dta");
        for (String[] command : List.of(new String[] {"admin", "token", "create", "--name", "ops"},
                new String[] {"audit", "verify"}, new String[] {"admin", "keys", "rotate"})) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--data", typo.toString()));
            CommandLineIT.Run run = CommandLineIT.run(args.toArray(String[]::new));
            assertThat(run.exit()).as(args.toString()).isEqualTo(2);
            assertThat(run.stderr()).contains("gatehouse: no Gatehouse installation in " + typo + "; start one with"
                    + " `gatehouse serve --data " + typo + "`");
            assertThat(typo).doesNotExist();
        }
    }

    @Test
    void serve_on_a_database_restored_without_its_key_file_refuses_and_writes_no_key() throws Exception {
        serve();
        stopServers();
        Files.delete(data().resolve("master.key"));
        CommandLineIT.Run run = CommandLineIT.run("serve", "--port", "0", "--data", data().toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).contains("master key(s) [mk1]").contains("restore the key file");
        assertThat(data().resolve("master.key")).doesNotExist();
    }

    @Test
    void serve_refuses_a_data_directory_other_users_can_read_with_the_chmod_that_fixes_it() throws Exception {
        serve();
        stopServers();
        Files.setPosixFilePermissions(data(), PosixFilePermissions.fromString("rwxr-xr-x"));
        CommandLineIT.Run run = CommandLineIT.run("serve", "--port", "0", "--data", data().toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stderr()).contains("run: chmod 700 " + data());
    }

    @Test
    void serve_against_an_unreachable_postgresql_names_it_and_creates_nothing() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(CommandLineIT.java("serve", "--port", "0", "--data",
                data().toString()));
        builder.environment().put("GATEHOUSE_DB_URL", "postgresql://gatehouse:do-not-print-me@127.0.0.1:" + port
                + "/gatehouse");
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(stderr).contains("cannot connect to PostgreSQL database 'gatehouse' on 127.0.0.1:" + port
                + " as user 'gatehouse': connection refused").doesNotContain("do-not-print-me");
        assertThat(data()).doesNotExist();
    }
}
