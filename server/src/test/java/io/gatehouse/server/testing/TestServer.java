package io.gatehouse.server.testing;

import io.gatehouse.server.Gatehouse;
import io.gatehouse.server.auth.ApiTokens;
import io.gatehouse.server.auth.Scope;
import io.gatehouse.server.config.ConfigLoader;
import io.gatehouse.server.config.GatehouseConfig;
import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real Gatehouse on a real port against the test database, with a clock the test moves and an admin token.
 * Close it at the end of the test.
 */
public final class TestServer implements AutoCloseable {
    private final Gatehouse gatehouse;
    private final MutableClock clock;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Gatehouse gatehouse, MutableClock clock, String adminToken) {
        this.gatehouse = gatehouse;
        this.clock = clock;
        this.adminToken = adminToken;
    }

    public static TestServer start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    public static TestServer start(Path dataDir, Map<String, String> extra) {
        TestServer fresh = startWithoutAdmin(dataDir, extra);
        ApiTokens.Created admin = fresh.gatehouse.services().auth().tokens().create("test-admin",
                EnumSet.of(Scope.ADMIN), "test", ClientInfo.local("test"));
        return new TestServer(fresh.gatehouse, fresh.clock, admin.token());
    }

    /** A fresh installation as its operator first sees it: no administrator yet, and a live bootstrap link. */
    public static TestServer startWithoutAdmin(Path dataDir, Map<String, String> extra) {
        Map<String, String> overrides = new HashMap<>(TestDatabases.fresh(dataDir));
        overrides.put("port", "0");
        overrides.putAll(extra);
        GatehouseConfig config = ConfigLoader.load(Map.of(), overrides);
        // Whole seconds keep TOTP arithmetic in tests easy to follow.
        MutableClock clock = new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
        return new TestServer(Gatehouse.start(config, clock), clock, null);
    }

    /**
     * A server whose public base URL is {@code http://localhost} on a free port: WebAuthn needs a host name, not an
     * IP address, and a browser treats localhost as a secure context.
     */
    public static TestServer startOnLocalhost(Path dataDir, boolean withAdmin) {
        return startOnLocalhost(dataDir, withAdmin, Map.of());
    }

    /** As {@link #startOnLocalhost(Path, boolean)}, with more configuration (an SMTP server, say). */
    public static TestServer startOnLocalhost(Path dataDir, boolean withAdmin, Map<String, String> more) {
        int port = freePort();
        Map<String, String> extra = new HashMap<>(more);
        extra.put("port", String.valueOf(port));
        extra.put("public-base-url", "http://localhost:" + port);
        return withAdmin ? start(dataDir, extra) : startWithoutAdmin(dataDir, extra);
    }

    /**
     * A second Gatehouse node on the same database and key file, sharing this node's clock and admin token: two
     * stateless nodes behind one load balancer. Like a node on another host it has a data directory of its own: the
     * serve lock refuses two servers on one.
     */
    public TestServer secondNode() {
        GatehouseConfig config = gatehouse.config();
        Gatehouse second = Gatehouse.start(config.withPort(0).withDataDirectory(config.dataDirectory()
                .resolve("node-2")), clock);
        return new TestServer(second, clock, adminToken);
    }

    /**
     * Stops this server and starts it again on the same database, data directory and clock, as an operator's restart
     * does; the admin token stays valid (it is stored). The returned server replaces this one.
     */
    public TestServer restart() {
        return restart(UnaryOperator.identity());
    }

    /** As {@link #restart()}, with the configuration changed by {@code edit} as an operator would before it. */
    public TestServer restart(UnaryOperator<GatehouseConfig> edit) {
        GatehouseConfig config = edit.apply(gatehouse.config());
        gatehouse.close();
        return new TestServer(Gatehouse.start(config, clock), clock, adminToken);
    }

    /** A port free now, for a server whose public base URL must name its port before it starts. */
    public static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public Gatehouse gatehouse() {
        return gatehouse;
    }

    public MutableClock clock() {
        return clock;
    }

    public String adminToken() {
        return adminToken;
    }

    public URI uri(String pathOrUrl) {
        return pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : URI.create(gatehouse.baseUrl() + pathOrUrl);
    }

    public HttpResult get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), adminToken);
    }

    public HttpResult get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), token);
    }

    /** POSTs {@code body} (serialised to JSON unless it is already a String) with the admin token. */
    public HttpResult post(String path, Object body) {
        return post(path, body, adminToken);
    }

    public HttpResult post(String path, Object body, String token) {
        String text = body instanceof String s ? s : Json.write(body);
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text)), token);
    }

    /** Posts {@code body} as the admin, requires 201 Created, and returns the new resource's {@code id}. */
    public String createdId(String path, Object body) {
        HttpResult result = post(path, body);
        if (result.status() != 201) {
            throw new AssertionError("expected 201 from " + path + ", got " + result);
        }
        return result.json().get("id").asText();
    }

    public HttpResult put(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))), adminToken);
    }

    public HttpResult patch(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(Json.write(body))), adminToken);
    }

    public HttpResult delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), adminToken);
    }

    public HttpResult send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
            HttpResponse<byte[]> response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            // Every response a test receives is held to the OpenAPI document, so that the two cannot drift.
            OpenApiContract.get().check(response, response.body());
            return new HttpResult(response.statusCode(), contentType, response.body(), response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Links everything committed so far into the audit chain, as the background task would. */
    public void sealAudit() {
        gatehouse.services().core().sealAudit();
    }

    @Override
    public void close() {
        gatehouse.close();
    }
}
