package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.codec.Base45;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No single altered byte or character of a valid proof is ever granted, and each region of the layout
 * fails at the step that owns it.
 */
class TamperingTest {

    private static final AccessProof VALID = new VerifierFixture().proof(0x5EED);

    static Stream<Arguments> bytePositionsAndMasks() {
        return IntStream.range(0, AccessProof.LENGTH).boxed()
                .flatMap(position -> Stream.of(0x01, 0x80, 0xFF).map(mask -> Arguments.of(position, mask)));
    }

    @ParameterizedTest(name = "byte {0} ^ 0x{1}")
    @MethodSource("bytePositionsAndMasks")
    void every_altered_byte_is_denied_by_the_step_that_owns_it(int position, int mask) {
        VerifierFixture fixture = new VerifierFixture();
        byte[] bytes = VALID.toBytes();
        bytes[position] ^= (byte) mask;

        Decision decision = fixture.decide(Base45.encode(bytes));

        assertThat(decision.granted()).isFalse();
        assertThat(decision.reason()).isEqualTo(expectedReason(position, mask));
    }

    /** What each region of the 95 bytes fails on when it is altered. */
    private static DenyReason expectedReason(int position, int mask) {
        if (position == 0) {
            return DenyReason.MALFORMED; // version
        }
        if (position == 1) {
            return DenyReason.MALFORMED; // type 1 becomes 0, 0x81 or 0xFE: none exists
        }
        if (position < 18) {
            return DenyReason.UNKNOWN_CREDENTIAL; // credential id
        }
        if (position == 30) {
            // flags: clearing UV changes signed data; any reserved bit is malformed
            return mask == 0x01 ? DenyReason.BAD_SIGNATURE : DenyReason.MALFORMED;
        }
        return DenyReason.BAD_SIGNATURE; // issued-at, nonce, signature
    }

    @Test
    void the_valid_proof_itself_is_granted() {
        assertThat(new VerifierFixture().decide(VALID).granted()).isTrue();
    }

    @Test
    void every_base45_character_replaced_by_any_other_character_is_denied() {
        String text = VALID.toText();
        // Every other Base45 digit, plus characters a scanner or a person might introduce.
        String replacements = Base45.ALPHABET + "abcxyz_=\t\n\r\u00e9\u0000\uffff";
        List<String> granted = new ArrayList<>();
        int attempts = 0;
        VerifierFixture fixture = new VerifierFixture();
        for (int position = 0; position < text.length(); position++) {
            for (char replacement : replacements.toCharArray()) {
                if (replacement == text.charAt(position)) {
                    continue;
                }
                String altered = text.substring(0, position) + replacement + text.substring(position + 1);
                attempts++;
                if (fixture.decide(altered).granted()) {
                    granted.add(position + ":" + replacement);
                }
            }
        }
        assertThat(attempts).isGreaterThan(143 * 44);
        assertThat(granted).as("altered texts that were granted").isEmpty();
    }

    @Test
    void dropping_or_duplicating_any_character_is_denied() {
        String text = VALID.toText();
        VerifierFixture fixture = new VerifierFixture();
        for (int position = 0; position < text.length(); position++) {
            String dropped = text.substring(0, position) + text.substring(position + 1);
            String doubled = text.substring(0, position + 1) + text.substring(position);
            assertThat(fixture.decide(dropped).granted()).as("dropped %d", position).isFalse();
            assertThat(fixture.decide(doubled).granted()).as("doubled %d", position).isFalse();
        }
    }
}
