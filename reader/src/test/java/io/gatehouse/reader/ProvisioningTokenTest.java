package io.gatehouse.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.protocol.codec.Base64Url;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The two forms of a provisioning token. */
class ProvisioningTokenTest {

    private static String token(String url, String secret) {
        return "ghp_" + Base64Url.encode(url.getBytes(StandardCharsets.UTF_8)) + "." + secret;
    }

    @Test
    void the_token_form_carries_the_base_url_and_the_secret() {
        ProvisioningToken token = ProvisioningToken.parse(token("https://gate.example.com:8443", "s3cr3t-_x") + "\n");

        assertThat(token.serverBase()).isEqualTo(URI.create("https://gate.example.com:8443"));
        assertThat(token.secret()).isEqualTo("s3cr3t-_x");
    }

    @Test
    void the_url_form_gives_scheme_host_and_port_as_the_base() {
        ProvisioningToken token = ProvisioningToken.parse("http://10.0.0.5:7070/reader-enroll/abc123");

        assertThat(token.serverBase()).isEqualTo(URI.create("http://10.0.0.5:7070"));
        assertThat(token.secret()).isEqualTo("abc123");
    }

    @Test
    void a_trailing_slash_on_the_base_url_in_the_token_is_tolerated() {
        assertThat(ProvisioningToken.parse(token("http://host/", "x")).serverBase()).isEqualTo(URI.create("http://host"));
    }

    @Test
    void malformed_tokens_are_refused_with_invalid_token_and_never_show_the_secret() {
        String[] bad = {
            "",
            "hello",
            "ghp_nodot",
            "ghp_" + Base64Url.encode("http://host".getBytes(StandardCharsets.UTF_8)) + ".",
            token("ftp://host", "topsecret"),
            token("http://host/some/path", "topsecret"),
            token("http://user@host", "topsecret"),
            token("http://host", "top secret"),
            "ghp_!!!.topsecret",
            "http://host/elsewhere/topsecret",
            "http://host/reader-enroll/",
            "http://host/reader-enroll/top/secret",
        };
        for (String text : bad) {
            assertThatThrownBy(() -> ProvisioningToken.parse(text)).as(text)
                    .isInstanceOf(ReaderException.class)
                    .satisfies(e -> assertThat(((ReaderException) e).code()).isEqualTo("invalid_token"))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("topsecret"));
        }
    }

    @Test
    void to_string_hides_the_secret() {
        assertThat(ProvisioningToken.parse(token("http://host", "topsecret")).toString()).doesNotContain("topsecret");
    }
}
