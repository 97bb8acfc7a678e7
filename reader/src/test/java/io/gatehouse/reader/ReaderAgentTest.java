package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader agent against a fake server: online relay, offline decisions, bundles, the queue and upload. */
class ReaderAgentTest {

    @TempDir
    Path directory;

    private Harness harness;

    private Harness harness() throws IOException {
        harness = new Harness(directory);
        return harness;
    }

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    private static void awaitUnlocks(Harness h, int count) throws InterruptedException {
        for (int i = 0; i < 100 && h.unlocks.size() < count; i++) {
            Thread.sleep(20);
        }
    }

    // ---- Online -----------------------------------------------------------------------------------

    @Test
    void online_the_scan_is_relayed_with_its_event_id_and_the_server_s_grant_is_recorded_printed_and_opens_the_door()
            throws Exception {
        Harness h = harness();
        ReaderAgent agent = h.ready();
        TestPhone alice = h.server.enrolPhone("u-alice");
        String proof = alice.proof(h.clock);

        ReaderAgent.Scan scan = agent.scan(proof + "\r\n");

        assertThat(h.server.scanRequests).hasSize(1);
        assertThat(h.server.scanRequests.get(0).path("payload").asText()).isEqualTo(proof);
        assertThat(h.server.scanRequests.get(0).path("eventId").asText()).isEqualTo("r-lobby/1");
        ReaderEvent event = scan.event();
        assertThat(event.eventId()).isEqualTo("r-lobby/1");
        assertThat(event.mode()).isEqualTo("online");
        assertThat(event.decision()).isEqualTo("grant");
        assertThat(event.credentialId()).isEqualTo(alice.id.toString());
        assertThat(event.userId()).isEqualTo("u-alice");
        assertThat(h.outLines()).hasSize(1);
        assertThat(h.outLines().get(0).toString()).isEqualTo("{\"eventId\":\"r-lobby/1\",\"decision\":\"grant\","
                + "\"reason\":null,\"mode\":\"online\",\"door\":\"door-lobby\",\"time\":\"2026-03-02T09:00:00Z\"}");
        assertThat(agent.queue().readFile()).containsExactly(event);
        awaitUnlocks(h, 1);
        assertThat(h.unlocks).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void online_the_server_s_denial_is_recorded_and_the_door_stays_shut() throws Exception {
        Harness h = harness();
        ReaderAgent agent = h.ready();

        ReaderAgent.Scan scan = agent.scan("NOT A PROOF");

        assertThat(scan.event().mode()).isEqualTo("online");
        assertThat(scan.event().decision()).isEqualTo("deny");
        assertThat(scan.event().reason()).isEqualTo("malformed");
        Thread.sleep(100);
        assertThat(h.unlocks).isEmpty();
    }

    // ---- Offline ----------------------------------------------------------------------------------

    @Test
    void with_the_server_down_the_reader_decides_offline_from_its_bundle() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        h.server.stop();

        ReaderAgent.Scan scan = agent.scan(alice.proof(h.clock));

        assertThat(scan.event().mode()).isEqualTo("offline");
        assertThat(scan.event().decision()).isEqualTo("grant");
        assertThat(scan.event().reason()).isNull();
        assertThat(scan.event().userId()).isEqualTo("u-alice");
        assertThat(scan.event().detail()).isEqualTo("granted at door door-lobby by the rule for role staff in zone hq-main");
        assertThat(h.errLines()).anySatisfy(line -> assertThat(line.path("event").asText()).isEqualTo("server_unreachable"));
        awaitUnlocks(h, 1);
        assertThat(h.unlocks).hasSize(1);
    }

    @Test
    void a_server_slower_than_the_online_timeout_counts_as_down() throws Exception {
        Harness h = harness();
        h.onlineTimeout = Duration.ofMillis(300);
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        h.server.delayMillis = 3000;

        long started = System.nanoTime();
        ReaderAgent.Scan scan = agent.scan(alice.proof(h.clock));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2500));
        assertThat(scan.event().mode()).isEqualTo("offline");
        assertThat(scan.event().decision()).isEqualTo("grant");
    }

    @Test
    void offline_a_proof_shown_twice_is_denied_as_replayed_even_after_a_restart() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        h.server.stop();
        String proof = alice.proof(h.clock);

        assertThat(agent.scan(proof).event().decision()).isEqualTo("grant");
        assertThat(agent.scan(proof).event().reason()).isEqualTo("replayed");
        ReaderAgent restarted = h.reopen();
        assertThat(restarted.scan(proof).event().reason()).isEqualTo("replayed");
    }

    @Test
    void a_proof_granted_online_cannot_be_replayed_offline_once_the_server_is_gone() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        String captured = alice.proof(h.clock);
        assertThat(agent.scan(captured).event().mode()).isEqualTo("online");

        h.server.stop();
        ReaderAgent.Scan replay = agent.scan(captured);

        assertThat(replay.event().mode()).isEqualTo("offline");
        assertThat(replay.event().reason()).isEqualTo("replayed");
    }

    @Test
    void a_credential_revoked_before_the_outage_is_denied_offline() throws Exception {
        Harness h = harness();
        TestPhone bob = h.server.enrolPhone("u-bob");
        h.server.revokeCredential(bob.id);
        ReaderAgent agent = h.ready();
        h.server.stop();

        ReaderAgent.Scan scan = agent.scan(bob.proof(h.clock));

        assertThat(scan.event().mode()).isEqualTo("offline");
        assertThat(scan.event().reason()).isEqualTo("revoked");
    }

    @Test
    void a_credential_the_bundle_does_not_know_is_denied_offline() throws Exception {
        Harness h = harness();
        ReaderAgent agent = h.ready();
        TestPhone enrolledAfterTheSync = h.server.enrolPhone("u-new");
        h.server.stop();

        assertThat(agent.scan(enrolledAfterTheSync.proof(h.clock)).event().reason()).isEqualTo("unknown_credential");
    }

    @Test
    void an_expired_bundle_fails_secure_by_default() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        h.server.stop();
        h.clock.advance(Duration.ofSeconds(3600));

        ReaderAgent.Scan scan = agent.scan(alice.proof(h.clock));

        assertThat(scan.event().decision()).isEqualTo("deny");
        assertThat(scan.event().reason()).isEqualTo("bundle_expired");
        assertThat(scan.event().detail()).startsWith("bundle version 1 expired at 2026-03-02T10:00:00Z, 0 s ago");
    }

    @Test
    void an_expired_bundle_fails_open_when_the_door_is_configured_so() throws Exception {
        Harness h = harness();
        h.server.offlineMode = OfflineMode.FAIL_OPEN;
        TestPhone bob = h.server.enrolPhone("u-bob");
        h.server.revokeCredential(bob.id);
        ReaderAgent agent = h.ready();
        h.server.stop();
        h.clock.advance(Duration.ofSeconds(3601));

        ReaderAgent.Scan scan = agent.scan(bob.proof(h.clock));

        assertThat(scan.event().decision()).isEqualTo("grant");
        assertThat(scan.event().reason()).isEqualTo("bundle_expired_fail_open");
        assertThat(scan.event().detail()).contains("the door fails open; the stale bundle says: revoked");
        awaitUnlocks(h, 1);
        assertThat(h.unlocks).hasSize(1);
    }

    @Test
    void before_an_unexpired_bundle_ends_the_door_decides_normally() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        h.server.stop();
        h.clock.advance(Duration.ofSeconds(3599));

        assertThat(agent.scan(alice.proof(h.clock)).event().decision()).isEqualTo("grant");
    }

    @Test
    void without_any_bundle_offline_scans_are_denied_no_bundle() throws Exception {
        Harness h = harness();
        h.enroll("r-lobby");
        ReaderAgent agent = h.open();
        TestPhone alice = h.server.enrolPhone("u-alice");
        h.server.stop();

        ReaderAgent.Scan scan = agent.scan(alice.proof(h.clock));

        assertThat(scan.event().decision()).isEqualTo("deny");
        assertThat(scan.event().reason()).isEqualTo("no_bundle");
    }

    // ---- Bundles ----------------------------------------------------------------------------------

    @Test
    void bad_bundles_are_refused_reported_and_the_last_good_one_kept() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        h.server.publishBundle("r-lobby");
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(agent.currentBundle().orElseThrow().bundleVersion()).isEqualTo(3);
        KeyPair stranger = PublicKeys.generateP256(new SecureRandom());

        byte[] badSignature = h.server.buildBundle("r-lobby", 10, "k1", h.server.bundleKey.getPrivate());
        badSignature[badSignature.length - 1] ^= 0x01;
        byte[] unknownKey = h.server.buildBundle("r-lobby", 11, "k9", stranger.getPrivate());
        byte[] older = h.server.buildBundle("r-lobby", 2, "k1", h.server.bundleKey.getPrivate());
        byte[] good = h.server.buildBundle("r-lobby", 12, "k1", h.server.bundleKey.getPrivate());
        byte[] truncated = Arrays.copyOf(good, good.length - 10);
        byte[] stolenKeyId = h.server.buildBundle("r-lobby", 13, "k1", stranger.getPrivate());

        for (byte[] bad : List.of(badSignature, unknownKey, older, truncated, stolenKeyId)) {
            h.server.serve(bad);
            assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.REFUSED);
        }

        assertThat(h.errLines()).filteredOn(line -> line.path("event").asText().equals("bundle_refused"))
                .extracting(line -> line.path("reason").asText())
                .containsExactly("bad_signature", "unknown_key", "old_version", "truncated", "bad_signature");
        assertThat(h.errLines()).filteredOn(line -> line.path("event").asText().equals("bundle_refused"))
                .allSatisfy(line -> assertThat(line.path("keptVersion").asLong()).isEqualTo(3));
        assertThat(agent.currentBundle().orElseThrow().bundleVersion()).isEqualTo(3);
        assertThat(agent.config().bundle().version()).isEqualTo(3);
        // The last good bundle still decides, also after a restart.
        h.server.stop();
        assertThat(agent.scan(alice.proof(h.clock)).event().decision()).isEqualTo("grant");
        assertThat(h.reopen().currentBundle().orElseThrow().bundleVersion()).isEqualTo(3);
    }

    @Test
    void the_same_version_signed_again_is_not_news_and_not_reported() throws Exception {
        Harness h = harness();
        ReaderAgent agent = h.ready();

        h.server.serve(h.server.buildBundle("r-lobby", 1, "k1", h.server.bundleKey.getPrivate()));

        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.UNCHANGED);
        assertThat(h.err.toString()).doesNotContain("bundle_refused");
    }

    @Test
    void a_new_version_with_the_same_content_is_used_but_reported_only_when_the_content_changes() throws Exception {
        Harness h = harness();
        ReaderAgent agent = h.ready();
        h.clock.advance(Duration.ofSeconds(30));
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        h.server.enrolPhone("u-new");
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);

        assertThat(agent.currentBundle().orElseThrow().bundleVersion()).isEqualTo(3);
        assertThat(h.errLines()).filteredOn(line -> line.path("event").asText().equals("bundle_accepted"))
                .extracting(line -> line.path("version").asLong()).containsExactly(1L, 3L);
    }

    @Test
    void a_bundle_for_another_reader_is_refused() throws Exception {
        Harness h = harness();
        ReaderAgent agent = h.ready();

        h.server.serve(h.server.buildBundle("r-vault", 9, "k1", h.server.bundleKey.getPrivate()));

        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.REFUSED);
        assertThat(h.err.toString()).contains("\"reason\":\"wrong_reader\"");
    }

    @Test
    void bundles_rotate_the_pinned_signing_keys_without_reprovisioning() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        KeyPair next = PublicKeys.generateP256(new SecureRandom());
        // Bundle 2, still signed by k1, announces k1 and k2.
        h.server.announcedKeys = List.of(new TrustedKey("k1", h.server.bundleKey.getPublic()), new TrustedKey("k2", next.getPublic()));
        h.server.publishBundle("r-lobby");
        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        // Bundle 3 is signed by k2 and retires k1.
        h.server.bundleKey = next;
        h.server.bundleKeyId = "k2";
        h.server.announcedKeys = List.of(new TrustedKey("k2", next.getPublic()));
        h.server.publishBundle("r-lobby");

        assertThat(agent.syncBundle()).isEqualTo(ReaderAgent.BundleSync.ACCEPTED);
        assertThat(agent.config().pinnedKeys()).extracting(TrustedKey::keyId).containsExactly("k2");
        ReaderAgent restarted = h.reopen();
        assertThat(restarted.config().pinnedKeys()).extracting(TrustedKey::keyId).containsExactly("k2");
        assertThat(restarted.currentBundle().orElseThrow().bundleVersion()).isEqualTo(3);
        h.server.stop();
        assertThat(restarted.scan(alice.proof(h.clock)).event().decision()).isEqualTo("grant");
    }

    @Test
    void a_tampered_stored_bundle_is_not_used_after_a_restart() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        Path stored = h.stateDir.resolve(agent.config().bundle().file());
        byte[] bytes = Files.readAllBytes(stored);
        bytes[40] ^= 1;
        Files.write(stored, bytes);

        ReaderAgent restarted = h.reopen();
        h.server.stop();

        assertThat(restarted.currentBundle()).isEmpty();
        assertThat(h.err.toString()).contains("stored_bundle_unusable");
        assertThat(restarted.scan(alice.proof(h.clock)).event().reason()).isEqualTo("no_bundle");
    }

    // ---- Revoked reader ---------------------------------------------------------------------------

    @Test
    void a_revoked_reader_denies_everything_and_keeps_doing_so_offline_and_after_a_restart() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        h.server.revokeReader("r-lobby");

        ReaderAgent.Scan online = agent.scan(alice.proof(h.clock));
        h.server.stop();
        ReaderAgent.Scan offline = h.reopen().scan(alice.proof(h.clock));

        assertThat(online.event().mode()).isEqualTo("online");
        assertThat(online.event().reason()).isEqualTo("reader_revoked");
        assertThat(offline.event().decision()).isEqualTo("deny");
        assertThat(offline.event().reason()).isEqualTo("reader_revoked");
        assertThat(h.agent.config().revoked().code()).isEqualTo("reader_revoked");
        assertThat(h.errLines()).anySatisfy(line -> assertThat(line.path("event").asText()).isEqualTo("reader_revoked"));
    }

    // ---- Queue and upload -------------------------------------------------------------------------

    @Test
    void upload_sends_every_event_once_in_seq_order_in_batches_of_at_most_500() throws Exception {
        Harness h = harness();
        h.enroll("r-lobby");
        ReaderAgent agent = h.open();
        h.server.stop();
        for (int i = 0; i < 1203; i++) {
            agent.scan("SCAN " + i);
        }
        h.server.start();

        assertThat(agent.upload(Duration.ofSeconds(30))).isEqualTo(ReaderAgent.Upload.DONE);

        assertThat(h.server.uploadBatchSizes).containsExactly(500, 500, 203);
        assertThat(h.server.uploadPendingCounts).as("what the queue held at each upload")
                .containsExactly("1203", "703", "203");
        assertThat(List.copyOf(h.server.storedEvents.keySet()))
                .isEqualTo(IntStream.rangeClosed(1, 1203).mapToObj(seq -> "r-lobby/" + seq).toList());
        assertThat(h.server.chainProblems).isEmpty();
        assertThat(agent.queue().pendingCount()).isZero();
        assertThat(agent.queue().ackedSeq()).isEqualTo(1203);
        assertThat(Files.readString(h.stateDir.resolve("events.acked")).strip()).isEqualTo("1203");
    }

    @Test
    void events_the_server_refuses_for_good_are_acknowledged_with_a_warning_and_do_not_hold_back_the_rest()
            throws Exception {
        Harness h = harness();
        h.enroll("r-lobby");
        ReaderAgent agent = h.open();
        h.server.stop();
        for (int i = 0; i < 5; i++) {
            agent.scan("SCAN " + i);
        }
        h.server.refusedSeqs.add(2L);
        h.server.start();

        assertThat(agent.upload(Duration.ofSeconds(10))).isEqualTo(ReaderAgent.Upload.DONE);

        assertThat(List.copyOf(h.server.storedEvents.keySet()))
                .containsExactly("r-lobby/1", "r-lobby/3", "r-lobby/4", "r-lobby/5");
        assertThat(agent.queue().pendingCount()).isZero();
        assertThat(agent.queue().ackedSeq()).isEqualTo(5);
        assertThat(h.errLines()).filteredOn(line -> line.path("event").asText().equals("upload_events_refused"))
                .singleElement().satisfies(line -> {
                    assertThat(line.path("count").asInt()).isEqualTo(1);
                    assertThat(line.path("firstSeq").asLong()).isEqualTo(2);
                    assertThat(line.path("code").asText()).isEqualTo("invalid_event");
                });
    }

    @Test
    void an_upload_repeated_after_a_lost_acknowledgement_stores_nothing_twice() throws Exception {
        Harness h = harness();
        h.enroll("r-lobby");
        ReaderAgent agent = h.open();
        h.server.stop();
        for (int i = 0; i < 7; i++) {
            agent.scan("SCAN " + i);
        }
        h.server.start();
        assertThat(agent.upload(Duration.ofSeconds(10))).isEqualTo(ReaderAgent.Upload.DONE);
        // The acknowledgement is lost (as if the reader died before writing it).
        agent.close();
        Files.delete(h.stateDir.resolve("events.acked"));
        agent = h.open();
        assertThat(agent.queue().pendingCount()).isEqualTo(7);

        assertThat(agent.upload(Duration.ofSeconds(10))).isEqualTo(ReaderAgent.Upload.DONE);

        assertThat(h.server.storedEvents).hasSize(7);
        assertThat(h.server.duplicateEvents).isEqualTo(7);
        assertThat(agent.queue().pendingCount()).isZero();
    }

    @Test
    void while_the_server_is_down_upload_leaves_the_events_waiting() throws Exception {
        Harness h = harness();
        h.enroll("r-lobby");
        ReaderAgent agent = h.open();
        h.server.stop();
        agent.scan("SCAN");

        assertThat(agent.upload(Duration.ofSeconds(2))).isEqualTo(ReaderAgent.Upload.INCOMPLETE);
        assertThat(agent.queue().pendingCount()).isEqualTo(1);
    }

    @Test
    void online_and_offline_events_form_one_chain_that_the_server_verifies() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        ReaderAgent agent = h.ready();
        agent.scan(alice.proof(h.clock));
        h.server.stop();
        agent.scan(alice.proof(h.clock));
        agent.scan("GARBAGE");
        h.server.start();
        agent.scan(alice.proof(h.clock));

        assertThat(agent.upload(Duration.ofSeconds(10))).isEqualTo(ReaderAgent.Upload.DONE);

        List<ReaderEvent> file = agent.queue().readFile();
        assertThat(file).extracting(ReaderEvent::mode).containsExactly("online", "offline", "offline", "online");
        assertThat(ReaderEvents.verifyChain(file, ChainHead.START, h.server.readerKey("r-lobby").orElseThrow())).isEmpty();
        assertThat(h.server.storedEvents).hasSize(4);
        assertThat(h.server.chainProblems).isEmpty();
    }

    @Test
    void after_a_crash_that_tore_the_last_line_the_chain_continues_from_the_last_good_event() throws Exception {
        Harness h = harness();
        h.enroll("r-lobby");
        ReaderAgent agent = h.open();
        h.server.stop();
        agent.scan("ONE");
        agent.scan("TWO");
        agent.scan("THREE");
        agent.close();
        Path events = h.stateDir.resolve("events.jsonl");
        byte[] bytes = Files.readAllBytes(events);
        Files.write(events, Arrays.copyOf(bytes, bytes.length - 40)); // the third line, cut mid-way

        ReaderAgent restarted = h.open();
        ReaderAgent.Scan next = restarted.scan("FOUR");

        assertThat(h.err.toString()).contains("queue_torn_line_dropped");
        List<ReaderEvent> file = restarted.queue().readFile();
        // Seq 3 was marked in flight when the reader died: it may have reached the server, so it is never
        // given to another scan; it is recorded as interrupted and the next scan gets 4.
        assertThat(file).extracting(ReaderEvent::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(file.get(2).reason()).isEqualTo("reader_interrupted");
        assertThat(next.event().seq()).isEqualTo(4);
        assertThat(ReaderEvents.verifyChain(file, ChainHead.START, h.server.readerKey("r-lobby").orElseThrow())).isEmpty();
    }

    @Test
    void a_scan_interrupted_during_its_relay_is_recorded_on_restart_so_its_seq_is_never_reused() throws Exception {
        Harness h = harness();
        ReaderAgent agent = h.ready();
        agent.scan("ONE");
        agent.close();
        // The reader died after telling the server about r-lobby/2 and before recording it.
        Files.writeString(h.stateDir.resolve("inflight"), "2\n", StandardCharsets.US_ASCII);

        ReaderAgent restarted = h.open();
        ReaderAgent.Scan next = restarted.scan("THREE");

        List<ReaderEvent> file = restarted.queue().readFile();
        assertThat(file.get(1).eventId()).isEqualTo("r-lobby/2");
        assertThat(file.get(1).reason()).isEqualTo("reader_interrupted");
        assertThat(next.event().eventId()).isEqualTo("r-lobby/3");
        // The interrupted record is not a printed decision.
        assertThat(h.outLines()).extracting(line -> line.path("eventId").asText()).containsExactly("r-lobby/1", "r-lobby/3");
    }

    @Test
    void two_readers_cannot_share_a_state_directory() throws Exception {
        Harness h = harness();
        h.enroll("r-lobby");
        h.open();

        assertThatThrownBy(h::open).isInstanceOf(ReaderException.class)
                .satisfies(e -> assertThat(((ReaderException) e).code()).isEqualTo("state_locked"));
    }

    @Test
    void a_reader_that_was_never_enrolled_does_not_start() throws Exception {
        Harness h = harness();

        assertThatThrownBy(h::open).isInstanceOf(ReaderException.class)
                .satisfies(e -> assertThat(((ReaderException) e).code()).isEqualTo("not_enrolled"));
    }

    @Test
    void the_background_task_fetches_the_bundle_and_uploads_when_the_server_answers() throws Exception {
        Harness h = harness();
        TestPhone alice = h.server.enrolPhone("u-alice");
        h.enroll("r-lobby");
        h.server.publishBundle("r-lobby");
        ReaderAgent agent = h.open();
        agent.start();
        for (int i = 0; i < 100 && agent.currentBundle().isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(agent.currentBundle()).isPresent();

        agent.scan(alice.proof(h.clock));
        for (int i = 0; i < 100 && agent.queue().pendingCount() > 0; i++) {
            Thread.sleep(20);
        }

        assertThat(agent.queue().pendingCount()).isZero();
        assertThat(h.server.storedEvents).containsKey("r-lobby/1");
        JsonNode stored = h.server.storedEvents.get("r-lobby/1");
        assertThat(stored.path("mode").asText()).isEqualTo("online");
        assertThat(Base64Url.decode(stored.path("signature").asText())).hasSize(64);
    }
}
