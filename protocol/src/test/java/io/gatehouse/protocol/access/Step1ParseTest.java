package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.codec.Base45;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Step 1: the scanned text must be a well-formed version 1 proof, else {@code malformed}. */
class Step1ParseTest {

    private final VerifierFixture fixture = new VerifierFixture();

    private Decision assertMalformed(String text, String expectedDetail) {
        Decision decision = fixture.decide(text);
        assertThat(decision.granted()).isFalse();
        assertThat(decision.reason()).isEqualTo(DenyReason.MALFORMED);
        assertThat(decision.detail()).contains(expectedDetail);
        assertThat(decision.proof()).isEmpty();
        assertThat(decision.credential()).isEmpty();
        assertThat(fixture.directoryLookups).as("later steps must not run").isZero();
        assertThat(fixture.replay.expiries).isEmpty();
        return decision;
    }

    private byte[] validBytes() {
        return fixture.proof(1).toBytes();
    }

    @Test
    void deciding_a_parse_result_gives_the_answer_and_the_lookups_of_deciding_its_text() {
        String valid = fixture.proof(1).toText();
        String[] texts = {null, "", "NOT A PROOF", valid, valid.substring(0, 140) + "000", fixture.proof(
                VerifierFixture.NOW + 60, 2, true).toText()};
        for (String text : texts) {
            VerifierFixture fromText = new VerifierFixture();
            VerifierFixture fromParsed = new VerifierFixture();

            Decision expected = fromText.decide(text);
            Decision actual = fromParsed.verifier.decide(AccessProofCodec.parse(text), fromParsed.context());

            assertThat(actual).as(String.valueOf(text)).isEqualTo(expected);
            assertThat(fromParsed.directoryLookups).isEqualTo(fromText.directoryLookups);
            assertThat(fromParsed.replay.expiries).isEqualTo(fromText.replay.expiries);
        }
    }

    @Test
    void null_text_is_malformed() {
        assertMalformed(null, "no text (null)");
    }

    @Test
    void empty_text_is_malformed() {
        assertMalformed("", "expected 95 bytes, got 0");
    }

    @Test
    void text_longer_than_the_maximum_is_rejected_before_decoding() {
        assertMalformed("0".repeat(147), "text too long: expected at most 146 characters (144 plus a line terminator), got 147");
        assertMalformed("x".repeat(1_000_000), "got 1000000");
    }

    @Test
    void lower_case_text_is_not_base45() {
        String text = fixture.proof(1).toText().toLowerCase(Locale.ROOT);
        assertMalformed(text, "not Base45: invalid Base45 character");
    }

    @ParameterizedTest(name = "prefix \"{0}\"")
    @ValueSource(strings = {" ", "\n", "\t"})
    void leading_whitespace_is_not_trimmed(String prefix) {
        Decision decision = fixture.decide(prefix + fixture.proof(1).toText());
        assertThat(decision.reason()).isEqualTo(DenyReason.MALFORMED);
    }

    @Test
    void two_trailing_line_feeds_are_not_trimmed() {
        assertMalformed(fixture.proof(1).toText() + "\n\n", "not Base45");
    }

    @Test
    void a_trailing_space_is_data_not_padding() {
        // The space becomes the last digit of a group, which then no longer decodes.
        assertMalformed(fixture.proof(1).toText() + " ", "not Base45");
    }

    @Test
    void a_proof_of_another_version_is_named() {
        byte[] bytes = validBytes();
        bytes[0] = 2;
        assertMalformed(Base45.encode(bytes), "unsupported version 2 (expected 1)");
    }

    @Test
    void a_later_version_is_reported_even_with_another_length() {
        byte[] bytes = Arrays.copyOf(validBytes(), 120);
        bytes[0] = 2;
        assertThat(AccessProofCodec.parse(bytes))
                .isEqualTo(new ParseResult.Malformed("unsupported version 2 (expected 1)"));
    }

    @Test
    void a_short_proof_names_both_lengths() {
        assertMalformed(Base45.encode(Arrays.copyOf(validBytes(), 94)), "expected 95 bytes, got 94");
    }

    @Test
    void a_long_proof_names_both_lengths() {
        assertMalformed(Base45.encode(Arrays.copyOf(validBytes(), 96)), "expected 95 bytes, got 96");
    }

    @Test
    void a_minted_proof_has_its_own_length() {
        byte[] minted = fixture.minted(1).toBytes();
        assertMalformed(Base45.encode(Arrays.copyOf(minted, 95)),
                "expected 96 bytes, got 95 (the length of a minted proof)");
        byte[] deviceAsMinted = validBytes();
        deviceAsMinted[1] = 2;
        assertMalformed(Base45.encode(deviceAsMinted), "expected 96 bytes, got 95 (the length of a minted proof)");
        minted[1] = 1;
        assertMalformed(Base45.encode(minted), "expected 95 bytes, got 96 (the length of a device-signed proof)");
    }

    @Test
    void minting_key_id_0_is_reserved() {
        byte[] bytes = fixture.minted(1).toBytes();
        bytes[31] = 0;
        assertMalformed(Base45.encode(bytes), "minting key id 0 is reserved (expected 1..255)");
    }

    @Test
    void a_single_byte_is_too_short_to_carry_a_type() {
        assertThat(AccessProofCodec.parse(new byte[] {1}))
                .isEqualTo(new ParseResult.Malformed("expected 95 bytes, got 1"));
    }

    @Test
    void an_unknown_type_is_named() {
        byte[] bytes = validBytes();
        bytes[1] = 7;
        assertMalformed(Base45.encode(bytes), "unknown proof type 7 (expected 1 = device-signed or 2 = server-minted)");
    }

    @Test
    void reserved_flag_bits_are_named() {
        byte[] bytes = validBytes();
        bytes[30] = 0x07;
        assertMalformed(Base45.encode(bytes), "reserved flag bits set: 0x06");
    }
}
