package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.CredentialId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's persisted replay cache. */
class ReplayCacheTest {

    private static final CredentialId ID = CredentialId.random(new SecureRandom());

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.ofEpochSecond(1_000_000));
    private final StringWriter err = new StringWriter();

    private ReplayCache open() {
        return ReplayCache.open(directory.resolve("replay.log"), clock, new Diagnostics(new PrintWriter(err, true), clock));
    }

    @Test
    void a_pair_is_first_used_once_and_stays_spent_across_a_restart() {
        try (ReplayCache cache = open()) {
            assertThat(cache.firstUse(ID, 42, 1_000_036)).isTrue();
            assertThat(cache.firstUse(ID, 42, 1_000_036)).isFalse();
            assertThat(cache.firstUse(ID, 43, 1_000_036)).isTrue();
        }
        try (ReplayCache cache = open()) {
            assertThat(cache.firstUse(ID, 42, 1_000_036)).isFalse();
            assertThat(cache.size()).isEqualTo(2);
        }
    }

    @Test
    void records_expire_and_are_dropped_on_open_and_on_prune() {
        try (ReplayCache cache = open()) {
            cache.firstUse(ID, 1, 1_000_010);
            cache.firstUse(ID, 2, 1_000_100);
            clock.advance(Duration.ofSeconds(10));
            assertThat(cache.prune()).isEqualTo(1);
            assertThat(cache.firstUse(ID, 1, 1_000_050)).isTrue(); // expired, so usable again (freshness refuses it anyway)
        }
        clock.advance(Duration.ofSeconds(200));
        try (ReplayCache cache = open()) {
            assertThat(cache.size()).isZero();
        }
    }

    @Test
    void a_remembered_online_proof_is_spent_for_offline_use() {
        try (ReplayCache cache = open()) {
            cache.remember(ID, 7, 1_000_036);
            assertThat(cache.firstUse(ID, 7, 1_000_036)).isFalse();
        }
    }

    @Test
    void a_torn_last_line_is_dropped_with_a_warning() throws Exception {
        try (ReplayCache cache = open()) {
            cache.firstUse(ID, 1, 1_000_036);
        }
        Files.writeString(directory.resolve("replay.log"), ID + " 00000000000000", StandardOpenOption.APPEND);

        try (ReplayCache cache = open()) {
            assertThat(cache.size()).isEqualTo(1);
            assertThat(cache.firstUse(ID, 2, 1_000_036)).isTrue();
        }
        assertThat(err.toString()).contains("replay_lines_dropped");
        assertThat(Files.readAllLines(directory.resolve("replay.log"))).hasSize(2);
    }

    @Test
    void the_file_is_rewritten_without_dead_records() throws Exception {
        try (ReplayCache cache = open()) {
            for (int i = 0; i < 3000; i++) {
                cache.firstUse(ID, i, 1_000_005);
            }
            clock.advance(Duration.ofSeconds(5));
            cache.prune();
            assertThat(Files.size(directory.resolve("replay.log"))).isZero();
        }
    }
}
