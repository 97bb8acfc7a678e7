package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.codec.Base45;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No single altered byte of a valid minted proof is ever granted to its passkey credential, and each region of
 * the 96 bytes fails at the step that owns it. Each position is changed by three fixed masks and by three more
 * drawn from a fixed seed, so a failure names a change that can be replayed.
 */
class MintedTamperingTest {

    private static final long SEED = 0x6A7E_4005EL;
    private static final AccessProof VALID = new VerifierFixture().minted(0x5EED);

    static Stream<Arguments> bytePositionsAndMasks() {
        Random random = new Random(SEED);
        return IntStream.range(0, AccessProof.MINTED_LENGTH).boxed().flatMap(position -> {
            List<Integer> masks = new ArrayList<>(List.of(0x01, 0x80, 0xFF));
            for (int i = 0; i < 3; i++) {
                masks.add(1 + random.nextInt(255));
            }
            return masks.stream().map(mask -> Arguments.of(position, mask));
        });
    }

    @ParameterizedTest(name = "byte {0} ^ {1}")
    @MethodSource("bytePositionsAndMasks")
    void every_altered_byte_is_denied_by_the_step_that_owns_it(int position, int mask) {
        VerifierFixture fixture = new VerifierFixture().passkey();
        byte[] bytes = VALID.toBytes();
        bytes[position] ^= (byte) mask;

        Decision decision = fixture.decide(Base45.encode(bytes));

        assertThat(decision.granted()).isFalse();
        assertThat(decision.reason()).isEqualTo(expectedReason(position, bytes[position] & 0xFF));
        if (decision.reason() != DenyReason.REPLAYED) {
            assertThat(fixture.replay.expiries).as("an altered proof does not spend a nonce").isEmpty();
        }
    }

    /** What each region of the 96 bytes fails on when it is altered to {@code value}. */
    private static DenyReason expectedReason(int position, int value) {
        if (position <= 1) {
            // Version; or a type that does not exist, or type 1, whose proofs are 95 bytes long.
            return DenyReason.MALFORMED;
        }
        if (position < 18) {
            return DenyReason.UNKNOWN_CREDENTIAL;
        }
        if (position == 30) {
            return value == 0 ? DenyReason.BAD_SIGNATURE : DenyReason.MALFORMED; // UV cleared, or a reserved bit
        }
        if (position == 31) {
            return value == 0 ? DenyReason.MALFORMED : DenyReason.UNKNOWN_MINTING_KEY; // only key 7 is published
        }
        return DenyReason.BAD_SIGNATURE; // issued-at, nonce, signature
    }

    @Test
    void the_valid_minted_proof_itself_is_granted() {
        assertThat(new VerifierFixture().passkey().decide(VALID).granted()).isTrue();
    }

    @Test
    void every_base45_character_replaced_by_any_other_digit_is_denied() {
        String text = VALID.toText();
        List<String> granted = new ArrayList<>();
        VerifierFixture fixture = new VerifierFixture().passkey();
        for (int position = 0; position < text.length(); position++) {
            for (char replacement : Base45.ALPHABET.toCharArray()) {
                if (replacement == text.charAt(position)) {
                    continue;
                }
                String altered = text.substring(0, position) + replacement + text.substring(position + 1);
                if (fixture.decide(altered).granted()) {
                    granted.add(position + ":" + replacement);
                }
            }
        }
        assertThat(granted).as("altered texts that were granted").isEmpty();
    }
}
