package io.gatehouse.server.passkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.server.common.GatehouseException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The relying party's id and origin come from the public base URL, and only from a secure one. */
class PasskeyOriginTest {

    @Test
    void an_https_base_url_gives_its_host_as_id_and_its_origin_without_the_default_port() {
        assertThat(RelyingPartyOrigin.of(URI.create("https://Doors.Example.com:443/gatehouse/")))
                .isEqualTo(new RelyingPartyOrigin("doors.example.com", "https://doors.example.com"));
        assertThat(RelyingPartyOrigin.of(URI.create("https://doors.example.com:8443")).origin())
                .isEqualTo("https://doors.example.com:8443");
    }

    @Test
    void http_is_allowed_on_localhost_only() {
        assertThat(RelyingPartyOrigin.of(URI.create("http://localhost:8080")))
                .isEqualTo(new RelyingPartyOrigin("localhost", "http://localhost:8080"));
        for (String insecure : new String[] {"http://doors.example.com", "http://127.0.0.1:8080", "ftp://localhost"}) {
            assertThatThrownBy(() -> RelyingPartyOrigin.of(URI.create(insecure))).as(insecure)
                    .isInstanceOfSatisfying(GatehouseException.class, e -> {
                        assertThat(e.code()).isEqualTo("insecure_origin");
                        assertThat(e.detail()).contains(insecure);
                    });
        }
    }

    @Test
    void only_known_algorithms_may_be_allowed() {
        assertThatThrownBy(() -> new PasskeySettings(java.util.List.of("ES256", "MD5"), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty()))
                .isInstanceOfSatisfying(GatehouseException.class, e -> assertThat(e.detail()).contains("'MD5'"));
        assertThat(PasskeySettings.defaults().algorithms()).containsExactly("ES256");
    }
}
