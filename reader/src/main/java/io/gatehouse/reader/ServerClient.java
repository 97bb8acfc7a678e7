package io.gatehouse.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.access.PublicKeys;
import io.gatehouse.protocol.bundle.BundleCodec;
import io.gatehouse.protocol.bundle.TrustedKey;
import io.gatehouse.protocol.codec.Base64Url;
import io.gatehouse.protocol.reader.ReaderEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The reader's side of the server contract (all under {@code {base}/api/v1}, JSON, errors as RFC 9457
 * problems with a {@code code}):
 * <ul>
 *   <li>{@code POST /reader-enrollment} {@code {"secret","publicKey","facts":{…}}} → 201
 *       {@code {"readerId","doorId","credential","bundleKeys":[{"keyId","publicKey"}],"serverUrl"}};</li>
 *   <li>{@code POST /scans} (Bearer) {@code {"payload","eventId"}} → 200 {@code {"decision","reason","mode",…}};</li>
 *   <li>{@code GET /reader/bundle} (Bearer) → 200 {@code application/octet-stream};</li>
 *   <li>both calls below send {@value #PENDING_EVENTS_HEADER}: how many events the queue holds unacknowledged, which
 *       the server shows as the reader's status;</li>
 *   <li>{@code POST /reader/events} (Bearer) {@code {"events":[…]}} → 200 {@code {"accepted","duplicates","lastSeq","refused":[…]}};
 *       {@code refused} lists the events the server will never store (malformed), each with its index.</li>
 * </ul>
 * Every call has a deadline for the whole exchange, and every answer body a size limit. Thread-safe.
 */
public final class ServerClient {

    /** The count of events the reader holds that the server has not acknowledged yet; informative only. */
    public static final String PENDING_EVENTS_HEADER = "Gatehouse-Pending-Events";

    /** The largest JSON answer read. */
    public static final int MAX_JSON_BYTES = 256 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;

    /**
     * Creates a client.
     *
     * @param http the HTTP client (TLS trust, proxies); not null
     */
    public ServerClient(HttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * Creates the HTTP client the reader uses: HTTP/1.1, no redirects, a connect timeout.
     *
     * @param connectTimeout how long to wait for a connection; not null, positive
     * @return a new client, never null
     */
    public static HttpClient defaultHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    // ---- Answers ----------------------------------------------------------------------------------

    /**
     * What enrollment returned.
     *
     * @param readerId the reader's id; not null
     * @param doorId its door; not null
     * @param credential the bearer credential; not null; a secret
     * @param bundleKeys the bundle-signing keys to pin; not null, not empty
     * @param serverUrl the server's base URL for later calls; not null
     */
    public record Enrollment(String readerId, String doorId, String credential, List<TrustedKey> bundleKeys,
            URI serverUrl) {

        /** @throws NullPointerException if a reference is null */
        public Enrollment {
            Objects.requireNonNull(readerId, "readerId");
            Objects.requireNonNull(doorId, "doorId");
            Objects.requireNonNull(credential, "credential");
            bundleKeys = List.copyOf(bundleKeys);
            Objects.requireNonNull(serverUrl, "serverUrl");
        }

        @Override
        public String toString() {
            return "Enrollment[readerId=" + readerId + ", doorId=" + doorId + ", credential=(hidden), bundleKeys="
                    + bundleKeys.stream().map(TrustedKey::keyId).toList() + ", serverUrl=" + serverUrl + "]";
        }
    }

    /**
     * The server's decision on a relayed scan.
     *
     * @param decision {@code grant} or {@code deny}; not null
     * @param reason the reason code, or null
     * @param detail the server's explanation, or null
     * @param userId the credential's user if the server said, or null
     */
    public record ScanVerdict(String decision, String reason, String detail, String userId) {
    }

    /**
     * The server's receipt for an upload.
     *
     * @param accepted events newly stored
     * @param duplicates events it already had
     * @param lastSeq the highest seq it holds for this reader
     * @param refused events it refused for good (malformed), with their index in the batch and the reason; a
     *     server that predates the field answers none
     */
    public record UploadReceipt(long accepted, long duplicates, long lastSeq, List<RefusedEvent> refused) {

        /** @throws NullPointerException if {@code refused} is null */
        public UploadReceipt {
            refused = List.copyOf(refused);
        }
    }

    /**
     * One event the server refused.
     *
     * @param index its position in the uploaded batch
     * @param code the stable reason code
     * @param detail the server's explanation
     */
    public record RefusedEvent(int index, String code, String detail) {
    }

    // ---- Calls ------------------------------------------------------------------------------------

    /**
     * Enrols the reader with a provisioning token.
     *
     * @param token the token; not null
     * @param publicKey the reader's new public key; not null
     * @param facts what the reader says about itself ({@code model}, {@code os}, {@code version}); not null
     * @param timeout the deadline for the exchange; not null
     * @return the enrollment, never null
     * @throws ReaderException with the HTTP status and the problem's code if the server refuses (410 when the
     *     token was used or expired, 404 when unknown); {@code server_unreachable} if no answer came;
     *     {@code invalid_response} if the answer breaks the contract
     */
    public Enrollment enroll(ProvisioningToken token, PublicKey publicKey, Map<String, String> facts, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("secret", token.secret());
        body.put("publicKey", Base64Url.encode(PublicKeys.toSpki(publicKey)));
        ObjectNode factsJson = body.putObject("facts");
        facts.forEach(factsJson::put);
        HttpRequest request = jsonPost(endpoint(token.serverBase(), "/api/v1/reader-enrollment"), null, body, timeout);
        Response response;
        try {
            response = exchange(request, MAX_JSON_BYTES, timeout);
        } catch (Unanswered e) {
            throw new ReaderException("server_unreachable", "no answer from " + token.serverBase() + ": " + e.getMessage(), e);
        }
        if (response.status() != 201) {
            Problem problem = Problem.of(response);
            throw new ReaderException(response.status(), problem.code(), "the server refused the enrollment (HTTP "
                    + response.status() + "): " + problem.detail(), null);
        }
        try {
            JsonNode json = JSON.readTree(response.body());
            List<TrustedKey> keys = new ArrayList<>();
            for (JsonNode key : json.path("bundleKeys")) {
                keys.add(new TrustedKey(text(key, "keyId"), PublicKeys.fromSpki(Base64Url.decode(text(key, "publicKey")))));
            }
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("expected at least one bundle key, got none");
            }
            String credential = text(json, "credential");
            if (!credential.startsWith("ghr_")) {
                throw new IllegalArgumentException("expected a credential starting with ghr_");
            }
            URI serverUrl = json.hasNonNull("serverUrl") ? URI.create(text(json, "serverUrl")) : token.serverBase();
            if (!"http".equals(serverUrl.getScheme()) && !"https".equals(serverUrl.getScheme())) {
                throw new IllegalArgumentException("expected an http(s) serverUrl, got " + serverUrl);
            }
            return new Enrollment(text(json, "readerId"), text(json, "doorId"), credential, keys, serverUrl);
        } catch (IOException | RuntimeException e) {
            throw new ReaderException(201, "invalid_response", "the enrollment answer does not follow the contract: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Relays a scan for an online decision.
     *
     * @param base the server's base URL; not null
     * @param credential the reader's bearer credential; not null
     * @param payload the scanned text; not null
     * @param eventId the event id the reader gives this scan; not null
     * @param timeout the deadline; past it the reader decides offline; not null
     * @return the answer, never null; never throws for network or server failures
     */
    public ServerAnswer<ScanVerdict> scan(URI base, String credential, String payload, String eventId, Duration timeout) {
        ObjectNode body = JSON.createObjectNode().put("payload", payload).put("eventId", eventId);
        HttpRequest request = jsonPost(endpoint(base, "/api/v1/scans"), credential, body, timeout);
        return call(request, MAX_JSON_BYTES, timeout, response -> {
            JsonNode json = JSON.readTree(response.body());
            String decision = json.path("decision").asText("");
            if (!decision.equals("grant") && !decision.equals("deny")) {
                throw new IllegalArgumentException("expected decision grant or deny, got " + json.path("decision"));
            }
            return new ScanVerdict(decision, optionalText(json, "reason"), optionalText(json, "detail"),
                    optionalText(json, "userId"));
        });
    }

    /**
     * Downloads the reader's bundle (at most {@link BundleCodec#MAX_BYTES} bytes). The bytes are not
     * checked here.
     *
     * @param base the server's base URL; not null
     * @param credential the reader's bearer credential; not null
     * @param pendingEvents the events in the queue not acknowledged yet; not negative
     * @param timeout the deadline; not null
     * @return the answer, never null
     */
    public ServerAnswer<byte[]> bundle(URI base, String credential, long pendingEvents, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(endpoint(base, "/api/v1/reader/bundle"))
                .timeout(timeout)
                .header("Authorization", "Bearer " + credential)
                .header(PENDING_EVENTS_HEADER, Long.toString(pendingEvents))
                .header("Accept", "application/octet-stream")
                .GET()
                .build();
        return call(request, BundleCodec.MAX_BYTES, timeout, Response::body);
    }

    /**
     * Uploads events in seq order.
     *
     * @param base the server's base URL; not null
     * @param credential the reader's bearer credential; not null
     * @param events the events; not null
     * @param pendingEvents the events in the queue not acknowledged yet, these included; not negative
     * @param timeout the deadline; not null
     * @return the answer, never null
     */
    public ServerAnswer<UploadReceipt> upload(URI base, String credential, List<ReaderEvent> events,
            long pendingEvents, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode array = body.putArray("events");
        events.forEach(event -> array.add(EventJson.toNode(event)));
        HttpRequest request = HttpRequest.newBuilder(jsonPost(endpoint(base, "/api/v1/reader/events"), credential,
                body, timeout), (name, value) -> true).header(PENDING_EVENTS_HEADER, Long.toString(pendingEvents))
                .build();
        return call(request, MAX_JSON_BYTES, timeout, response -> {
            JsonNode json = JSON.readTree(response.body());
            for (String member : List.of("accepted", "duplicates", "lastSeq")) {
                if (!json.path(member).isIntegralNumber()) {
                    throw new IllegalArgumentException("expected an integer '" + member + "', got " + json.path(member));
                }
            }
            List<RefusedEvent> refused = new ArrayList<>();
            JsonNode list = json.path("refused");
            if (!list.isMissingNode() && !list.isArray()) {
                throw new IllegalArgumentException("expected an array 'refused', got " + list.getNodeType());
            }
            for (JsonNode item : list) {
                if (!item.path("index").isIntegralNumber() || item.get("index").asLong() < 0
                        || item.get("index").asLong() >= events.size()) {
                    throw new IllegalArgumentException("expected each refused event's 'index' to be 0 to "
                            + (events.size() - 1) + ", got " + item.path("index"));
                }
                refused.add(new RefusedEvent(item.get("index").asInt(), item.path("code").asText(""),
                        item.path("detail").asText("")));
            }
            return new UploadReceipt(json.get("accepted").asLong(), json.get("duplicates").asLong(),
                    json.get("lastSeq").asLong(), refused);
        });
    }

    // ---- Plumbing ---------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Reading<T> {
        T read(Response response) throws IOException;
    }

    private <T> ServerAnswer<T> call(HttpRequest request, int limit, Duration timeout, Reading<T> reading) {
        Response response;
        try {
            response = exchange(request, limit, timeout);
        } catch (Unanswered e) {
            return new ServerAnswer.Unreachable<>(e.getMessage());
        }
        int status = response.status();
        if (status == 200) {
            try {
                return new ServerAnswer.Ok<>(reading.read(response));
            } catch (IOException | RuntimeException e) {
                return new ServerAnswer.Unreachable<>("the answer to " + request.method() + " " + request.uri().getPath()
                        + " does not follow the contract: " + e.getMessage());
            }
        }
        Problem problem = Problem.of(response);
        if (status == 401) {
            return new ServerAnswer.Unauthorized<>(problem.code(), problem.detail());
        }
        if (status >= 400 && status < 500) {
            return new ServerAnswer.Refused<>(status, problem.code(), problem.detail());
        }
        return new ServerAnswer.Unreachable<>("HTTP " + status + " " + problem.code() + ": " + problem.detail());
    }

    private record Response(int status, byte[] body) {
    }

    /** No HTTP answer at all. */
    private static final class Unanswered extends Exception {
        private static final long serialVersionUID = 1L;

        Unanswered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Response exchange(HttpRequest request, int limit, Duration timeout) throws Unanswered {
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> new LimitedBody(limit));
        try {
            HttpResponse<byte[]> response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Response(response.statusCode(), response.body());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Unanswered("no answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new Unanswered(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new Unanswered("interrupted", e);
        }
    }

    private static HttpRequest jsonPost(URI uri, String credential, ObjectNode body, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (credential != null) {
            builder.header("Authorization", "Bearer " + credential);
        }
        return builder.build();
    }

    static URI endpoint(URI base, String path) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text + path);
    }

    private static String text(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("expected a non-empty string '" + name + "'");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode json, String name) {
        JsonNode value = json.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The code and detail of a problem answer, or stand-ins when the body is not a problem. */
    private record Problem(String code, String detail) {
        private static final int MAX_SHOWN = 300;

        static Problem of(Response response) {
            try {
                JsonNode json = JSON.readTree(response.body());
                String code = json.path("code").asText("");
                String detail = json.path("detail").asText(json.path("title").asText(""));
                return new Problem(code.isEmpty() ? "http_" + response.status() : shorten(code),
                        detail.isEmpty() ? "HTTP " + response.status() : shorten(detail));
            } catch (IOException | RuntimeException e) {
                return new Problem("http_" + response.status(), "HTTP " + response.status() + " without a problem body");
            }
        }

        private static String shorten(String text) {
            return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "…";
        }
    }

    /** Collects a body up to a limit; a longer body fails the exchange instead of filling memory. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream collected = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription newSubscription) {
            this.subscription = newSubscription;
            newSubscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                if ((long) collected.size() + item.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new IOException("answer body larger than the limit of " + limit + " bytes"));
                    return;
                }
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                collected.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(collected.toByteArray());
        }
    }
}
