package io.gatehouse.wallet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.KeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnrollmentClientTest {

    private final FakeEnrollmentServer server = new FakeEnrollmentServer();
    private final EnrollmentClient client = new EnrollmentClient();
    private final KeyPair keyPair = PublicKeys.generateP256(TestWallets.RANDOM);
    private final DeviceFacts device = new DeviceFacts("gatehouse-wallet-cli", "Linux 6.1", "0.1.0");

    EnrollmentClientTest() throws IOException {
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void POST_to_a_fresh_link_gives_the_credential_and_the_server_base_url() {
        Enrollment enrollment = client.enroll(server.newLink(), keyPair.getPublic(), device);

        assertThat(server.enrolled).containsEntry(enrollment.credentialId(), keyPair.getPublic());
        assertThat(enrollment.trust()).isEqualTo(DeviceTrust.SOFTWARE);
        assertThat(enrollment.deviceId()).startsWith("dev-");
        assertThat(enrollment.serverBaseUrl()).isEqualTo(server.baseUrl());
    }

    @Test
    void the_request_follows_the_contract() {
        client.enroll(server.newLink(), keyPair.getPublic(), device);

        var body = server.bodies.get(0);
        assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("publicKey", "device", "attestation");
        assertThat(body.get("attestation").isNull()).isTrue();
        assertThat(body.path("publicKey").asText()).doesNotContain("=", "+", "/");
        assertThat(body.path("device").path("model").asText()).isEqualTo("gatehouse-wallet-cli");
        assertThat(body.path("device").path("os").asText()).isEqualTo("Linux 6.1");
        assertThat(body.path("device").path("appVersion").asText()).isEqualTo("0.1.0");
    }

    @Test
    void a_used_link_gives_410_with_the_servers_code() {
        URI link = server.newLink();
        client.enroll(link, keyPair.getPublic(), device);

        assertThatThrownBy(() -> client.enroll(link, keyPair.getPublic(), device))
                .isInstanceOfSatisfying(WalletException.class, e -> {
                    assertThat(e.status()).isEqualTo(410);
                    assertThat(e.code()).isEqualTo("enrollment_link_used");
                })
                .hasMessage("enrollment refused: HTTP 410 Enrollment link no longer valid: this enrollment link"
                        + " was already used or has expired (code enrollment_link_used)");
    }

    @Test
    void an_answer_that_is_not_a_problem_document_keeps_its_status() throws IOException {
        try (StubServer stub = new StubServer(502, "text/html", "<html>Bad gateway</html>")) {
            assertThatThrownBy(() -> client.enroll(stub.url(), keyPair.getPublic(), device))
                    .isInstanceOfSatisfying(WalletException.class, e -> {
                        assertThat(e.status()).isEqualTo(502);
                        assertThat(e.code()).isEqualTo("http_502");
                    })
                    .hasMessageContaining("<html>Bad gateway</html>");
        }
    }

    @Test
    void a_201_without_the_contract_fields_is_an_invalid_response() throws IOException {
        try (StubServer stub = new StubServer(201, "application/json", "{\"credentialId\":\"short\",\"deviceId\":\"d\",\"trust\":\"software\"}")) {
            assertThatThrownBy(() -> client.enroll(stub.url(), keyPair.getPublic(), device))
                    .isInstanceOfSatisfying(WalletException.class, e -> assertThat(e.code()).isEqualTo("invalid_response"))
                    .hasMessageContaining("credential id: expected 22 base64url characters, got 5");
        }
        try (StubServer stub = new StubServer(201, "application/json", "{\"deviceId\":\"d\"}")) {
            assertThatThrownBy(() -> client.enroll(stub.url(), keyPair.getPublic(), device))
                    .hasMessageContaining("expected a non-empty string member \"credentialId\", got null");
        }
        try (StubServer stub = new StubServer(201, "application/json", "{\"credentialId\":\"Dx4tPEtaaXiHlqW0w9Lh8A\",\"deviceId\":\"d\",\"trust\":\"platinum\"}")) {
            assertThatThrownBy(() -> client.enroll(stub.url(), keyPair.getPublic(), device))
                    .hasMessageContaining("device trust: expected one of software, synced, hardware, hardware+biometric, got 'platinum'");
        }
    }

    @Test
    void no_server_is_server_unreachable() throws IOException {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        URI link = URI.create("http://127.0.0.1:" + freePort + "/api/v1/enrollments/x");

        assertThatThrownBy(() -> client.enroll(link, keyPair.getPublic(), device))
                .isInstanceOfSatisfying(WalletException.class, e -> {
                    assertThat(e.code()).isEqualTo("server_unreachable");
                    assertThat(e.status()).isZero();
                });
    }

    @Test
    void the_base_url_is_scheme_host_and_port_only() {
        assertThat(EnrollmentClient.baseUrlOf(URI.create("https://gate.example.com:8443/api/v1/enrollments/abc?x=1#f")))
                .isEqualTo(URI.create("https://gate.example.com:8443"));
        assertThat(EnrollmentClient.baseUrlOf(URI.create("HTTPS://gate.example.com/e/abc")))
                .isEqualTo(URI.create("https://gate.example.com"));
        assertThatIllegalArgumentException().isThrownBy(() -> EnrollmentClient.baseUrlOf(URI.create("ftp://x/y")))
                .withMessage("enrollment URL: expected an absolute http(s) URL with a host, got ftp://x/y");
        assertThatIllegalArgumentException().isThrownBy(() -> EnrollmentClient.baseUrlOf(URI.create("/relative")));
    }

    /** An HTTP server that gives one fixed answer to everything. */
    private static final class StubServer implements AutoCloseable {

        private final HttpServer server;

        StubServer(int status, String contentType, String body) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    FakeEnrollmentServer.send(exchange, status, contentType, body);
                }
            });
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/enroll/abc");
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
