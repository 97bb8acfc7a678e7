package io.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.db.Database;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log followed into a JSON-lines file ({@code audit.export-file}), as a SIEM reads it: every sealed record
 * once, in chain order, in the API's form with its MACs; a restart goes on where the file ends (cutting a line a
 * crash left half written), a file renamed by logrotate is followed by a new one without a gap, and a file of
 * another installation stops the start with one line.
 */
@DatabaseTest
class AuditFileExportTest {
    private static final long WAIT_MILLIS = 20_000;

    @TempDir
    Path data;
    @TempDir
    Path exports;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path file() {
        return exports.resolve("audit.jsonl");
    }

    private TestServer start(Path dataDir) {
        return TestServer.start(dataDir, Map.of("audit.export-file", file().toString()));
    }

    @Test
    void sealed_records_appear_as_lines_in_chain_order_in_the_api_form_with_their_macs() throws Exception {
        server = start(data);
        writeRecords(server.gatehouse(), "first", 5);
        List<JsonNode> lines = awaitExported(server.gatehouse(), file());

        assertThat(positions(lines)).containsExactlyElementsOf(LongStream.rangeClosed(1, lines.size()).boxed()
                .toList());
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.get("action").asText()).isEqualTo("test.first");
        assertThat(last.get("keyId").asText()).isNotBlank();
        assertThat(last.get("contentMac").asText()).matches("[0-9a-f]{64}");
        assertThat(last.get("chainMac").asText()).matches("[0-9a-f]{64}");
        JsonNode shown = server.get("/api/v1/audit?action=test.first&limit=1").json().get("records").get(0);
        ObjectNode withoutMacs = last.deepCopy();
        withoutMacs.remove(List.of("keyId", "contentMac", "chainMac"));
        assertThat(withoutMacs).isEqualTo(shown);
        assertThat(Files.readString(file())).endsWith("\n");
        assertThat(Files.getPosixFilePermissions(file()).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE,"
                + " GROUP_READ]");
    }

    @Test
    void a_restart_goes_on_after_the_last_line_without_a_gap_or_a_repeat() throws Exception {
        server = start(data);
        writeRecords(server.gatehouse(), "before", 4);
        int before = awaitExported(server.gatehouse(), file()).size();
        server = server.restart();
        writeRecords(server.gatehouse(), "after", 4);
        List<JsonNode> lines = awaitExported(server.gatehouse(), file());

        assertThat(lines.size()).isGreaterThan(before);
        assertThat(positions(lines)).containsExactlyElementsOf(LongStream.rangeClosed(1, lines.size()).boxed()
                .toList());
    }

    @Test
    void a_line_a_crash_left_half_written_is_cut_and_written_again_whole() throws Exception {
        server = start(data);
        writeRecords(server.gatehouse(), "before", 3);
        List<JsonNode> written = awaitExported(server.gatehouse(), file());
        var config = server.gatehouse().config();
        var clock = server.clock();
        server.close();
        server = null;
        // The last line loses its end, as when the power goes mid-write.
        String text = Files.readString(file());
        String cut = text.substring(0, text.length() - 20);
        Files.writeString(file(), cut);

        try (Gatehouse restarted = Gatehouse.start(config, clock)) {
            writeRecords(restarted, "after", 2);
            List<JsonNode> lines = awaitExported(restarted, file());
            assertThat(positions(lines)).containsExactlyElementsOf(LongStream.rangeClosed(1, lines.size()).boxed()
                    .toList());
            assertThat(lines.get(written.size() - 1)).isEqualTo(written.get(written.size() - 1));
        }
    }

    @Test
    void a_file_renamed_by_logrotate_is_followed_by_a_new_one_that_goes_on_without_a_gap() throws Exception {
        server = start(data);
        writeRecords(server.gatehouse(), "before", 3);
        List<JsonNode> old = awaitExported(server.gatehouse(), file());
        Path rotated = exports.resolve("audit.jsonl.1");
        Files.move(file(), rotated);

        writeRecords(server.gatehouse(), "after", 3);
        List<JsonNode> fresh = awaitExported(server.gatehouse(), file());
        List<JsonNode> both = new ArrayList<>(read(rotated));
        both.addAll(fresh);
        assertThat(read(rotated)).isEqualTo(old);
        assertThat(positions(fresh).get(0)).isEqualTo(positions(old).get(old.size() - 1) + 1);
        assertThat(positions(both)).containsExactlyElementsOf(LongStream.rangeClosed(1, both.size()).boxed()
                .toList());
    }

    @Test
    void a_file_rotated_away_while_the_server_was_down_is_not_written_again_from_the_start() throws Exception {
        server = start(data);
        writeRecords(server.gatehouse(), "before", 3);
        List<JsonNode> old = awaitExported(server.gatehouse(), file());
        var config = server.gatehouse().config();
        var clock = server.clock();
        server.close();
        server = null;
        Path rotated = exports.resolve("audit.jsonl.1");
        Files.move(file(), rotated);

        try (Gatehouse restarted = Gatehouse.start(config, clock)) {
            writeRecords(restarted, "after", 2);
            List<JsonNode> fresh = awaitExported(restarted, file());
            assertThat(positions(fresh).get(0)).isEqualTo(positions(old).get(old.size() - 1) + 1);
        }
    }

    @Test
    void a_file_of_another_installation_stops_the_start_with_one_line() throws Exception {
        server = start(data.resolve("a"));
        writeRecords(server.gatehouse(), "elsewhere", 2);
        awaitExported(server.gatehouse(), file());
        server.close();
        server = null;
        String before = Files.readString(file());

        assertThatThrownBy(() -> start(data.resolve("b"))).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).singleElement().asString().startsWith("audit.export-file: the last record in "
                    + file()).contains("is not this audit log's record").doesNotContain("\n");
        });
        assertThat(Files.readString(file())).as("nothing mixed in").isEqualTo(before);
    }

    @Test
    void the_file_must_lie_in_an_existing_directory_outside_the_data_directory() {
        assertThatThrownBy(() -> io.gatehouse.server.config.ConfigLoader.load(Map.of(), Map.of("data",
                data.toString(), "audit.export-file", data.resolve("audit.jsonl").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("audit.export-file: expected a file"
                        + " outside the data directory");
        assertThatThrownBy(() -> io.gatehouse.server.config.ConfigLoader.load(Map.of(), Map.of("data",
                data.toString(), "audit.export-file", exports.resolve("missing/audit.jsonl").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("audit.export-file: expected a file in an"
                        + " existing directory");
        assertThat(io.gatehouse.server.config.ConfigLoader.load(Map.of(), Map.of("data", data.toString(),
                "audit.export-file", file().toString())).alerting().auditExportFile()).contains(file());
    }

    private static void writeRecords(Gatehouse gatehouse, String action, int count) {
        var core = gatehouse.services().core();
        for (int i = 0; i < count; i++) {
            core.database().inTransaction(tx -> core.audit().append(tx, AuditEvent.of("test", "test." + action,
                    ClientInfo.of("192.0.2.7", "test")).detail("n", 1).success()));
        }
        core.sealAudit();
    }

    /** The file's lines once it holds every record sealed now. */
    private static List<JsonNode> awaitExported(Gatehouse gatehouse, Path file) throws InterruptedException {
        Database database = gatehouse.services().core().database();
        gatehouse.services().core().sealAudit();
        long sealed = database.read(tx -> tx.queryLong("SELECT COALESCE(MAX(chain_seq), 0) FROM audit_log"));
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(file)) {
                List<JsonNode> lines = read(file);
                if (!lines.isEmpty() && lines.get(lines.size() - 1).get("chainPosition").asLong() >= sealed) {
                    return lines;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the export did not reach chain position " + sealed);
    }

    /** The file's complete lines (the writer may be in the middle of one), each parsed. */
    private static List<JsonNode> read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<JsonNode> lines = new ArrayList<>();
            for (String line : text.substring(0, text.lastIndexOf('\n') + 1).lines().toList()) {
                lines.add(Json.MAPPER.readTree(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Long> positions(List<JsonNode> lines) {
        return lines.stream().map(line -> line.get("chainPosition").asLong()).toList();
    }
}
