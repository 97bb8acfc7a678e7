package io.gatehouse.protocol.otp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.crypto.Mac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class OtpAlgorithmTest {

    @ParameterizedTest(name = "{0}: {1} / {2}")
    @CsvSource({"SHA1,HmacSHA1,SHA1", "SHA256,HmacSHA256,SHA256", "SHA512,HmacSHA512,SHA512"})
    void names_match_jca_and_key_uri_format(OtpAlgorithm algorithm, String macName, String uriName) {
        assertThat(algorithm.macName()).isEqualTo(macName);
        assertThat(algorithm.uriName()).isEqualTo(uriName);
    }

    @ParameterizedTest
    @EnumSource(OtpAlgorithm.class)
    void every_mac_name_is_available_from_the_jdk(OtpAlgorithm algorithm) throws Exception {
        assertThat(Mac.getInstance(algorithm.macName())).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(OtpAlgorithm.class)
    void parse_accepts_the_uri_name_in_any_case(OtpAlgorithm algorithm) {
        assertThat(OtpAlgorithm.parse(algorithm.uriName())).isEqualTo(algorithm);
        assertThat(OtpAlgorithm.parse(algorithm.uriName().toLowerCase())).isEqualTo(algorithm);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "MD5", "SHA-1", "HmacSHA1", " SHA1"})
    void parse_rejects_other_names_listing_the_accepted_ones(String name) {
        assertThatThrownBy(() -> OtpAlgorithm.parse(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected one of SHA1, SHA256, SHA512")
                .hasMessageContaining("got \"" + name + "\"");
    }

    @Test
    void parse_rejects_null() {
        assertThatThrownBy(() -> OtpAlgorithm.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
