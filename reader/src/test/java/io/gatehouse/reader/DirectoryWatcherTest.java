package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.qr.ErrorCorrection;
import io.gatehouse.qr.QrCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scans from image files dropped into a watched directory. */
class DirectoryWatcherTest {

    @TempDir
    Path directory;

    private Harness harness;

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void an_image_is_decoded_decided_once_it_is_stable_and_moved_to_done() throws Exception {
        harness = new Harness(directory);
        TestPhone alice = harness.server.enrolPhone("u-alice");
        ReaderAgent agent = harness.ready();
        Path watched = Files.createDirectories(directory.resolve("camera"));
        DirectoryWatcher watcher = new DirectoryWatcher(watched, agent, harness.diagnostics(), Duration.ofMillis(10));
        Files.write(watched.resolve("scan-001.png"), QrCode.encode(alice.proof(harness.clock), ErrorCorrection.M).toPng(4));
        Files.write(watched.resolve(".partial.png"), new byte[] {1, 2, 3});

        assertThat(watcher.pollOnce()).isZero(); // first sighting: size recorded
        assertThat(watcher.pollOnce()).isEqualTo(1);

        List<ReaderEvent> events = agent.queue().readFile();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).decision()).isEqualTo("grant");
        assertThat(events.get(0).credentialId()).isEqualTo(alice.id.toString());
        assertThat(watched.resolve("scan-001.png")).doesNotExist();
        assertThat(watched.resolve("done/scan-001.png")).exists();
        assertThat(watched.resolve(".partial.png")).exists();
    }

    @Test
    void an_image_without_a_code_is_recorded_as_malformed() throws Exception {
        harness = new Harness(directory);
        ReaderAgent agent = harness.ready();
        Path watched = Files.createDirectories(directory.resolve("camera"));
        DirectoryWatcher watcher = new DirectoryWatcher(watched, agent, harness.diagnostics(), Duration.ofMillis(10));
        Files.write(watched.resolve("blank.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});

        watcher.pollOnce();
        watcher.pollOnce();

        ReaderEvent event = agent.queue().readFile().get(0);
        assertThat(event.decision()).isEqualTo("deny");
        assertThat(event.reason()).isEqualTo("malformed");
        assertThat(event.detail()).startsWith("image blank.png: ");
        assertThat(watched.resolve("done/blank.png")).exists();
    }
}
