package io.gatehouse.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.protocol.access.CredentialId;
import io.gatehouse.protocol.access.DeviceTrust;
import io.gatehouse.protocol.access.PublicKeys;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;

/**
 * Enrols a device key with a Gatehouse server through a single-use enrollment link.
 *
 * <p>The contract: {@code POST {enrollmentUrl}} with
 * <pre>{"publicKey":"&lt;base64url X.509 SubjectPublicKeyInfo DER&gt;",
 *  "device":{"model":"…","os":"…","appVersion":"…"},"attestation":null}</pre>
 * answered by {@code 201} with {@code {"credentialId":"<base64url 16 bytes>","deviceId":"…","trust":"software"}},
 * or by an RFC 9457 problem ({@code {"type","title","status","detail","code"}}; 410 when the link was
 * used or has expired), which {@link #enroll} throws as a {@link WalletException} with the status and
 * the code.
 */
public final class EnrollmentClient {

    /** How long the whole exchange may take. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A problem detail is shown to the user; a hostile server must not flood the terminal. */
    private static final int MAX_SHOWN = 300;

    private final HttpClient http;

    /**
     * Creates a client with its own HTTP client (10 s connect timeout, no redirects followed).
     */
    public EnrollmentClient() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /**
     * Creates a client on a given HTTP client (for custom TLS trust, proxies or timeouts).
     *
     * @param http the HTTP client; not null
     */
    public EnrollmentClient(HttpClient http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * Sends the public key to the enrollment link and returns the new credential.
     *
     * @param enrollmentUrl the single-use link the user received; not null; http or https
     * @param publicKey the device's P-256 public key; not null
     * @param device what the device reports about itself; not null
     * @return the server's answer, never null
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL or the key is not P-256
     * @throws WalletException with the HTTP status and the problem's {@code code} if the server refuses
     *     (for example 410 with the server's code when the link was used or expired); with code
     *     {@code server_unreachable} if no answer came; with code {@code invalid_response} if the answer
     *     does not follow the contract
     */
    public Enrollment enroll(URI enrollmentUrl, PublicKey publicKey, DeviceFacts device) {
        URI baseUrl = baseUrlOf(enrollmentUrl);
        Objects.requireNonNull(device, "device");
        ObjectNode body = JSON.createObjectNode();
        body.put("publicKey", Base64.getUrlEncoder().withoutPadding().encodeToString(PublicKeys.toSpki(publicKey)));
        ObjectNode deviceJson = body.putObject("device");
        deviceJson.put("model", device.model());
        deviceJson.put("os", device.os());
        deviceJson.put("appVersion", device.appVersion());
        body.putNull("attestation"); // a software key has no attestation; the server then grants "software"

        HttpRequest request = HttpRequest.newBuilder(enrollmentUrl)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", DeviceFacts.CLI_MODEL + "/" + WalletVersion.get())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new WalletException(WalletException.NO_HTTP_STATUS, "server_unreachable",
                    "no answer from " + baseUrl + " to the enrollment request: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalletException("interrupted", "the enrollment request was interrupted", e);
        }
        if (response.statusCode() != 201) {
            throw problem(response);
        }
        return parseCreated(response, baseUrl);
    }

    /**
     * Derives the server base URL from an enrollment URL: its scheme, host and port, nothing else.
     *
     * @param enrollmentUrl the link; not null
     * @return {@code scheme://host[:port]}, never null
     * @throws IllegalArgumentException if the URL is not an absolute http(s) URL with a host
     */
    public static URI baseUrlOf(URI enrollmentUrl) {
        Objects.requireNonNull(enrollmentUrl, "enrollmentUrl");
        String scheme = enrollmentUrl.getScheme() == null ? "" : enrollmentUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || enrollmentUrl.getHost() == null) {
            throw new IllegalArgumentException("enrollment URL: expected an absolute http(s) URL with a host, got " + enrollmentUrl);
        }
        try {
            return new URI(scheme, null, enrollmentUrl.getHost(), enrollmentUrl.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("enrollment URL: cannot derive the server URL from " + enrollmentUrl, e);
        }
    }

    // ---- Private helpers --------------------------------------------------------------------------

    private static Enrollment parseCreated(HttpResponse<String> response, URI baseUrl) {
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw invalid(response, "expected a JSON object, got: " + shorten(response.body()));
        }
        if (json == null || !json.isObject()) {
            throw invalid(response, "expected a JSON object, got: " + shorten(response.body()));
        }
        String credentialId = requireText(json, "credentialId", response);
        String deviceId = requireText(json, "deviceId", response);
        String trust = requireText(json, "trust", response);
        try {
            return new Enrollment(CredentialId.parse(credentialId), deviceId, DeviceTrust.parse(trust), baseUrl);
        } catch (IllegalArgumentException e) {
            throw invalid(response, e.getMessage());
        }
    }

    private static String requireText(JsonNode json, String name, HttpResponse<String> response) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw invalid(response, "expected a non-empty string member \"" + name + "\", got " + shorten(String.valueOf(value)));
        }
        return value.asText();
    }

    private static WalletException invalid(HttpResponse<String> response, String problem) {
        return new WalletException(response.statusCode(), "invalid_response",
                "the server's answer to the enrollment does not follow the contract: " + problem, null);
    }

    /** Turns a refusal into an exception, from its RFC 9457 problem document when there is one. */
    private static WalletException problem(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode json = null;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException notJson) {
            // Not a problem document (a proxy's HTML page, say); reported below with the status alone.
        }
        if (json == null || !json.isObject() || !json.path("code").isTextual()) {
            return new WalletException(status, "http_" + status, "enrollment refused with HTTP " + status
                    + " and no problem document: " + shorten(response.body()), null);
        }
        String code = shorten(json.path("code").asText());
        String title = json.path("title").asText("");
        String detail = json.path("detail").asText("");
        StringBuilder message = new StringBuilder("enrollment refused: HTTP ").append(status);
        if (!title.isEmpty()) {
            message.append(' ').append(shorten(title));
        }
        if (!detail.isEmpty()) {
            message.append(": ").append(shorten(detail));
        }
        message.append(" (code ").append(code).append(')');
        return new WalletException(status, code, message.toString(), null);
    }

    private static String shorten(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replaceAll("\\p{Cntrl}", " ").strip();
        return oneLine.length() <= MAX_SHOWN ? oneLine : oneLine.substring(0, MAX_SHOWN) + "…";
    }
}
