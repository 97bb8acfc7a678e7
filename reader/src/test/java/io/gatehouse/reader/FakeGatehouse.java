package io.gatehouse.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatehouse.protocol.access.AccessContext;
import io.gatehouse.protocol.access.AccessRule;
import io.gatehouse.protocol.access.AccessVerifier;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.CredentialView;
import io.gatehouse.protocol.access.MintingKey;
import io.gatehouse.protocol.access.MintingKeyDirectory;
import io.gatehouse.protocol.access.Decision;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.DoorSettings;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.BundlePass;
import io.gatehouse.protocol.bundle.OfflineMode;
import io.gatehouse.protocol.bundle.ReaderBundle;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ChainHead;
import io.gatehouse.protocol.reader.ChainProblem;
import io.gatehouse.protocol.reader.ReaderEvent;
import io.gatehouse.protocol.reader.ReaderEvents;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the Gatehouse server's reader endpoints, on 127.0.0.1, following the contract the reader
 * codes against: enrollment, scans (decided with the same {@link AccessVerifier}), bundles (signed with
 * the protocol's codec) and idempotent event upload with chain checks. It can be stopped and started
 * again on the same port. The real server's end-to-end test replaces it later.
 */
public final class FakeGatehouse implements AutoCloseable {

    public static final String DOOR = "door-lobby";
    public static final String ZONE = "hq-main";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-gatehouse");
        thread.setDaemon(true);
        return thread;
    });
    private HttpServer server;
    private final int port;

    // Bundle signing.
    public volatile KeyPair bundleKey = PublicKeys.generateP256(RANDOM);
    public volatile String bundleKeyId = "k1";
    /** What bundles tell readers to pin from now on; by default the current bundle key. */
    public volatile List<TrustedKey> announcedKeys;

    // The door.
    public volatile OfflineMode offlineMode = OfflineMode.FAIL_SECURE;
    public volatile long maxStalenessSeconds = 3600;

    // People.
    private final Map<CredentialId, TestPhone> phones = new ConcurrentHashMap<>();
    private final Set<CredentialId> revokedCredentials = ConcurrentHashMap.newKeySet();
    private final Set<String> spent = ConcurrentHashMap.newKeySet();

    // Readers.
    private record Provisioning(String readerId) {
    }

    private static final class Reader {
        final String readerId;
        volatile PublicKey key;
        volatile boolean revoked;
        volatile ChainHead head = ChainHead.START;

        Reader(String readerId) {
            this.readerId = readerId;
        }
    }

    private final Map<String, Provisioning> openSecrets = new ConcurrentHashMap<>();
    private final Set<String> usedSecrets = ConcurrentHashMap.newKeySet();
    private final Map<String, Reader> readersById = new ConcurrentHashMap<>();
    private final Map<String, Reader> readersByCredential = new ConcurrentHashMap<>();

    /** A minting key pair with its id: the key the fake server mints web-wallet codes with. */
    public record Minting(int keyId, KeyPair key) {
    }

    /** The key codes are minted with now. */
    public volatile Minting minting = new Minting(1, PublicKeys.generateP256(new SecureRandom()));
    /** The minting keys bundles publish; by default only the one codes are minted with. */
    public volatile List<Minting> publishedMintingKeys;
    /** The visitor passes the door's bundles list. */
    public volatile List<BundlePass> passes = List.of();

    // Bundles.
    private long bundleVersion;
    private volatile byte[] served;

    // What was received.
    public final List<JsonNode> scanRequests = new CopyOnWriteArrayList<>();
    /** The pending event counts the reader reported with its uploads, in order. */
    public final List<String> uploadPendingCounts = new CopyOnWriteArrayList<>();
    public final List<JsonNode> enrollRequests = new CopyOnWriteArrayList<>();
    /** Stored events by event id, in the order they were first received. */
    public final Map<String, JsonNode> storedEvents = Collections.synchronizedMap(new LinkedHashMap<>());
    public final List<Integer> uploadBatchSizes = new CopyOnWriteArrayList<>();
    public final List<ChainProblem> chainProblems = new CopyOnWriteArrayList<>();
    public volatile int duplicateEvents;
    /** Seqs whose events are answered as refused (malformed), as the real server does for such events. */
    public final Set<Long> refusedSeqs = ConcurrentHashMap.newKeySet();
    public volatile long delayMillis;

    public FakeGatehouse(Clock clock) throws IOException {
        this.clock = clock;
        this.announcedKeys = null;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        port = server.getAddress().getPort();
        startServer();
    }

    private void startServer() {
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops answering: connections are refused. */
    public synchronized void stop() {
        server.stop(0);
    }

    /** Answers again, on the same port. */
    public synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        startServer();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- Set-up -----------------------------------------------------------------------------------

    /** A one-time provisioning token for a reader of {@link #DOOR}. */
    public String provisioningToken(String readerId) {
        String secret = newSecret();
        openSecrets.put(secret, new Provisioning(readerId));
        return "ghp_" + Base64Url.encode(baseUrl().toString().getBytes(StandardCharsets.UTF_8)) + "." + secret;
    }

    /** The same as a provisioning URL. */
    public String provisioningUrl(String readerId) {
        String secret = newSecret();
        openSecrets.put(secret, new Provisioning(readerId));
        return baseUrl() + "/reader-enroll/" + secret;
    }

    /** Registers a web-wallet passkey whose codes are minted with {@link #minting} at the time they are made. */
    public TestPhone enrolPasskey(String userId) {
        TestPhone passkey = TestPhone.passkey(userId, () -> minting);
        phones.put(passkey.id, passkey);
        return passkey;
    }

    public TestPhone enrolPhone(String userId) {
        TestPhone phone = new TestPhone(userId);
        phones.put(phone.id, phone);
        return phone;
    }

    public void revokeCredential(CredentialId id) {
        revokedCredentials.add(id);
    }

    public void revokeReader(String readerId) {
        readersById.get(readerId).revoked = true;
    }

    public Optional<PublicKey> readerKey(String readerId) {
        Reader reader = readersById.get(readerId);
        return reader == null ? Optional.empty() : Optional.ofNullable(reader.key);
    }

    public DoorSettings door() {
        return new DoorSettings(DOOR, ZONE, ZoneId.of("Europe/Berlin"), 30, 5, true, DeviceTrust.SOFTWARE);
    }

    // ---- Bundles ----------------------------------------------------------------------------------

    /** Builds the next version of a reader's bundle from the current state and serves it. */
    public synchronized byte[] publishBundle(String readerId) {
        byte[] bytes = buildBundle(readerId, ++bundleVersion, bundleKeyId, bundleKey.getPrivate());
        served = bytes;
        return bytes;
    }

    /** Builds a bundle without serving it (for bad-bundle tests), signed as given. */
    public byte[] buildBundle(String readerId, long version, String keyId, PrivateKey signingKey) {
        long now = clock.millis() / 1000;
        List<CredentialView> credentials = new ArrayList<>();
        phones.values().forEach(phone -> credentials.add(view(phone)));
        List<TrustedKey> keys = announcedKeys != null ? announcedKeys
                : List.of(new TrustedKey(bundleKeyId, bundleKey.getPublic()));
        ReaderBundle bundle = new ReaderBundle(version, now, now + maxStalenessSeconds, readerId, door(), offlineMode, keys,
                credentials, List.copyOf(revokedCredentials), List.of(AccessRule.forRole(ZONE, "staff", List.of())),
                mintingKeys(), passes);
        return BundleCodec.encode(bundle, keyId, signingKey);
    }

    public synchronized long bundleVersion() {
        return bundleVersion;
    }

    /** Serves these bytes as the bundle from now on. */
    public void serve(byte[] bytes) {
        served = bytes.clone();
    }

    private List<MintingKey> mintingKeys() {
        List<Minting> published = publishedMintingKeys != null ? publishedMintingKeys : List.of(minting);
        return published.stream().map(key -> new MintingKey(key.keyId(), key.key().getPublic())).toList();
    }

    private CredentialView view(TestPhone phone) {
        boolean active = !revokedCredentials.contains(phone.id);
        return phone.isPasskey()
                ? CredentialView.passkey(phone.id, phone.userId, "dev-" + phone.userId, active, true,
                        DeviceTrust.SYNCED, Set.of("staff"))
                : new CredentialView(phone.id, phone.userId, "dev-" + phone.userId, phone.key.getPublic(), active, true,
                        DeviceTrust.SOFTWARE, Set.of("staff"));
    }

    // ---- Handling ---------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String route = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            switch (route) {
                case "POST /api/v1/reader-enrollment" -> enroll(exchange);
                case "POST /api/v1/scans" -> scan(exchange);
                case "GET /api/v1/reader/bundle" -> bundle(exchange);
                case "POST /api/v1/reader/events" -> events(exchange);
                default -> problem(exchange, 404, "not_found", "no route " + route);
            }
        } catch (RuntimeException e) {
            problem(exchange, 500, "internal", e.toString());
        }
    }

    private void enroll(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        enrollRequests.add(body);
        String secret = body.path("secret").asText();
        if (usedSecrets.contains(secret)) {
            problem(exchange, 410, "provisioning_token_used", "this provisioning token was already used");
            return;
        }
        Provisioning provisioning = openSecrets.remove(secret);
        if (provisioning == null) {
            problem(exchange, 404, "provisioning_token_unknown", "no such provisioning token");
            return;
        }
        usedSecrets.add(secret);
        PublicKey key = PublicKeys.fromSpki(Base64Url.decode(body.path("publicKey").asText()));
        Reader reader = readersById.computeIfAbsent(provisioning.readerId(), Reader::new);
        readersByCredential.values().removeIf(existing -> existing == reader); // the old credential stops working
        reader.key = key;
        reader.revoked = false;
        String credential = "ghr_" + newSecret();
        readersByCredential.put(credential, reader);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("readerId", reader.readerId);
        answer.put("doorId", DOOR);
        answer.put("credential", credential);
        answer.putArray("bundleKeys").addObject().put("keyId", bundleKeyId)
                .put("publicKey", Base64Url.encode(PublicKeys.toSpki(bundleKey.getPublic())));
        answer.put("serverUrl", baseUrl().toString());
        send(exchange, 201, "application/json", answer.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Reader authenticate(HttpExchange exchange) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        Reader reader = header != null && header.startsWith("Bearer ") ? readersByCredential.get(header.substring(7)) : null;
        if (reader == null) {
            problem(exchange, 401, "invalid_token", "unknown reader credential");
            return null;
        }
        if (reader.revoked) {
            problem(exchange, 401, "reader_revoked", "reader " + reader.readerId + " was revoked");
            return null;
        }
        return reader;
    }

    private void scan(HttpExchange exchange) throws IOException {
        Reader reader = authenticate(exchange);
        if (reader == null) {
            return;
        }
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        scanRequests.add(body);
        AccessContext context = new AccessContext(door(), clock.millis() / 1000,
                id -> Optional.ofNullable(phones.get(id)).map(this::view),
                (id, nonce, expiresAt) -> spent.add(id + "/" + nonce),
                zone -> List.of(AccessRule.forRole(ZONE, "staff", List.of())),
                MintingKeyDirectory.of(mintingKeys()));
        Decision decision = new AccessVerifier().decide(body.path("payload").asText(), context);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("decision", decision.granted() ? "grant" : "deny");
        answer.put("reason", decision.granted() ? null : decision.reason().code());
        answer.put("mode", "online");
        answer.put("detail", decision.detail());
        answer.put("userId", decision.credential().map(CredentialView::userId).orElse(null));
        answer.put("eventId", body.path("eventId").asText());
        send(exchange, 200, "application/json", answer.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void bundle(HttpExchange exchange) throws IOException {
        if (authenticate(exchange) == null) {
            return;
        }
        byte[] bytes = served;
        if (bytes == null) {
            problem(exchange, 404, "no_bundle", "no bundle published yet");
            return;
        }
        send(exchange, 200, "application/octet-stream", bytes);
    }

    private void events(HttpExchange exchange) throws IOException {
        Reader reader = authenticate(exchange);
        if (reader == null) {
            return;
        }
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        uploadPendingCounts.add(String.valueOf(exchange.getRequestHeaders().getFirst(
                ServerClient.PENDING_EVENTS_HEADER)));
        int accepted = 0;
        int duplicates = 0;
        ArrayNode refused = JSON.createArrayNode();
        uploadBatchSizes.add(body.path("events").size());
        synchronized (storedEvents) {
            int index = -1;
            for (JsonNode json : body.path("events")) {
                index++;
                ReaderEvent event = EventJson.fromNode(json);
                if (refusedSeqs.contains(event.seq())) {
                    refused.addObject().put("index", index).put("eventId", event.eventId())
                            .put("code", "invalid_event").put("detail", "event " + index + ": refused by the test");
                    continue;
                }
                if (!event.readerId().equals(reader.readerId)) {
                    problem(exchange, 400, "wrong_reader", "event " + event.eventId() + " is not from this reader");
                    return;
                }
                if (storedEvents.containsKey(event.eventId())) {
                    duplicates++;
                    continue;
                }
                ReaderEvents.verifyChain(List.of(event), reader.head, reader.key).ifPresent(chainProblems::add);
                reader.head = ChainHead.of(event);
                storedEvents.put(event.eventId(), json);
                accepted++;
            }
        }
        duplicateEvents += duplicates;
        ObjectNode answer = JSON.createObjectNode().put("accepted", accepted).put("duplicates", duplicates)
                .put("lastSeq", reader.head.seq());
        answer.set("refused", refused);
        send(exchange, 200, "application/json", answer.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void problem(HttpExchange exchange, int status, String code, String detail) throws IOException {
        ObjectNode problem = JSON.createObjectNode();
        problem.put("type", "https://gatehouse.example/problems/" + code);
        problem.put("title", code);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("code", code);
        send(exchange, status, "application/problem+json", problem.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String newSecret() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
