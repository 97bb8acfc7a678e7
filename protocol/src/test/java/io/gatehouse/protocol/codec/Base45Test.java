package io.gatehouse.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base45Test {

    @Nested
    class Rfc9285Examples {

        /** RFC 9285 §4.3 encoding examples. */
        @ParameterizedTest(name = "\"{0}\" encodes to \"{1}\"")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "AB       | BB8",
            "Hello!!  | `%69 VD92EX0`",
            "base-45  | UJCLQE7W581",
            "ietf!    | QED8WEX0",
        })
        void encodes_the_rfc_examples(String plain, String encoded) {
            assertThat(Base45.encode(plain.getBytes(StandardCharsets.US_ASCII))).isEqualTo(encoded);
        }

        /** RFC 9285 §4.4 decoding example, plus the §4.3 examples read backwards. */
        @ParameterizedTest(name = "\"{1}\" decodes to \"{0}\"")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "ietf!    | QED8WEX0",
            "AB       | BB8",
            "Hello!!  | `%69 VD92EX0`",
            "base-45  | UJCLQE7W581",
        })
        void decodes_the_rfc_examples(String plain, String encoded) {
            assertThat(new String(Base45.decode(encoded), StandardCharsets.US_ASCII)).isEqualTo(plain);
        }

        /** RFC 9285 §6: "GGW" is 16 + 16 * 45 + 32 * 2025 = 65536, one above the largest pair of bytes. */
        @Test
        void rejects_a_triple_above_65535() {
            assertThatThrownBy(() -> Base45.decode("GGW"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'GGW' at position 0")
                    .hasMessageContaining("value 65536 exceeds the maximum 65535");
        }

        @Test
        void accepts_the_largest_triple() {
            // 65535 = 15 + 16 * 45 + 32 * 2025 -> "FGW", one below "GGW"
            assertThat(Base45.decode("FGW")).containsExactly(0xFF, 0xFF);
            assertThat(Base45.encode(new byte[] {(byte) 0xFF, (byte) 0xFF})).isEqualTo("FGW");
        }
    }

    @Nested
    class InvalidInput {

        @Test
        void rejects_a_final_pair_above_255() {
            // "GG" = 16 + 16 * 45 = 736
            assertThatThrownBy(() -> Base45.decode("GG"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'GG' at position 0")
                    .hasMessageContaining("value 736 exceeds the maximum 255");
        }

        @Test
        void reports_the_position_of_an_out_of_range_final_pair() {
            assertThatThrownBy(() -> Base45.decode("BB8GG"))
                    .hasMessageContaining("at position 3");
        }

        @Test
        void accepts_the_largest_final_pair() {
            // 255 = 30 + 5 * 45 -> "U5"
            assertThat(Base45.decode("U5")).containsExactly(0xFF);
        }

        @ParameterizedTest(name = "length {0}")
        @ValueSource(ints = {1, 4, 7, 142})
        void rejects_lengths_of_the_form_3k_plus_1(int length) {
            assertThatThrownBy(() -> Base45.decode("0".repeat(length)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid Base45 length " + length);
        }

        @ParameterizedTest(name = "\"{0}\" rejected at position {1}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "qed8WEX0   | 0",  // lower case is not Base45 (the QR alphanumeric mode has none)
            "QED8wEX0   | 4",
            "QED8WEX_   | 7",
            "`QED8WEX=` | 7",
            "QED8WEXé   | 7",
        })
        void rejects_characters_outside_the_alphabet_with_their_position(String text, int position) {
            assertThatThrownBy(() -> Base45.decode(text))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid Base45 character")
                    .hasMessageContaining("at position " + position);
        }

        @Test
        void names_control_characters_by_code_point() {
            assertThatThrownBy(() -> Base45.decode("QED8WEX\n"))
                    .hasMessageContaining("U+000A at position 7");
        }

        @Test
        void rejects_null() {
            assertThatNullPointerException().isThrownBy(() -> Base45.decode(null));
            assertThatNullPointerException().isThrownBy(() -> Base45.encode(null));
        }
    }

    @Nested
    class RoundTrip {

        @Test
        void empty_input_gives_empty_output() {
            assertThat(Base45.encode(new byte[0])).isEmpty();
            assertThat(Base45.decode("")).isEmpty();
        }

        @Test
        void space_is_a_digit_not_whitespace() {
            // A single byte 0x24 is 36 + 0 * 45 -> " 0"; a leading space must survive.
            assertThat(Base45.encode(new byte[] {36})).isEqualTo(" 0");
            assertThat(Base45.decode(" 0")).containsExactly(36);
        }

        static Stream<Arguments> seeds() {
            return Stream.of(1L, 2L, 3L, 45L, 2025L, 65535L).map(Arguments::of);
        }

        /** Seeded random round trips over lengths 0..200; every length class (even, odd) is exercised. */
        @ParameterizedTest(name = "seed {0}")
        @MethodSource("seeds")
        void decode_inverts_encode(long seed) {
            Random random = new Random(seed);
            for (int length = 0; length <= 200; length++) {
                byte[] data = new byte[length];
                random.nextBytes(data);
                String text = Base45.encode(data);
                assertThat(text).hasSize(Base45.encodedLength(length));
                assertThat(text.chars()).allMatch(c -> Base45.ALPHABET.indexOf(c) >= 0);
                assertThat(Base45.decode(text)).isEqualTo(data);
            }
        }

        @Test
        void ninety_five_bytes_take_143_characters() {
            assertThat(Base45.encodedLength(95)).isEqualTo(143);
        }
    }
}
