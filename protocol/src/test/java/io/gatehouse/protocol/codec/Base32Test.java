package io.gatehouse.protocol.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Base32Test {

    /** RFC 4648 §10, BASE32 column, as printed there (with padding). */
    static Stream<Arguments> rfc4648Vectors() {
        return Stream.of(
                Arguments.of("", ""),
                Arguments.of("f", "MY======"),
                Arguments.of("fo", "MZXQ===="),
                Arguments.of("foo", "MZXW6==="),
                Arguments.of("foob", "MZXW6YQ="),
                Arguments.of("fooba", "MZXW6YTB"),
                Arguments.of("foobar", "MZXW6YTBOI======"));
    }

    @ParameterizedTest(name = "\"{0}\" <-> {1}")
    @MethodSource("rfc4648Vectors")
    void rfc4648_section_10_vectors_encode_without_padding(String plain, String padded) {
        assertThat(Base32.encode(plain.getBytes(US_ASCII))).isEqualTo(padded.replace("=", ""));
    }

    @ParameterizedTest(name = "\"{0}\" <-> {1}")
    @MethodSource("rfc4648Vectors")
    void rfc4648_section_10_vectors_decode_with_or_without_padding(String plain, String padded) {
        assertThat(Base32.decode(padded)).isEqualTo(plain.getBytes(US_ASCII));
        assertThat(Base32.decode(padded.replace("=", ""))).isEqualTo(plain.getBytes(US_ASCII));
    }

    @ParameterizedTest(name = "\"{0}\" <-> {1}")
    @MethodSource("rfc4648Vectors")
    void rfc4648_section_10_vectors_decode_in_lower_case(String plain, String padded) {
        assertThat(Base32.decode(padded.toLowerCase())).isEqualTo(plain.getBytes(US_ASCII));
    }

    @Test
    void decodes_the_key_uri_format_example_secret() {
        assertThat(Base32.decode("JBSWY3DPEHPK3PXP"))
                .isEqualTo(new byte[] {'H', 'e', 'l', 'l', 'o', '!', (byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF});
    }

    @Test
    void ignores_spaces_that_people_type_between_groups() {
        assertThat(Base32.decode(" mzxw 6ytb oi ")).isEqualTo("foobar".getBytes(US_ASCII));
        assertThat(Base32.decode("MZXW6YTBOI== ====")).isEqualTo("foobar".getBytes(US_ASCII));
    }

    @Test
    void accepts_non_zero_leftover_bits_so_random_character_keys_decode() {
        // "MY" is canonical for "f"; "MZ" differs only in the 2 bits that do not make a byte.
        assertThat(Base32.decode("MZ")).isEqualTo("f".getBytes(US_ASCII));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("badCharacters")
    void rejects_characters_outside_the_alphabet_naming_character_and_index(String text, String expectedFragment) {
        assertThatThrownBy(() -> Base32.decode(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expectedFragment);
    }

    static Stream<Arguments> badCharacters() {
        return Stream.of(
                Arguments.of("MZXW1YTB", "got '1' at index 4"),
                Arguments.of("0ZXW6YTB", "got '0' at index 0"),
                Arguments.of("MZXW6YT8", "got '8' at index 7"),
                Arguments.of("MZ-W6YTB", "got '-' at index 2"),
                Arguments.of("MZXW6YTB\n", "got U+000A at index 8"),
                Arguments.of("MZXW6YTÉ", "got U+00C9 at index 7"),
                Arguments.of("MY======MY", "expected only '=' or spaces after padding, got 'M' at index 8"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"M", "MZX", "MZXW6Y", "MZXW6YTBO"})
    void rejects_symbol_counts_that_no_byte_string_encodes_to(String text) {
        assertThatThrownBy(() -> Base32.decode(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode whole bytes");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"MY=", "MY=======", "MZXW6YQ=="})
    void rejects_padding_that_does_not_complete_a_group(String text) {
        assertThatThrownBy(() -> Base32.decode(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 8");
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 25);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void round_trips_random_bytes(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[random.nextInt(0, 70)];
        random.nextBytes(data);

        String encoded = Base32.encode(data);

        assertThat(encoded).matches("[A-Z2-7]*").hasSize((data.length * 8 + 4) / 5);
        assertThat(Base32.decode(encoded)).isEqualTo(data);
    }

    @Test
    void rejects_null() {
        assertThatThrownBy(() -> Base32.encode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Base32.decode(null)).isInstanceOf(NullPointerException.class);
    }
}
