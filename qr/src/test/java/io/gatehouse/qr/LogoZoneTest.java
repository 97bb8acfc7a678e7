package io.gatehouse.qr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogoZoneTest {

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {2, 3, 5, 7, 10, 15, 25, 40})
    void the_zone_is_centred_odd_within_15_percent_and_clear_of_the_function_bands(int version) {
        int size = 17 + 4 * version;

        LogoZone zone = LogoZone.of(size, LogoZone.MAX_AREA_FRACTION).orElseThrow();

        assertThat(zone.side() % 2).isEqualTo(1);
        assertThat(zone.first() * 2 + zone.side()).as("centred").isEqualTo(size);
        assertThat(zone.areaFraction(size)).isLessThanOrEqualTo(0.15);
        assertThat(zone.first()).as("finders, separators, format information").isGreaterThanOrEqualTo(9);
        // The largest such zone: two modules more would break one of the rules.
        int larger = zone.side() + 2;
        assertThat((double) larger * larger / (size * size) > 0.15 || larger > size - 18).isTrue();
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1})
    void version_1_has_no_room_for_a_logo(int version) {
        assertThat(LogoZone.of(17 + 4 * version, LogoZone.MAX_AREA_FRACTION)).isEmpty();
    }
}
