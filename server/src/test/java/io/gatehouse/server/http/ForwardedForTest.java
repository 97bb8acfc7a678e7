package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client address recorded in the audit log: {@code X-Forwarded-For} counts only from a trusted proxy, and only
 * its right-most entry that is not itself a trusted proxy (the entries left of it are whatever the client wrote).
 */
class ForwardedForTest {
    @TempDir
    Path data;

    @Test
    void a_forwarded_address_counts_only_from_a_trusted_proxy() {
        try (TestServer trusting = TestServer.start(data.resolve("trusting"),
                Map.of("trusted-proxies", "127.0.0.1, 10.0.0.0/8"))) {
            assertThat(recordedAddress(trusting, "203.0.113.9")).isEqualTo("203.0.113.9");
            // The client wrote the first entry; 10.1.2.3 is a trusted proxy in the chain; 198.51.100.7 reached it.
            assertThat(recordedAddress(trusting, "192.0.2.1, 198.51.100.7, 10.1.2.3")).isEqualTo("198.51.100.7");
            assertThat(recordedAddress(trusting, "not-an-address")).isEqualTo("127.0.0.1");
            assertThat(recordedAddress(trusting, "2001:db8::1")).isEqualTo("2001:db8::1");
        }
        try (TestServer direct = TestServer.start(data.resolve("direct"))) {
            assertThat(recordedAddress(direct, "203.0.113.9")).isEqualTo("127.0.0.1");
        }
    }

    /** Creates a user with the header and reads the address its audit record names. */
    private static String recordedAddress(TestServer server, String forwardedFor) {
        HttpResult created = server.send(HttpRequest.newBuilder(server.uri("/api/v1/users"))
                .header("X-Forwarded-For", forwardedFor).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"forwarded-" + Math.abs(
                        forwardedFor.hashCode()) + "\"}")), server.adminToken());
        assertThat(created.status()).isEqualTo(201);
        HttpResult audit = server.get("/api/v1/audit?action=user.create", server.adminToken());
        return audit.json().get("records").get(0).get("clientAddress").asText();
    }
}
