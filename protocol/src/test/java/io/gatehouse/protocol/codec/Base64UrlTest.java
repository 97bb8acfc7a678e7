package io.gatehouse.protocol.codec;

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

class Base64UrlTest {

    /** RFC 4648 §10, BASE64 column without its padding. */
    @ParameterizedTest(name = "\"{0}\" <-> {1}")
    @CsvSource({"f,Zg", "fo,Zm8", "foo,Zm9v", "foob,Zm9vYg", "fooba,Zm9vYmE", "foobar,Zm9vYmFy"})
    void rfc4648_section_10_vectors_without_padding(String plain, String encoded) {
        assertThat(Base64Url.encode(plain.getBytes(US_ASCII))).isEqualTo(encoded);
        assertThat(Base64Url.decode(encoded)).isEqualTo(plain.getBytes(US_ASCII));
    }

    @Test
    void empty_input_gives_empty_output() {
        assertThat(Base64Url.encode(new byte[0])).isEmpty();
        assertThat(Base64Url.decode("")).isEmpty();
    }

    @Test
    void uses_the_url_safe_alphabet() {
        byte[] data = {(byte) 0xFB, (byte) 0xFF, (byte) 0xBF};
        assertThat(Base64Url.encode(data)).isEqualTo("-_-_");
        assertThat(Base64Url.decode("-_-_")).isEqualTo(data);
    }

    @Test
    void decodes_padded_input_too() {
        assertThat(Base64Url.decode("Zg==")).isEqualTo("f".getBytes(US_ASCII));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"+/+/", "Zm9v YmFy", "Z", "Zg=a", "Zm9v\n"})
    void rejects_malformed_text_with_a_message_naming_the_alphabet(String text) {
        assertThatThrownBy(() -> Base64Url.decode(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("base64url: expected")
                .hasMessageContaining(text.length() + " characters");
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void round_trips_random_bytes(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] data = new byte[random.nextInt(0, 100)];
        random.nextBytes(data);

        String encoded = Base64Url.encode(data);

        assertThat(encoded).matches("[A-Za-z0-9_-]*");
        assertThat(Base64Url.decode(encoded)).isEqualTo(data);
    }

    @Test
    void rejects_null() {
        assertThatThrownBy(() -> Base64Url.encode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Base64Url.decode(null)).isInstanceOf(NullPointerException.class);
    }
}
