package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.codec.Base45;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** {@link AccessProofCodec} is total: it answers every input with a result and never throws. */
class AccessProofCodecTest {

    private static final byte[] VALID = new VerifierFixture().proof(1).toBytes();

    @Test
    void null_bytes_are_malformed() {
        assertThat(AccessProofCodec.parse((byte[]) null)).isEqualTo(new ParseResult.Malformed("no bytes (null)"));
    }

    @Test
    void valid_bytes_parse_to_the_same_proof_as_the_text() {
        assertThat(AccessProofCodec.parse(VALID)).isEqualTo(AccessProofCodec.parse(Base45.encode(VALID)));
    }

    @Test
    void the_input_array_is_not_retained() {
        byte[] bytes = VALID.clone();
        ParseResult result = AccessProofCodec.parse(bytes);
        bytes[40] ^= 1;

        assertThat(((ParseResult.Parsed) result).proof().toBytes()).isEqualTo(VALID);
    }

    @Test
    void malformed_details_are_short_even_for_long_input() {
        ParseResult result = AccessProofCodec.parse("%".repeat(10_000));

        assertThat(((ParseResult.Malformed) result).detail()).hasSizeLessThan(200);
    }

    static Stream<Arguments> seeds() {
        return LongStream.rangeClosed(1, 4).mapToObj(Arguments::of);
    }

    /**
     * A seeded random sweep alongside the Jazzer fuzz test: 25,000 inputs per seed, half of them valid
     * proofs with random bytes changed, half random Base45-alphabet or arbitrary text.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void random_inputs_never_throw(long seed) {
        Random random = new Random(seed);
        String alphabet = Base45.ALPHABET + "\r\nabc\u0000\u00ff\ud800";
        for (int i = 0; i < 25_000; i++) {
            ParseResult result;
            switch (i % 4) {
                case 0 -> {
                    byte[] bytes = VALID.clone();
                    for (int changes = random.nextInt(4); changes >= 0; changes--) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                    result = AccessProofCodec.parse(bytes);
                }
                case 1 -> {
                    byte[] bytes = new byte[random.nextInt(200)];
                    random.nextBytes(bytes);
                    if (bytes.length > 0 && random.nextBoolean()) {
                        bytes[0] = 1;
                    }
                    result = AccessProofCodec.parse(bytes);
                }
                case 2 -> {
                    StringBuilder text = new StringBuilder();
                    int length = random.nextInt(150);
                    for (int c = 0; c < length; c++) {
                        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                    result = AccessProofCodec.parse(text.toString());
                }
                default -> {
                    char[] text = Base45.encode(VALID).toCharArray();
                    text[random.nextInt(text.length)] = Base45.ALPHABET.charAt(random.nextInt(45));
                    result = AccessProofCodec.parse(new String(text));
                }
            }
            assertThat(result).isNotNull();
            if (result instanceof ParseResult.Malformed malformed) {
                assertThat(malformed.detail()).isNotBlank().hasSizeLessThan(300);
            }
        }
    }
}
