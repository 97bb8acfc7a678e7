package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.EventFields;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable, hash-chained event queue: appends, crash recovery, acknowledgements, compaction. */
class EventQueueTest {

    private static final KeyPair KEY = PublicKeys.generateP256(new SecureRandom());

    @TempDir
    Path directory;

    private final StringWriter err = new StringWriter();
    private final Diagnostics diagnostics = new Diagnostics(new PrintWriter(err, true),
            new MutableClock(Instant.parse("2026-03-02T09:00:00Z")));

    private Path events() {
        return directory.resolve("events.jsonl");
    }

    private EventQueue open() {
        return EventQueue.open(events(), directory.resolve("events.acked"), diagnostics);
    }

    private static EventFields deny(long time, String detail) {
        return new EventFields(time, "offline", "deny", "no_bundle", null, null, "door-1", null, detail);
    }

    private static void append(EventQueue queue, int count) {
        for (int i = 0; i < count; i++) {
            queue.append("r-1", deny(1000 + i, "scan " + i), KEY.getPrivate());
        }
    }

    @Test
    void appended_events_are_on_disk_one_json_line_each_and_survive_a_reopen() throws Exception {
        try (EventQueue queue = open()) {
            append(queue, 3);
        }
        List<String> lines = Files.readAllLines(events());
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("{\"eventId\":\"r-1/1\",\"seq\":1,");

        try (EventQueue queue = open()) {
            assertThat(queue.head().seq()).isEqualTo(3);
            assertThat(queue.pendingCount()).isEqualTo(3);
            assertThat(queue.readerIdInFile()).contains("r-1");
            ReaderEvent fourth = queue.append("r-1", deny(2000, "after"), KEY.getPrivate());
            assertThat(fourth.seq()).isEqualTo(4);
            assertThat(ReaderEvents.verifyChain(queue.readFile(), ChainHead.START, KEY.getPublic())).isEmpty();
        }
    }

    @Test
    void a_line_cut_mid_way_by_a_crash_is_dropped_with_a_warning_and_the_chain_continues() throws Exception {
        try (EventQueue queue = open()) {
            append(queue, 3);
        }
        byte[] bytes = Files.readAllBytes(events());
        int cut = bytes.length - 25;
        Files.write(events(), Arrays.copyOf(bytes, cut));

        try (EventQueue queue = open()) {
            assertThat(queue.head().seq()).isEqualTo(2);
            assertThat(err.toString()).contains("\"event\":\"queue_torn_line_dropped\"").contains("\"line\":3")
                    .contains("\"continuesAfterSeq\":2");
            assertThat(queue.append("r-1", deny(3000, "again"), KEY.getPrivate()).seq()).isEqualTo(3);
            List<ReaderEvent> file = queue.readFile();
            assertThat(file).hasSize(3);
            assertThat(ReaderEvents.verifyChain(file, ChainHead.START, KEY.getPublic())).isEmpty();
        }
    }

    @Test
    void every_cut_inside_the_last_line_leaves_the_events_before_it() throws Exception {
        try (EventQueue queue = open()) {
            append(queue, 2);
        }
        byte[] bytes = Files.readAllBytes(events());
        int secondStart = new String(bytes, StandardCharsets.UTF_8).indexOf('\n') + 1;
        for (int cut = secondStart; cut < bytes.length; cut++) {
            Files.write(events(), Arrays.copyOf(bytes, cut));
            try (EventQueue queue = open()) {
                assertThat(queue.head().seq()).as("cut at %d", cut).isEqualTo(1);
            }
            assertThat(Files.size(events())).isEqualTo(secondStart);
        }
    }

    @Test
    void a_complete_last_line_whose_hash_does_not_match_is_dropped_too() throws Exception {
        try (EventQueue queue = open()) {
            append(queue, 2);
        }
        String text = Files.readString(events());
        Files.writeString(events(), text.replace("\"detail\":\"scan 1\"", "\"detail\":\"scan X\""));

        try (EventQueue queue = open()) {
            assertThat(queue.head().seq()).isEqualTo(1);
            assertThat(err.toString()).contains("the hash does not match the recorded fields");
        }
    }

    @Test
    void damage_before_the_last_line_is_refused_rather_than_silently_lost() throws Exception {
        try (EventQueue queue = open()) {
            append(queue, 3);
        }
        String text = Files.readString(events());
        Files.writeString(events(), text.replace("\"detail\":\"scan 1\"", "\"detail\":\"scan X\""));

        assertThatThrownBy(this::open).isInstanceOf(ReaderException.class)
                .hasMessageContaining("line 2: the hash does not match the recorded fields")
                .satisfies(e -> assertThat(((ReaderException) e).code()).isEqualTo("queue_corrupt"));
    }

    @Test
    void a_removed_line_in_the_middle_is_refused() throws Exception {
        try (EventQueue queue = open()) {
            append(queue, 3);
        }
        List<String> lines = Files.readAllLines(events());
        Files.writeString(events(), lines.get(0) + "\n" + lines.get(2) + "\n");

        assertThatThrownBy(this::open).isInstanceOf(ReaderException.class).hasMessageContaining("line 2: expected seq 2, got 3");
    }

    @Test
    void acknowledged_events_are_no_longer_pending_and_the_cursor_survives() throws Exception {
        try (EventQueue queue = open()) {
            append(queue, 5);
            queue.acknowledge(3);
            assertThat(queue.pending(10)).extracting(ReaderEvent::seq).containsExactly(4L, 5L);
            queue.acknowledge(2); // older acknowledgements change nothing
            assertThat(queue.ackedSeq()).isEqualTo(3);
        }
        assertThat(Files.readString(directory.resolve("events.acked"))).isEqualTo("3\n");
        try (EventQueue queue = open()) {
            assertThat(queue.ackedSeq()).isEqualTo(3);
            assertThat(queue.pending(1)).extracting(ReaderEvent::seq).containsExactly(4L);
        }
    }

    @Test
    void a_long_acknowledged_history_is_compacted_on_open_keeping_the_anchor() throws Exception {
        int total = EventQueue.COMPACT_AFTER + 5;
        try (EventQueue queue = open()) {
            append(queue, total);
            queue.acknowledge(total - 2);
        }

        try (EventQueue queue = open()) {
            List<ReaderEvent> file = queue.readFile();
            assertThat(file).extracting(ReaderEvent::seq).containsExactly((long) total - 2, (long) total - 1, (long) total);
            assertThat(queue.pendingCount()).isEqualTo(2);
            assertThat(queue.append("r-1", deny(9, "next"), KEY.getPrivate()).seq()).isEqualTo(total + 1);
            assertThat(err.toString()).contains("queue_compacted");
        }
        try (EventQueue queue = open()) {
            List<ReaderEvent> file = queue.readFile();
            assertThat(ReaderEvents.verifyChain(file.subList(1, file.size()), ChainHead.of(file.get(0)), KEY.getPublic())).isEmpty();
        }
    }
}
