package io.gatehouse.reader.door;

import io.gatehouse.reader.ReaderException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * POSTs {@code {"door":"…","action":"unlock","seconds":n}} to a URL for each unlock, for relay boards and
 * building systems with an HTTP interface. Any 2xx status is success.
 */
public final class HttpDoorDriver implements DoorDriver {

    /** How long the call may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI url;
    private final String doorId;

    /**
     * Creates the driver.
     *
     * @param http the client; not null
     * @param url where to POST; not null, http or https
     * @param doorId the door named in the body; not null
     * @throws IllegalArgumentException if the URL is not http(s)
     */
    public HttpDoorDriver(HttpClient http, URI url, String doorId) {
        this.http = Objects.requireNonNull(http, "http");
        this.url = Objects.requireNonNull(url, "url");
        this.doorId = Objects.requireNonNull(doorId, "doorId");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("door URL: expected http or https, got " + url);
        }
    }

    /**
     * Returns the URL.
     *
     * @return the URL, never null
     */
    public URI url() {
        return url;
    }

    /**
     * Makes the call.
     *
     * @throws ReaderException with code {@code door_driver_failed} if the call fails or the status is not 2xx
     */
    @Override
    public void unlock(Duration duration) {
        String body = "{\"door\":" + quote(doorId) + ",\"action\":\"unlock\",\"seconds\":" + duration.toSeconds() + "}";
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new ReaderException("door_driver_failed", "door URL " + url + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReaderException("door_driver_failed", "interrupted while calling door URL " + url, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new ReaderException("door_driver_failed", "door URL " + url + " answered HTTP " + response.statusCode()
                    + ", expected 2xx");
        }
    }

    /** A JSON string literal; door ids are plain, but nothing is assumed. */
    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
