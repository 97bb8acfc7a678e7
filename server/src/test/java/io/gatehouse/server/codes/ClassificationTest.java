package io.gatehouse.server.codes;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.geo.GeoIp;
import io.gatehouse.server.geo.NetworkPrefix;
import io.gatehouse.server.testing.CountryDatabase;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a scan keeps of its client: device class from real user agents, country, and the truncated network. */
class ClassificationTest {
    private static final UserAgents AGENTS = new UserAgents();

    @Test
    void real_user_agents_get_their_device_type_system_and_browser() {
        assertThat(AGENTS.classify(UserAgentStrings.IPHONE_SAFARI))
                .isEqualTo(new DeviceClass("phone", "iOS", "Mobile Safari"));
        assertThat(AGENTS.classify(UserAgentStrings.ANDROID_CHROME))
                .isEqualTo(new DeviceClass("phone", "Android", "Chrome Mobile"));
        assertThat(AGENTS.classify(UserAgentStrings.DESKTOP_FIREFOX))
                .isEqualTo(new DeviceClass("desktop", "Windows", "Firefox"));
        assertThat(AGENTS.classify(UserAgentStrings.GOOGLEBOT).deviceType()).isEqualTo("bot");
        assertThat(AGENTS.classify(UserAgentStrings.IPAD_SAFARI).deviceType()).isEqualTo("tablet");
        assertThat(AGENTS.classify(null)).isEqualTo(DeviceClass.UNKNOWN);
        assertThat(AGENTS.classify("curl/8.5.0").deviceType()).isEqualTo("other");
    }

    @Test
    void addresses_are_kept_only_as_their_slash_24_or_slash_48() {
        assertThat(NetworkPrefix.of("8.8.8.8")).contains("8.8.8.0/24");
        assertThat(NetworkPrefix.of("203.0.113.77")).contains("203.0.113.0/24");
        assertThat(NetworkPrefix.of("2001:4860:4860::8888")).contains("2001:4860:4860::/48");
        assertThat(NetworkPrefix.of("2001:db8:abcd:12:1:2:3:4")).contains("2001:db8:abcd::/48");
        assertThat(NetworkPrefix.of("::ffff:192.0.2.9")).contains("192.0.2.0/24");
        assertThat(NetworkPrefix.of("example.com")).isEmpty();
        assertThat(NetworkPrefix.of(null)).isEmpty();
    }

    @Test
    void the_free_country_database_gives_countries_in_its_own_layout() {
        try (GeoIp geo = GeoIp.open(Optional.of(CountryDatabase.require()))) {
            assertThat(geo.enabled()).isTrue();
            // Expectations read from the database itself (its records are {country_code: "US"}).
            assertThat(geo.country("8.8.8.8")).contains("US");
            assertThat(geo.country("1.1.1.1")).contains("AU");
            assertThat(geo.country("81.2.69.160")).contains("GB");
            assertThat(geo.country("2001:4860:4860::8888")).contains("US");
            assertThat(geo.country("10.0.0.1")).isEmpty();
            assertThat(geo.country("not an address")).isEmpty();
        }
    }

    @Test
    void without_a_database_no_country_is_known() {
        try (GeoIp geo = GeoIp.open(Optional.empty())) {
            assertThat(geo.enabled()).isFalse();
            assertThat(geo.country("8.8.8.8")).isEmpty();
        }
    }
}
