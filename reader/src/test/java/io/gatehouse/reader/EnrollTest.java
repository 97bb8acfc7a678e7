package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning and re-provisioning a reader. */
class EnrollTest {

    @TempDir
    Path directory;

    private Harness harness;

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private Harness harness() throws Exception {
        harness = new Harness(directory);
        return harness;
    }

    private ReaderConfig enroll(Harness h, String tokenOrUrl, boolean force) {
        return new Enroller(new ServerClient(h.http), new SecureRandom(), h.clock, h.diagnostics())
                .enroll(h.stateDir, tokenOrUrl, force);
    }

    @Test
    void the_token_form_enrols_a_new_key_and_pins_the_bundle_keys() throws Exception {
        Harness h = harness();

        ReaderConfig config = enroll(h, h.server.provisioningToken("r-lobby"), false);

        assertThat(config.readerId()).isEqualTo("r-lobby");
        assertThat(config.doorId()).isEqualTo("door-lobby");
        assertThat(config.serverUrl()).isEqualTo(h.server.baseUrl());
        assertThat(config.credential()).startsWith("ghr_");
        assertThat(config.pinnedKeys()).extracting(TrustedKey::keyId).containsExactly("k1");
        JsonNode request = h.server.enrollRequests.get(0);
        assertThat(request.path("facts").path("model").asText()).isEqualTo("gatehouse-reader-cli");
        assertThat(request.path("facts").path("version").asText()).isEqualTo(ReaderVersion.get());
        assertThat(request.path("publicKey").asText()).isEqualTo(config.publicKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(h.stateDir.resolve("config.json"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(h.stateDir.resolve(config.keyFile()))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(h.stateDir))).isEqualTo("rwx------");
        assertThat(new StateDirectory(h.stateDir).loadConfig()).isEqualTo(config);
    }

    @Test
    void the_url_form_enrols_too() throws Exception {
        Harness h = harness();

        ReaderConfig config = enroll(h, h.server.provisioningUrl("r-lobby"), false);

        assertThat(config.readerId()).isEqualTo("r-lobby");
    }

    @Test
    void a_used_token_is_refused_with_410_and_the_state_is_untouched() throws Exception {
        Harness h = harness();
        String token = h.server.provisioningToken("r-lobby");
        ReaderConfig first = enroll(h, token, false);

        assertThatThrownBy(() -> enroll(h, token, false)).isInstanceOf(ReaderException.class)
                .satisfies(e -> assertThat(((ReaderException) e).status()).isEqualTo(410))
                .satisfies(e -> assertThat(((ReaderException) e).code()).isEqualTo("provisioning_token_used"));
        assertThat(new StateDirectory(h.stateDir).loadConfig()).isEqualTo(first);
        try (Stream<Path> files = Files.list(h.stateDir)) {
            assertThat(files.filter(file -> file.getFileName().toString().startsWith("reader-key-"))).hasSize(1);
        }
    }

    @Test
    void an_unknown_token_is_refused_with_404_and_nothing_is_stored() throws Exception {
        Harness h = harness();
        String token = h.server.provisioningToken("r-lobby");
        String unknown = token.substring(0, token.length() - 4) + "0000";

        assertThatThrownBy(() -> enroll(h, unknown, false)).isInstanceOf(ReaderException.class)
                .satisfies(e -> assertThat(((ReaderException) e).status()).isEqualTo(404));
        assertThat(new StateDirectory(h.stateDir).findConfig()).isEmpty();
    }

    @Test
    void re_provisioning_the_same_reader_replaces_key_and_credential_and_continues_the_chain() throws Exception {
        Harness h = harness();
        ReaderConfig first = enroll(h, h.server.provisioningToken("r-lobby"), false);
        ReaderAgent agent = h.open();
        agent.scan("ONE");
        assertThat(agent.upload(Duration.ofSeconds(5))).isEqualTo(ReaderAgent.Upload.DONE);
        agent.close();

        ReaderConfig second = enroll(h, h.server.provisioningToken("r-lobby"), false);
        ReaderAgent reprovisioned = h.open();
        ReaderEvent next = reprovisioned.scan("TWO").event();

        assertThat(second.credential()).isNotEqualTo(first.credential());
        assertThat(second.publicKey()).isNotEqualTo(first.publicKey());
        assertThat(Files.exists(h.stateDir.resolve(first.keyFile()))).isFalse();
        assertThat(next.eventId()).isEqualTo("r-lobby/2");
        assertThat(reprovisioned.upload(Duration.ofSeconds(5))).isEqualTo(ReaderAgent.Upload.DONE);
        assertThat(h.server.storedEvents).containsOnlyKeys("r-lobby/1", "r-lobby/2");
        assertThat(h.server.chainProblems).isEmpty();
    }

    @Test
    void unsent_events_block_re_provisioning_unless_forced() throws Exception {
        Harness h = harness();
        enroll(h, h.server.provisioningToken("r-lobby"), false);
        ReaderAgent agent = h.open();
        h.server.stop();
        agent.scan("ONE");
        agent.close();
        h.server.start();
        String token = h.server.provisioningToken("r-lobby");

        assertThatThrownBy(() -> enroll(h, token, false)).isInstanceOf(ReaderException.class)
                .satisfies(e -> assertThat(((ReaderException) e).code()).isEqualTo("unsent_events"));
        assertThat(h.server.enrollRequests).hasSize(1); // the token was not spent

        enroll(h, token, true);
        assertThat(h.err.toString()).contains("unsent_events_forced");
    }

    @Test
    void provisioning_the_directory_as_another_reader_archives_the_old_chain() throws Exception {
        Harness h = harness();
        enroll(h, h.server.provisioningToken("r-lobby"), false);
        ReaderAgent agent = h.open();
        agent.scan("ONE");
        assertThat(agent.upload(Duration.ofSeconds(5))).isEqualTo(ReaderAgent.Upload.DONE);
        agent.close();

        enroll(h, h.server.provisioningToken("r-vault"), false);
        ReaderAgent vault = h.open();
        ReaderEvent first = vault.scan("ONE").event();

        assertThat(first.eventId()).isEqualTo("r-vault/1");
        try (Stream<Path> archived = Files.list(h.stateDir.resolve("archive"))) {
            Path folder = archived.findFirst().orElseThrow();
            assertThat(folder.getFileName().toString()).endsWith("-r-lobby");
            assertThat(folder.resolve("events.jsonl")).exists();
        }
        List<ReaderEvent> file = vault.queue().readFile();
        assertThat(ReaderEvents.verifyChain(file, ChainHead.START, h.server.readerKey("r-vault").orElseThrow())).isEmpty();
    }

    @Test
    void a_re_provisioning_cut_short_before_archiving_is_finished_when_the_reader_starts() throws Exception {
        Harness h = harness();
        enroll(h, h.server.provisioningToken("r-lobby"), false);
        ReaderAgent agent = h.open();
        agent.scan("ONE");
        agent.upload(Duration.ofSeconds(5));
        agent.close();
        // As if enroll had switched config.json to another reader and died before moving the old files.
        Path events = h.stateDir.resolve("events.jsonl");
        byte[] oldEvents = Files.readAllBytes(events);
        enroll(h, h.server.provisioningToken("r-vault"), false);
        Files.write(events, oldEvents);

        ReaderAgent vault = h.open();

        assertThat(vault.scan("ONE").event().eventId()).isEqualTo("r-vault/1");
        assertThat(h.err.toString()).contains("state_archived");
    }
}
