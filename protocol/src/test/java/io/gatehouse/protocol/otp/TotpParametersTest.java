package io.gatehouse.protocol.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpParametersTest {

    @Test
    void default_is_sha1_six_digits_thirty_seconds() {
        assertThat(TotpParameters.DEFAULT).isEqualTo(new TotpParameters(OtpAlgorithm.SHA1, 6, 30));
    }

    @ParameterizedTest(name = "digits {0}, period {1}")
    @CsvSource({"6,1", "7,30", "8,300"})
    void accepts_the_edges_of_the_ranges(int digits, int period) {
        TotpParameters params = new TotpParameters(OtpAlgorithm.SHA256, digits, period);
        assertThat(params.digits()).isEqualTo(digits);
        assertThat(params.periodSeconds()).isEqualTo(period);
    }

    @ParameterizedTest(name = "digits {0}")
    @ValueSource(ints = {Integer.MIN_VALUE, 0, 5, 9, 10})
    void rejects_digits_outside_6_to_8(int digits) {
        assertThatThrownBy(() -> new TotpParameters(OtpAlgorithm.SHA1, digits, 30))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OTP digits: expected 6..8, got " + digits);
    }

    @ParameterizedTest(name = "period {0}")
    @ValueSource(ints = {Integer.MIN_VALUE, -30, 0, 301, Integer.MAX_VALUE})
    void rejects_periods_outside_1_to_300(int period) {
        assertThatThrownBy(() -> new TotpParameters(OtpAlgorithm.SHA1, 6, period))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TOTP period: expected 1..300 seconds, got " + period);
    }

    @Test
    void rejects_a_null_algorithm() {
        assertThatThrownBy(() -> new TotpParameters(null, 6, 30)).isInstanceOf(NullPointerException.class);
    }
}
