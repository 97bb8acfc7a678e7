package io.gatehouse.protocol.pass;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.access.AccessProofCodec;
import io.gatehouse.protocol.access.ParseResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PassTextTest {
    private static final String HANDLE = "Pq7sVx2mK9dLw4NcR8tYb3HgZ1f";

    @Test
    void the_managed_code_url_of_a_pass_parses_to_its_handle_and_the_digest_is_sha256_of_it() throws Exception {
        PassText pass = PassText.parse("https://gatehouse.example:8443/base/q/" + HANDLE).orElseThrow();

        assertThat(pass.handle()).isEqualTo(HANDLE);
        assertThat(pass.digest()).isEqualTo(MessageDigest.getInstance("SHA-256")
                .digest(HANDLE.getBytes(StandardCharsets.UTF_8)));
        assertThat(pass.toString()).doesNotContain(HANDLE);
        assertThat(PassText.recognises("http://g.example/q/" + HANDLE)).isTrue();
        assertThat(PassText.recognises("/q/" + HANDLE)).isFalse();
    }

    @Test
    void a_pass_link_with_a_segment_of_another_length_is_recognised_but_not_a_pass() {
        assertThat(PassText.recognises("https://g.example/q/short")).isTrue();
        assertThat(PassText.segment("https://g.example/q/short")).contains("short");
        assertThat(PassText.segment("https://g.example/x/short")).isEmpty();
        assertThat(PassText.parse("https://g.example/q/short")).isEmpty();
        assertThat(PassText.parse("https://g.example/q/" + HANDLE + "x")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://g.example/q/" + HANDLE + "/",
            "https://g.example/q/" + HANDLE + "?x=1", "https://g.example/x/" + HANDLE, "https://g .example/q/" + HANDLE,
            "https://g.example/q/Pq7sVx2mK9dLw4NcR8tYb3HgZ1f=", "ftp://g.example/q/" + HANDLE, "HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDE"})
    void other_texts_are_not_passes(String text) {
        assertThat(PassText.parse(text)).isEmpty();
        assertThat(PassText.segment(text).filter(PassText::isHandle)).isEmpty();
    }

    /** The scan reads a text as a pass's link or as a proof, never both: no recognised link is Base45. */
    @ParameterizedTest
    @ValueSource(strings = {"http://g.example/q/" + HANDLE, "https://G.EXAMPLE:8443/BASE/q/short",
            "https://HC1:6BFOXN*TS0BI$ZD4N9/q/A", "http://1.2.3.4/q/-"})
    void a_recognised_link_is_never_an_access_proof(String text) {
        assertThat(PassText.recognises(text)).isTrue();
        assertThat(AccessProofCodec.parse(text)).isInstanceOfSatisfying(ParseResult.Malformed.class,
                malformed -> assertThat(malformed.detail()).startsWith("not Base45"));
    }

    @Test
    void null_and_very_long_texts_are_not_passes() {
        assertThat(PassText.parse(null)).isEmpty();
        assertThat(PassText.parse("x".repeat(PassText.MAX_TEXT) + "/q/" + HANDLE)).isEmpty();
    }
}
