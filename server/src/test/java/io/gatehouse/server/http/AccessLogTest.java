package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AccessLogTest {
    @Test
    void a_duration_is_written_with_one_decimal_as_the_formatter_wrote_it() {
        assertThat(AccessLog.tenths(0f)).isEqualTo("0.0");
        assertThat(AccessLog.tenths(3.04f)).isEqualTo("3.0");
        assertThat(AccessLog.tenths(12.96f)).isEqualTo("13.0");
        assertThat(AccessLog.tenths(250_000.5f)).isEqualTo("250000.5");
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 10_000; i++) {
            float millis = (float) (random.nextDouble() * 2_000);
            // Away from a tie the two agree; at an exact .x5 both round half up.
            if (Math.abs(millis * 10 - Math.floor(millis * 10) - 0.5) > 1e-3) {
                assertThat(AccessLog.tenths(millis)).as("%s", millis)
                        .isEqualTo(String.format(Locale.ROOT, "%.1f", millis));
            }
        }
    }
}
