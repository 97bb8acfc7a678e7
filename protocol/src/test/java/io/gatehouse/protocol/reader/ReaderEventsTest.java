package io.gatehouse.protocol.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.access.PublicKeys;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The hash chain of reader events: how it is made, and each problem {@link ReaderEvents#verifyChain} finds. */
class ReaderEventsTest {

    private static final KeyPair READER_KEY = PublicKeys.generateP256(new SecureRandom());
    private static final KeyPair OTHER_KEY = PublicKeys.generateP256(new SecureRandom());
    private static final long T0 = 1_767_225_600_000L;

    private static EventFields offlineGrant(long time) {
        return new EventFields(time, "offline", "grant", null, "oR4tPEtaaXiHlqW0w9Lh8A", "u-1001", "door-lobby",
                time / 1000 - 2, "granted at door door-lobby by the rule for role staff in zone hq-main");
    }

    private static EventFields onlineDeny(long time) {
        return new EventFields(time, "online", "deny", "malformed", null, null, "door-lobby", null, null);
    }

    private static List<ReaderEvent> chainOf(int count) {
        List<ReaderEvent> events = new ArrayList<>();
        ReaderEvent previous = null;
        for (int i = 0; i < count; i++) {
            EventFields fields = i % 2 == 0 ? offlineGrant(T0 + i) : onlineDeny(T0 + i);
            previous = ReaderEvents.chain(previous, "r-lobby", fields, READER_KEY.getPrivate());
            events.add(previous);
        }
        return events;
    }

    private static ReaderEvent with(ReaderEvent event, String detail) {
        return new ReaderEvent(event.eventId(), event.seq(), event.time(), event.mode(), event.decision(), event.reason(),
                event.credentialId(), event.userId(), event.doorId(), event.proofIssuedAt(), detail, event.prevHash(),
                event.hash(), event.signature());
    }

    // ---- Making ----------------------------------------------------------------------------------

    @Test
    void the_first_event_has_seq_1_a_zero_prev_hash_and_an_id_of_reader_and_seq() {
        ReaderEvent first = chainOf(1).get(0);

        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.eventId()).isEqualTo("r-lobby/1");
        assertThat(first.readerId()).isEqualTo("r-lobby");
        assertThat(first.prevHash()).isEqualTo(new byte[32]);
    }

    @Test
    void each_event_links_to_the_previous_hash() {
        List<ReaderEvent> events = chainOf(3);

        assertThat(events.get(1).prevHash()).isEqualTo(events.get(0).hash());
        assertThat(events.get(2).prevHash()).isEqualTo(events.get(1).hash());
        assertThat(events).extracting(ReaderEvent::eventId).containsExactly("r-lobby/1", "r-lobby/2", "r-lobby/3");
    }

    @Test
    void the_hash_is_sha256_of_prev_hash_and_length_prefixed_fields_with_ffffffff_for_null() throws Exception {
        ReaderEvent event = ReaderEvents.chain(ChainHead.START, "r-1", onlineDeny(1234), READER_KEY.getPrivate());

        // Written out by hand from the definition, independently of the implementation.
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.write(new byte[32]);
        for (String value : new String[] {"r-1/1", "1", "1234", "online", "deny", "malformed", null, null,
                "door-lobby", null, null}) {
            field(out, value);
        }

        assertThat(event.hash()).isEqualTo(sha256(expected.toByteArray()));
    }

    @Test
    void null_and_the_empty_string_hash_differently() {
        EventFields withNull = onlineDeny(1);
        EventFields withEmpty = new EventFields(1, "online", "deny", "malformed", "", null, "door-lobby", null, null);

        assertThat(ReaderEvents.hash(new byte[32], "r/1", 1, withNull))
                .isNotEqualTo(ReaderEvents.hash(new byte[32], "r/1", 1, withEmpty));
    }

    @Test
    void the_signature_covers_the_label_and_the_hash_with_the_reader_key() {
        ReaderEvent event = chainOf(1).get(0);

        assertThat(ReaderEvents.signatureVerifies(event, READER_KEY.getPublic())).isTrue();
        assertThat(ReaderEvents.signatureVerifies(event, OTHER_KEY.getPublic())).isFalse();
    }

    @Test
    void a_chain_can_continue_from_a_head() {
        List<ReaderEvent> events = chainOf(2);
        ReaderEvent third = ReaderEvents.chain(ChainHead.of(events.get(1)), "r-lobby", onlineDeny(T0 + 9),
                READER_KEY.getPrivate());

        assertThat(third.seq()).isEqualTo(3);
        assertThat(ReaderEvents.verifyChain(List.of(third), ChainHead.of(events.get(1)), READER_KEY.getPublic())).isEmpty();
    }

    @Test
    void chaining_after_another_reader_s_event_is_refused() {
        ReaderEvent other = chainOf(1).get(0);

        assertThatThrownBy(() -> ReaderEvents.chain(other, "r-vault", onlineDeny(1), READER_KEY.getPrivate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event chain: previous event r-lobby/1 belongs to another reader than r-vault");
    }

    @Test
    void the_record_checks_event_id_mode_decision_and_lengths() {
        ReaderEvent good = chainOf(1).get(0);
        byte[] hash = good.hash();
        byte[] signature = good.signature();

        assertThatThrownBy(() -> new ReaderEvent("r-lobby/2", 1, 0, "online", "deny", null, null, null, "d", null, null,
                new byte[32], hash, signature)).hasMessage("event: expected eventId <readerId>/1, got \"r-lobby/2\"");
        assertThatThrownBy(() -> new ReaderEvent("/1", 1, 0, "online", "deny", null, null, null, "d", null, null,
                new byte[32], hash, signature)).hasMessage("event: expected eventId <readerId>/1, got \"/1\"");
        assertThatThrownBy(() -> new ReaderEvent("r/1", 1, 0, "sideways", "deny", null, null, null, "d", null, null,
                new byte[32], hash, signature)).hasMessage("event: mode must be \"online\" or \"offline\", got \"sideways\"");
        assertThatThrownBy(() -> new ReaderEvent("r/1", 1, 0, "online", "maybe", null, null, null, "d", null, null,
                new byte[32], hash, signature)).hasMessage("event: decision must be \"grant\" or \"deny\", got \"maybe\"");
        assertThatThrownBy(() -> new ReaderEvent("r/1", 1, 0, "online", "deny", null, null, null, "d", null, null,
                new byte[31], hash, signature)).hasMessage("event: prevHash must be 32 bytes, got 31");
    }

    @Test
    void arrays_are_copied_in_and_out() {
        ReaderEvent event = chainOf(1).get(0);
        byte[] hash = event.hash();
        hash[0] ^= 1;

        assertThat(event.hash()).isNotEqualTo(hash);
        assertThat(with(event, event.detail())).isEqualTo(event).hasSameHashCodeAs(event);
    }

    // ---- Verifying -------------------------------------------------------------------------------

    @Test
    void an_intact_chain_verifies() {
        assertThat(ReaderEvents.verifyChain(chainOf(5), new byte[32], READER_KEY.getPublic())).isEmpty();
        assertThat(ReaderEvents.verifyChain(List.of(), new byte[32], READER_KEY.getPublic())).isEmpty();
    }

    @Test
    void a_tail_verifies_from_the_hash_before_it() {
        List<ReaderEvent> events = chainOf(5);

        assertThat(ReaderEvents.verifyChain(events.subList(2, 5), events.get(1).hash(), READER_KEY.getPublic())).isEmpty();
    }

    @Test
    void a_removed_event_is_a_gap() {
        List<ReaderEvent> events = new ArrayList<>(chainOf(5));
        events.remove(2);

        Optional<ChainProblem> problem = ReaderEvents.verifyChain(events, new byte[32], READER_KEY.getPublic());

        assertThat(problem).contains(new ChainProblem(2, "r-lobby/4", ChainProblem.Kind.GAP,
                "expected seq 3, got 4 (1 event(s) missing)"));
    }

    @Test
    void a_run_from_zero_hash_must_start_at_seq_1() {
        List<ReaderEvent> events = chainOf(3);

        Optional<ChainProblem> problem = ReaderEvents.verifyChain(events.subList(1, 3), new byte[32], READER_KEY.getPublic());

        assertThat(problem.orElseThrow().kind()).isEqualTo(ChainProblem.Kind.GAP);
    }

    @Test
    void an_event_replaced_by_a_validly_signed_other_breaks_the_link_after_it() {
        List<ReaderEvent> events = new ArrayList<>(chainOf(4));
        // The reader's key re-signs a different event 2 after the fact: event 3 no longer links to it.
        ReaderEvent forged = ReaderEvents.chain(events.get(0), "r-lobby", offlineGrant(T0 + 99), READER_KEY.getPrivate());
        events.set(1, forged);

        ChainProblem problem = ReaderEvents.verifyChain(events, new byte[32], READER_KEY.getPublic()).orElseThrow();

        assertThat(problem.index()).isEqualTo(2);
        assertThat(problem.kind()).isEqualTo(ChainProblem.Kind.BROKEN_LINK);
        assertThat(problem.kind().code()).isEqualTo("broken_link");
    }

    @Test
    void a_changed_field_is_altered() {
        List<ReaderEvent> events = new ArrayList<>(chainOf(3));
        events.set(1, with(events.get(1), "the door was never opened"));

        ChainProblem problem = ReaderEvents.verifyChain(events, new byte[32], READER_KEY.getPublic()).orElseThrow();

        assertThat(problem.index()).isEqualTo(1);
        assertThat(problem.kind()).isEqualTo(ChainProblem.Kind.ALTERED);
        assertThat(problem.detail()).startsWith("expected hash ");
    }

    @Test
    void events_signed_by_another_key_have_a_bad_signature() {
        ChainProblem problem = ReaderEvents.verifyChain(chainOf(2), new byte[32], OTHER_KEY.getPublic()).orElseThrow();

        assertThat(problem).isEqualTo(new ChainProblem(0, "r-lobby/1", ChainProblem.Kind.BAD_SIGNATURE,
                "the signature does not verify with the reader's public key"));
    }

    @Test
    void events_of_two_readers_are_mixed_readers() {
        List<ReaderEvent> events = new ArrayList<>(chainOf(1));
        events.add(ReaderEvents.chain(ChainHead.of(events.get(0)), "r-vault", onlineDeny(T0), READER_KEY.getPrivate()));

        assertThat(ReaderEvents.verifyChain(events, new byte[32], READER_KEY.getPublic()).orElseThrow().kind())
                .isEqualTo(ChainProblem.Kind.MIXED_READERS);
    }

    // ---- Helpers ----------------------------------------------------------------------------------

    private static void field(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(0xFFFF_FFFF);
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static byte[] sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
