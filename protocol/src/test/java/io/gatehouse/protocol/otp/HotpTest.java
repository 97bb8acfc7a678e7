package io.gatehouse.protocol.otp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HotpTest {

    private static final byte[] RFC4226_SECRET = "12345678901234567890".getBytes(US_ASCII);

    @ParameterizedTest(name = "counter {0} -> {1}")
    @CsvSource({
        "0, 755224",
        "1, 287082",
        "2, 359152",
        "3, 969429",
        "4, 338314",
        "5, 254676",
        "6, 287922",
        "7, 162583",
        "8, 399871",
        "9, 520489",
    })
    void rfc4226_appendix_d_vectors(long counter, String expected) {
        Hotp hotp = new Hotp(OtpAlgorithm.SHA1, RFC4226_SECRET, 6);

        assertThat(Hotp.format(hotp.codeAt(counter), 6)).isEqualTo(expected);
        assertThat(Hotp.format(Hotp.generate(OtpAlgorithm.SHA1, RFC4226_SECRET, counter, 6), 6)).isEqualTo(expected);
    }

    @Test
    void one_instance_reproduces_all_appendix_d_vectors_in_sequence() {
        Hotp hotp = new Hotp(OtpAlgorithm.SHA1, RFC4226_SECRET, 6);
        int[] expected = {755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489};
        for (int counter = 0; counter < expected.length; counter++) {
            assertThat(hotp.codeAt(counter)).as("counter %d", counter).isEqualTo(expected[counter]);
        }
    }

    /** Cross-checked with {@code oathtool --hotp -c 18446744073709551615} and {@code -c 9223372036854775808}. */
    @Test
    void counter_is_read_as_an_unsigned_64_bit_value() {
        Hotp hotp = new Hotp(OtpAlgorithm.SHA1, RFC4226_SECRET, 6);

        assertThat(hotp.codeAt(-1L)).isEqualTo(94451);
        assertThat(hotp.codeAt(Long.MIN_VALUE)).isEqualTo(959616);
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 30);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void a_reused_instance_agrees_with_fresh_instances(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OtpAlgorithm algorithm = OtpAlgorithm.values()[random.nextInt(OtpAlgorithm.values().length)];
        byte[] key = new byte[random.nextInt(1, 130)];
        random.nextBytes(key);
        int digits = random.nextInt(Hotp.MIN_DIGITS, Hotp.MAX_DIGITS + 1);
        Hotp reused = new Hotp(algorithm, key, digits);

        for (int i = 0; i < 20; i++) {
            long counter = random.nextLong();
            int code = reused.codeAt(counter);
            assertThat(code).isEqualTo(Hotp.generate(algorithm, key, counter, digits)).isBetween(0, 99_999_999);
        }
    }

    @Test
    void the_key_is_copied_so_the_caller_may_wipe_it() {
        byte[] key = RFC4226_SECRET.clone();
        Hotp hotp = new Hotp(OtpAlgorithm.SHA1, key, 6);
        java.util.Arrays.fill(key, (byte) 0);

        assertThat(hotp.codeAt(0)).isEqualTo(755224);
    }

    @ParameterizedTest(name = "{0} with {1} digits -> {2}")
    @CsvSource({
        "0, 6, 000000",
        "38755, 6, 038755",
        "999999, 6, 999999",
        "1, 7, 0000001",
        "0, 8, 00000000",
        "7081804, 8, 07081804",
        "99999999, 8, 99999999",
    })
    void format_left_pads_with_zeros(int code, int digits, String expected) {
        assertThat(Hotp.format(code, digits)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} with {1} digits")
    @CsvSource({"-1, 6", "1000000, 6", "100000000, 8", "-2147483648, 8"})
    void format_rejects_codes_that_do_not_fit(int code, int digits) {
        assertThatThrownBy(() -> Hotp.format(code, digits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for " + digits + " digits, got " + code);
    }

    @ParameterizedTest(name = "{0} digits")
    @ValueSource(ints = {5, 9})
    void rejects_digits_outside_6_to_8(int digits) {
        assertThatThrownBy(() -> new Hotp(OtpAlgorithm.SHA1, RFC4226_SECRET, digits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("OTP digits: expected 6..8, got " + digits);
        assertThatThrownBy(() -> Hotp.format(0, digits)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejects_an_empty_key() {
        assertThatThrownBy(() -> new Hotp(OtpAlgorithm.SHA1, new byte[0], 6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HOTP key: expected at least 1 byte, got 0");
    }

    @Test
    void rejects_nulls() {
        assertThatThrownBy(() -> new Hotp(null, RFC4226_SECRET, 6)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Hotp(OtpAlgorithm.SHA1, null, 6)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void to_string_shows_settings_but_not_the_key() {
        Hotp hotp = new Hotp(OtpAlgorithm.SHA256, RFC4226_SECRET, 8);

        assertThat(hotp).hasToString("Hotp[SHA256, 8 digits]");
        assertThat(hotp.algorithm()).isEqualTo(OtpAlgorithm.SHA256);
        assertThat(hotp.digits()).isEqualTo(8);
    }
}
