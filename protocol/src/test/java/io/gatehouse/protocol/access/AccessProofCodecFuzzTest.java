package io.gatehouse.protocol.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz tests for the total parser. Without {@code JAZZER_FUZZ} (the normal build) each method runs
 * once per file in its seed directory under {@code AccessProofCodecFuzzTestInputs/} in the test
 * resources; with {@code JAZZER_FUZZ=1} (the {@code fuzz-parse-*} executions in the module's pom)
 * Jazzer mutates inputs for {@code maxDuration}. Both methods assert that the parser answers every
 * input with a result, never an exception, and that a malformed detail stays short.
 */
class AccessProofCodecFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void parseBytes(byte[] input) {
        assertBounded(AccessProofCodec.parse(input));
    }

    /** The same bytes read as text twice: byte for char (reaches every Base45 digit), and as UTF-8. */
    @FuzzTest(maxDuration = "5s")
    void parseText(byte[] input) {
        assertBounded(AccessProofCodec.parse(new String(input, StandardCharsets.ISO_8859_1)));
        assertBounded(AccessProofCodec.parse(new String(input, StandardCharsets.UTF_8)));
    }

    private static void assertBounded(ParseResult result) {
        assertThat(result).isNotNull();
        switch (result) {
            case ParseResult.Parsed parsed -> assertThat(parsed.proof().toBytes()).hasSize(parsed.proof().length());
            case ParseResult.Malformed malformed -> assertThat(malformed.detail()).isNotBlank().hasSizeLessThan(300);
        }
    }
}
