package io.gatehouse.protocol.otp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TotpTest {

    private static final byte[] SEED_SHA1 = "12345678901234567890".getBytes(US_ASCII);
    private static final byte[] SEED_SHA256 = "12345678901234567890123456789012".getBytes(US_ASCII);
    private static final byte[] SEED_SHA512 =
            "1234567890123456789012345678901234567890123456789012345678901234".getBytes(US_ASCII);

    private static byte[] rfc6238Seed(OtpAlgorithm algorithm) {
        return switch (algorithm) {
            case SHA1 -> SEED_SHA1;
            case SHA256 -> SEED_SHA256;
            case SHA512 -> SEED_SHA512;
        };
    }

    /** RFC 6238 Appendix B, all 18 rows (also reproduced with {@code oathtool --totp=ALG -d 8 -N @TIME}). */
    @ParameterizedTest(name = "{0} at {1}: T={2} -> {3}")
    @CsvSource({
        "SHA1,   59,          0000000000000001, 94287082",
        "SHA256, 59,          0000000000000001, 46119246",
        "SHA512, 59,          0000000000000001, 90693936",
        "SHA1,   1111111109,  00000000023523EC, 07081804",
        "SHA256, 1111111109,  00000000023523EC, 68084774",
        "SHA512, 1111111109,  00000000023523EC, 25091201",
        "SHA1,   1111111111,  00000000023523ED, 14050471",
        "SHA256, 1111111111,  00000000023523ED, 67062674",
        "SHA512, 1111111111,  00000000023523ED, 99943326",
        "SHA1,   1234567890,  000000000273EF07, 89005924",
        "SHA256, 1234567890,  000000000273EF07, 91819424",
        "SHA512, 1234567890,  000000000273EF07, 93441116",
        "SHA1,   2000000000,  0000000003F940AA, 69279037",
        "SHA256, 2000000000,  0000000003F940AA, 90698825",
        "SHA512, 2000000000,  0000000003F940AA, 38618901",
        "SHA1,   20000000000, 0000000027BC86AA, 65353130",
        "SHA256, 20000000000, 0000000027BC86AA, 77737706",
        "SHA512, 20000000000, 0000000027BC86AA, 47863826",
    })
    void rfc6238_appendix_b_vectors(OtpAlgorithm algorithm, long time, String stepHex, String expected) {
        Totp totp = new Totp(new TotpParameters(algorithm, 8, 30), rfc6238Seed(algorithm));

        assertThat(totp.stepAt(time)).isEqualTo(Long.parseLong(stepHex, 16));
        assertThat(totp.codeAt(time)).isEqualTo(expected);
        assertThat(totp.match(expected, time, 0, 0)).hasValue(Long.parseLong(stepHex, 16));
    }

    @ParameterizedTest(name = "{0}s with period {1} -> step {2}")
    @CsvSource({"0,30,0", "29,30,0", "30,30,1", "59,30,1", "60,30,2", "-1,30,-1", "-30,30,-1", "-31,30,-2", "7,1,7", "299,300,0"})
    void step_is_the_floor_of_time_over_period(long epochSecond, int period, long expectedStep) {
        Totp totp = new Totp(new TotpParameters(OtpAlgorithm.SHA1, 6, period), SEED_SHA1);

        assertThat(totp.stepAt(epochSecond)).isEqualTo(expectedStep);
    }

    @Test
    void code_at_rejects_times_before_the_epoch() {
        Totp totp = new Totp(TotpParameters.DEFAULT, SEED_SHA1);

        assertThatThrownBy(() -> totp.codeAt(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TOTP time: expected epoch seconds >= 0, got -1");
    }

    @Test
    void the_key_is_copied_so_the_caller_may_wipe_it() {
        byte[] key = SEED_SHA1.clone();
        Totp totp = new Totp(new TotpParameters(OtpAlgorithm.SHA1, 8, 30), key);
        java.util.Arrays.fill(key, (byte) 0);

        assertThat(totp.codeAt(59)).isEqualTo("94287082");
    }

    @Test
    void to_string_shows_parameters_but_not_the_key() {
        Totp totp = new Totp(TotpParameters.DEFAULT, SEED_SHA1);

        assertThat(totp).hasToString("Totp[" + TotpParameters.DEFAULT + "]");
        assertThat(totp.parameters()).isEqualTo(TotpParameters.DEFAULT);
    }

    @Nested
    class Match {

        /** 10 s into step 33 333 333, so that ±30 s stays within neighbouring steps. */
        private static final long NOW = 1_000_000_000L;
        private static final long CURRENT = 33_333_333L;

        private final Totp totp = new Totp(TotpParameters.DEFAULT, SEED_SHA1);

        @Test
        void accepts_the_current_step() {
            assertThat(totp.stepAt(NOW)).isEqualTo(CURRENT);
            assertThat(totp.match(totp.codeAt(NOW), NOW, 0, 0)).hasValue(CURRENT);
        }

        @Test
        void accepts_the_previous_step_with_look_behind_1() {
            assertThat(totp.match(totp.codeAt(NOW - 30), NOW, 1, 0)).hasValue(CURRENT - 1);
        }

        @Test
        void rejects_the_previous_step_with_look_behind_0() {
            assertThat(totp.match(totp.codeAt(NOW - 30), NOW, 0, 0)).isEmpty();
        }

        @Test
        void rejects_two_steps_back_with_look_behind_1() {
            assertThat(totp.match(totp.codeAt(NOW - 60), NOW, 1, 1)).isEmpty();
        }

        @Test
        void accepts_two_steps_back_with_look_behind_2() {
            assertThat(totp.match(totp.codeAt(NOW - 60), NOW, 2, 0)).hasValue(CURRENT - 2);
        }

        @Test
        void rejects_the_next_step_with_look_ahead_0() {
            assertThat(totp.match(totp.codeAt(NOW + 30), NOW, 1, 0)).isEmpty();
        }

        @Test
        void accepts_the_next_step_with_look_ahead_1() {
            assertThat(totp.match(totp.codeAt(NOW + 30), NOW, 0, 1)).hasValue(CURRENT + 1);
        }

        @Test
        void rejects_two_steps_ahead_with_look_ahead_1() {
            assertThat(totp.match(totp.codeAt(NOW + 60), NOW, 1, 1)).isEmpty();
        }

        @Test
        void uses_the_step_boundary_not_the_distance_in_seconds() {
            long lastSecondOfStep = CURRENT * 30 + 29;
            long firstSecondOfNext = lastSecondOfStep + 1;

            assertThat(totp.match(totp.codeAt(lastSecondOfStep), firstSecondOfNext, 0, 0)).isEmpty();
            assertThat(totp.match(totp.codeAt(lastSecondOfStep), firstSecondOfNext, 1, 0)).hasValue(CURRENT);
        }

        @ParameterizedTest(name = "\"{0}\"")
        @NullAndEmptySource
        @ValueSource(strings = {"12345", "1234567", "12345a", " 12345", "12345 ", "-12345", "+12345", "١٢٣٤٥٦", "１２３４５６"})
        void anything_but_exactly_six_ascii_digits_is_empty_without_exception(String candidate) {
            assertThat(totp.match(candidate, NOW, 1, 1)).isEmpty();
        }

        @Test
        void a_code_with_the_right_digits_but_wrong_length_never_matches() {
            String code = totp.codeAt(NOW);

            assertThat(totp.match(code + "0", NOW, 1, 1)).isEmpty();
            assertThat(totp.match("0" + code, NOW, 1, 1)).isEmpty();
            assertThat(totp.match(code.substring(1), NOW, 1, 1)).isEmpty();
        }

        @Test
        void skips_steps_below_zero() {
            String codeAtStepZero = totp.codeAt(0);

            assertThat(totp.match(codeAtStepZero, 5, 10, 0)).hasValue(0);
            assertThat(totp.match(codeAtStepZero, -1, 10, 1)).hasValue(0);
            assertThat(totp.match(codeAtStepZero, -1, 10, 0)).isEmpty();
            assertThat(totp.match(codeAtStepZero, Long.MIN_VALUE, 10, 10)).isEmpty();
        }

        @Test
        void does_not_wrap_around_at_the_end_of_time() {
            Totp perSecond = new Totp(new TotpParameters(OtpAlgorithm.SHA1, 6, 1), SEED_SHA1);
            String codeAtMax = Hotp.format(Hotp.generate(OtpAlgorithm.SHA1, SEED_SHA1, Long.MAX_VALUE, 6), 6);

            assertThat(perSecond.match(codeAtMax, Long.MAX_VALUE, 0, 10)).hasValue(Long.MAX_VALUE);
            // Long.MIN_VALUE - 1 would wrap round to Long.MAX_VALUE.
            assertThat(perSecond.match(codeAtMax, Long.MIN_VALUE, 10, 0)).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(ints = {-1, Totp.MAX_WINDOW_STEPS + 1, Integer.MIN_VALUE})
        void rejects_window_sizes_out_of_range(int steps) {
            assertThatThrownBy(() -> totp.match("123456", NOW, steps, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("TOTP lookBehindSteps: expected 0..10, got " + steps);
            assertThatThrownBy(() -> totp.match("123456", NOW, 0, steps))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("TOTP lookAheadSteps: expected 0..10, got " + steps);
        }

        static LongStream seeds() {
            return LongStream.rangeClosed(1, 20);
        }

        @ParameterizedTest(name = "seed {0}")
        @MethodSource("seeds")
        void every_step_in_a_window_is_found_and_nothing_outside(long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] key = new byte[20];
            random.nextBytes(key);
            TotpParameters params = new TotpParameters(
                    OtpAlgorithm.values()[random.nextInt(3)], random.nextInt(6, 9), random.nextInt(1, 301));
            Totp seeded = new Totp(params, key);
            long now = random.nextLong(0, 4_000_000_000L);
            int behind = random.nextInt(0, 4);
            int ahead = random.nextInt(0, 4);
            long current = seeded.stepAt(now);

            for (int offset = -behind - 1; offset <= ahead + 1; offset++) {
                String code = seeded.codeAt(now + (long) offset * params.periodSeconds());
                boolean inside = offset >= -behind && offset <= ahead;
                if (inside) {
                    assertThat(seeded.match(code, now, behind, ahead)).as("offset %d", offset).hasValue(current + offset);
                } else {
                    assertThat(seeded.match(code, now, behind, ahead)).as("offset %d", offset).isEmpty();
                }
            }
        }
    }

    /**
     * When two steps in a window share a code. The step pairs were found by scanning the first
     * six million HOTP values of the RFC 4226 secret, and checked with {@code oathtool --hotp -c N}.
     */
    @Nested
    class MatchPreference {

        private final Totp totp = new Totp(TotpParameters.DEFAULT, SEED_SHA1);

        private long middleOf(long step) {
            return step * 30 + 15;
        }

        @Test
        void the_fixture_steps_really_share_codes() {
            assertThat(totp.codeAt(middleOf(910_737))).isEqualTo("911617").isEqualTo(totp.codeAt(middleOf(910_738)));
            assertThat(totp.codeAt(middleOf(153_567))).isEqualTo("468457").isEqualTo(totp.codeAt(middleOf(153_569)));
            assertThat(totp.codeAt(middleOf(103_424))).isEqualTo("746629").isEqualTo(totp.codeAt(middleOf(103_427)));
        }

        @Test
        void prefers_the_current_step_over_an_earlier_one() {
            assertThat(totp.match("911617", middleOf(910_738), 1, 1)).hasValue(910_738);
        }

        @Test
        void prefers_the_current_step_over_a_later_one() {
            assertThat(totp.match("911617", middleOf(910_737), 1, 1)).hasValue(910_737);
        }

        @Test
        void prefers_the_closer_of_two_earlier_steps() {
            assertThat(totp.match("911617", middleOf(910_739), 2, 0)).hasValue(910_738);
        }

        @Test
        void prefers_the_closer_of_two_later_steps() {
            assertThat(totp.match("911617", middleOf(910_736), 0, 2)).hasValue(910_737);
        }

        @Test
        void prefers_the_earlier_step_when_both_are_equally_close() {
            assertThat(totp.match("468457", middleOf(153_568), 1, 1)).hasValue(153_567);
        }

        @Test
        void prefers_a_closer_later_step_over_a_farther_earlier_one() {
            assertThat(totp.match("746629", middleOf(103_426), 2, 1)).hasValue(103_427);
        }
    }
}
