package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.bundle.BundlePass;
import io.gatehouse.protocol.pass.PassText;
import io.gatehouse.protocol.reader.ReaderEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Visitor passes at an offline door: decided from the bundle's passes in numbered steps, entries counted here
 * durably (a restart keeps them) and forgotten only once a bundle built after their upload counts them.
 */
class VisitorPassesOfflineTest {
    private static final String TEXT = "https://gatehouse.example/q/Pq7sVx2mK9dLw4NcR8tYb3HgZ1f";
    private static final long START = Harness.START.getEpochSecond();

    @TempDir
    Path directory;

    private Harness harness;

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private Harness harness(int maxEntries, int counted) throws IOException {
        harness = new Harness(directory);
        harness.server.passes = List.of(pass(maxEntries, counted));
        return harness;
    }

    private static BundlePass pass(int maxEntries, int counted) {
        return new BundlePass(PassText.parse(TEXT).orElseThrow().digest(), "vis_1", START - 60, START + 3600,
                maxEntries, counted);
    }

    @Test
    void offline_a_pass_admits_its_entries_and_no_more_also_after_a_restart() throws Exception {
        Harness h = harness(3, 1);
        ReaderAgent agent = h.ready();
        h.server.stop();

        ReaderEvent first = agent.scan(TEXT).event();
        assertThat(first.mode()).isEqualTo("offline");
        assertThat(first.decision()).isEqualTo("grant");
        assertThat(first.userId()).isEqualTo("visitor:vis_1");
        assertThat(first.credentialId()).isNull();
        assertThat(first.proofIssuedAt()).isNull();
        assertThat(first.detail()).isEqualTo("visitor pass: entry 2 of 3 (1 counted by the server, 0 offline here"
                + " before)");
        assertThat(agent.passEntries().since("vis_1")).isEqualTo(1);
        assertThat(Files.readString(h.stateDir.resolve(StateDirectory.PASSES))).isEqualTo(first.seq() + " "
                + (START + 3600) + " vis_1\n");

        ReaderAgent restarted = h.reopen();
        assertThat(restarted.scan(TEXT).event().decision()).isEqualTo("grant");
        ReaderEvent used = h.reopen().scan(TEXT).event();
        assertThat(used.decision()).isEqualTo("deny");
        assertThat(used.reason()).isEqualTo("entries_used_up");
        assertThat(used.userId()).isEqualTo("visitor:vis_1");
        assertThat(h.unlocks).hasSize(2);
    }

    @Test
    void offline_a_pass_opens_only_inside_its_window_with_the_doors_skew() throws Exception {
        Harness h = harness(5, 0);
        h.server.maxStalenessSeconds = 86_400;
        ReaderAgent agent = h.ready();
        h.server.stop();

        h.clock.set(Harness.START.minusSeconds(66));
        assertThat(agent.scan(TEXT).event().reason()).isEqualTo("pass_not_yet_valid");
        h.clock.set(Harness.START.minusSeconds(65)); // the door's skew is 5 s
        assertThat(agent.scan(TEXT).event().decision()).isEqualTo("grant");
        h.clock.set(Harness.START.plusSeconds(3604));
        assertThat(agent.scan(TEXT).event().decision()).isEqualTo("grant");
        h.clock.set(Harness.START.plusSeconds(3605));
        assertThat(agent.scan(TEXT).event().reason()).isEqualTo("pass_expired");
    }

    @Test
    void offline_a_pass_the_bundle_does_not_list_is_unknown_and_names_no_visitor() throws Exception {
        Harness h = harness(1, 0);
        ReaderAgent agent = h.ready();
        // Revoked: the next bundle no longer lists the pass.
        h.server.passes = List.of();
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        h.server.stop();

        ReaderEvent event = agent.scan(TEXT).event();

        assertThat(event.reason()).isEqualTo("unknown_pass");
        assertThat(event.userId()).isNull();
        assertThat(agent.scan("https://gatehouse.example/q/Zz9-_Yy8Xx7Ww6Vv5Uu4Tt3Ss2R").event().reason())
                .isEqualTo("unknown_pass");
    }

    @Test
    void local_entries_are_forgotten_only_by_a_bundle_fetched_after_their_upload() throws Exception {
        Harness h = harness(2, 0);
        ReaderAgent agent = h.ready();
        h.server.stop();
        assertThat(agent.scan(TEXT).event().decision()).isEqualTo("grant");
        h.server.start();

        // A bundle fetched before the upload does not count the entry: it stays counted here.
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(agent.passEntries().since("vis_1")).isEqualTo(1);

        // Uploaded; the server counts it and the next bundle carries the count: no longer counted here.
        assertThat(agent.upload(Duration.ofSeconds(5))).isEqualTo(ReaderAgent.Upload.DONE);
        h.server.passes = List.of(pass(2, 1));
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(agent.passEntries().since("vis_1")).isZero();

        h.server.stop();
        assertThat(agent.scan(TEXT).event().decision()).isEqualTo("grant");
        assertThat(agent.scan(TEXT).event().reason()).isEqualTo("entries_used_up");
    }

    @Test
    void entries_of_ended_passes_are_forgotten_on_open() throws Exception {
        Harness h = harness(2, 0);
        h.server.maxStalenessSeconds = 86_400;
        ReaderAgent agent = h.ready();
        h.server.stop();
        assertThat(agent.scan(TEXT).event().decision()).isEqualTo("grant");

        h.clock.set(Harness.START.plusSeconds(3600 + PassEntries.MAX_SKEW_SECONDS + 1));

        assertThat(h.reopen().passEntries().size()).isZero();
    }
}
