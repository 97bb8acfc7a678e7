package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The time a body may take: a grace period, then the minimum rate, never more than the deadline. */
class BufferedBodiesTest {
    private final BufferedBodies bodies = new BufferedBodies(path -> 65_536, Duration.ofSeconds(20),
            Duration.ofSeconds(2), 1024, 1 << 20);

    @Test
    void a_tiny_body_gets_the_grace_period_however_late_it_is_read() {
        assertThat(bodies.timeAllowedMillis(2)).isEqualTo(2_001);
    }

    @Test
    void a_larger_body_gets_the_time_its_bytes_need_at_the_minimum_rate() {
        assertThat(bodies.timeAllowedMillis(10 * 1024)).isEqualTo(12_000);
    }

    @Test
    void no_body_gets_more_than_the_deadline() {
        assertThat(bodies.timeAllowedMillis(2 * 1024 * 1024)).isEqualTo(20_000);
    }

    @Test
    void a_body_of_unknown_length_gets_the_deadline_and_its_rate_is_checked_as_it_arrives() {
        assertThat(bodies.timeAllowedMillis(-1)).isEqualTo(20_000);
    }
}
