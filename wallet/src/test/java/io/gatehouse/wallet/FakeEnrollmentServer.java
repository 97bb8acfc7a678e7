package io.gatehouse.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.PublicKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Gatehouse enrollment endpoint that follows the wallet's contract, on 127.0.0.1 and
 * a free port. Links are {@code /api/v1/enrollments/<token>}; a token works once, then answers 410.
 * The real server's end-to-end test replaces this later.
 */
public final class FakeEnrollmentServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Set<String> openTokens = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger requests = new AtomicInteger();

    /** Every enrolled credential with the public key it was enrolled with. */
    public final Map<CredentialId, PublicKey> enrolled = new ConcurrentHashMap<>();
    /** Every request body received, as parsed JSON. */
    public final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    public FakeEnrollmentServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/enrollments/", this::handle);
        server.start();
    }

    /** Opens a new single-use link. */
    public URI newLink() {
        String token = Long.toHexString(random.nextLong());
        openTokens.add(token);
        return URI.create(baseUrl() + "/api/v1/enrollments/" + token);
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int requestCount() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                problem(exchange, 405, "method_not_allowed", "Method not allowed", "expected POST");
                return;
            }
            String token = exchange.getRequestURI().getPath().substring("/api/v1/enrollments/".length());
            JsonNode body;
            try {
                body = JSON.readTree(exchange.getRequestBody());
            } catch (IOException e) {
                problem(exchange, 400, "invalid_json", "Invalid request", e.getMessage());
                return;
            }
            bodies.add(body);
            if (!openTokens.remove(token)) {
                problem(exchange, 410, "enrollment_link_used", "Enrollment link no longer valid",
                        "this enrollment link was already used or has expired");
                return;
            }
            PublicKey key;
            try {
                key = PublicKeys.fromSpki(Base64.getUrlDecoder().decode(body.path("publicKey").asText()));
            } catch (IllegalArgumentException e) {
                problem(exchange, 400, "invalid_public_key", "Invalid public key", e.getMessage());
                return;
            }
            if (!body.has("attestation") || !body.get("attestation").isNull()
                    || body.path("device").path("model").asText().isEmpty()) {
                problem(exchange, 400, "invalid_request", "Invalid request", "expected device facts and attestation null");
                return;
            }
            CredentialId id = CredentialId.random(random);
            enrolled.put(id, key);
            ObjectNode created = JSON.createObjectNode();
            created.put("credentialId", id.toString());
            created.put("deviceId", "dev-" + id.toString().substring(0, 8));
            created.put("trust", "software");
            send(exchange, 201, "application/json", created.toString());
        }
    }

    private static void problem(HttpExchange exchange, int status, String code, String title, String detail)
            throws IOException {
        ObjectNode problem = JSON.createObjectNode();
        problem.put("type", "https://gatehouse.example/problems/" + code);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("code", code);
        send(exchange, status, "application/problem+json", problem.toString());
    }

    static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
