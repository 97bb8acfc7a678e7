package io.gatehouse.server.totp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.config.ConfigException;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.common.ClientInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lockout settings as configured, the backoff of one source, and what counts as one source. */
class LockoutSettingsTest {
    @TempDir
    Path data;

    private Lockout load(Map<String, String> environment) {
        return Lockout.of(ConfigLoader.load(environment, Map.of("data", data.toString())));
    }

    @Test
    void defaults_give_ten_per_user_window_five_per_source_and_a_one_hour_cap() {
        assertThat(load(Map.of())).isEqualTo(new Lockout(10, Duration.ofSeconds(300), 5, Duration.ofHours(1)));
    }

    @Test
    void derived_defaults_follow_the_user_settings() {
        Lockout lockout = load(Map.of("GATEHOUSE_LOCKOUT_THRESHOLD", "3", "GATEHOUSE_LOCKOUT_DURATION_SECONDS",
                "7200"));
        assertThat(lockout.sourceThreshold()).isEqualTo(1);
        assertThat(lockout.sourceMaxLock()).as("never shorter than the first lock").isEqualTo(Duration.ofHours(2));
    }

    @Test
    void a_source_threshold_that_lets_one_source_fill_the_users_window_is_refused() {
        assertThatThrownBy(() -> load(Map.of("GATEHOUSE_LOCKOUT_SOURCE_THRESHOLD", "10")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lockout.source-threshold: expected a whole number from 1 to 9")
                .hasMessageContaining("got '10'");
    }

    @Test
    void a_source_cap_below_the_first_lock_is_refused() {
        Map<String, String> environment = new HashMap<>();
        environment.put("GATEHOUSE_LOCKOUT_DURATION_SECONDS", "600");
        environment.put("GATEHOUSE_LOCKOUT_SOURCE_MAX_DURATION_SECONDS", "599");
        assertThatThrownBy(() -> load(environment)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("lockout.source-max-duration-seconds: expected a whole number from 600 to"
                        + " 604800");
    }

    @Test
    void each_lock_of_one_source_doubles_up_to_the_cap() {
        Lockout lockout = new Lockout(10, Duration.ofSeconds(300), 5, Duration.ofSeconds(3600));
        assertThat(lockout.sourceLock(1)).isEqualTo(Duration.ofSeconds(300));
        assertThat(lockout.sourceLock(2)).isEqualTo(Duration.ofSeconds(600));
        assertThat(lockout.sourceLock(4)).isEqualTo(Duration.ofSeconds(2400));
        assertThat(lockout.sourceLock(5)).isEqualTo(Duration.ofSeconds(3600));
        assertThat(lockout.sourceLock(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(3600));
    }

    @Test
    void a_source_is_the_token_and_the_address_with_ipv6_counted_by_its_64_bit_prefix() {
        assertThat(Source.of("token:a", new ClientInfo("192.0.2.7", "x")).key()).isEqualTo("token:a 192.0.2.7");
        assertThat(Source.of("token:a", new ClientInfo("192.0.2.7", "x")))
                .isNotEqualTo(Source.of("token:b", new ClientInfo("192.0.2.7", "x")))
                .isNotEqualTo(Source.of("token:a", new ClientInfo("192.0.2.8", "x")));
        Source one = Source.of("token:a", new ClientInfo("2001:db8:1:2::5", null));
        assertThat(one.key()).isEqualTo("token:a 2001:db8:1:2:0:0:0:0/64");
        assertThat(Source.of("token:a", new ClientInfo("2001:0db8:0001:0002:ffff:ffff:ffff:ffff", null)))
                .isEqualTo(one);
        assertThat(Source.of("token:a", new ClientInfo("2001:db8:1:3::5", null))).isNotEqualTo(one);
        assertThat(Source.of("token:a", new ClientInfo("::ffff:192.0.2.7", null)).key())
                .as("an IPv4-mapped address is its IPv4 address").isEqualTo("token:a 192.0.2.7");
        assertThat(Source.of("token:a", new ClientInfo(null, null)).key()).isEqualTo("token:a unknown");
        assertThat(Source.of("token:a", new ClientInfo("proxy:name", null)).key())
                .as("anything but an address literal is taken as it is, never looked up")
                .isEqualTo("token:a proxy:name");
    }
}
