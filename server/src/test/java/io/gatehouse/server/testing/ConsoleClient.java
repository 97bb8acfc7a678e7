package io.gatehouse.server.testing;

import io.gatehouse.server.common.ClientInfo;
import io.gatehouse.server.console.ConsoleSessions;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A console session over plain HTTP, for tests of what the console refuses or changes without a browser: it holds
 * the session cookie, follows no redirects, and reads the CSRF token from a page like a form would. Its answers are
 * held to the API contract too ({@link OpenApiContract}): the console's pages are not in the document, but a
 * refusal in JSON must be a problem document and anything it asks under {@code /api/} must be documented.
 */
public final class ConsoleClient {
    private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]*)\">");

    private final TestServer server;
    private final String cookie;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private ConsoleClient(TestServer server, String cookie) {
        this.server = server;
        this.cookie = cookie;
    }

    /**
     * Signs {@code userId} in directly, as a passkey sign-in would (the browser tests go through the real passkey
     * ceremony): the session starts in the server's own service.
     */
    public static ConsoleClient signIn(TestServer server, String userId) {
        ConsoleSessions sessions = server.gatehouse().console().sessions();
        ConsoleSessions.Started started = server.gatehouse().services().core().database().inTransaction(tx ->
                sessions.start(tx, userId, "test", "test", ClientInfo.local("test")));
        return new ConsoleClient(server, started.cookie());
    }

    /** A client without a session. */
    public static ConsoleClient anonymous(TestServer server) {
        return new ConsoleClient(server, null);
    }

    /** The cookie a browser holds: name and value, for a browser test that starts signed in. */
    public String cookieValue() {
        return cookie;
    }

    public static String cookieName() {
        return "gh_console";
    }

    public HttpResult get(String path) {
        return send(HttpRequest.newBuilder(server.uri(path)).GET());
    }

    /** The CSRF token the page at {@code path} gives its forms. */
    public String csrfFrom(String path) {
        HttpResult page = get(path);
        Matcher matcher = CSRF.matcher(page.text());
        if (!matcher.find()) {
            throw new AssertionError("no CSRF token on " + path + ": " + page);
        }
        return matcher.group(1);
    }

    /** Posts a form as a browser would, from this server's origin. */
    public HttpResult postForm(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(server.uri(path)).header("Content-Type",
                "application/x-www-form-urlencoded").header("Origin", origin())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public String origin() {
        return server.gatehouse().baseUrl().getScheme() + "://" + server.gatehouse().baseUrl().getAuthority();
    }

    public HttpResult send(HttpRequest.Builder request) {
        if (cookie != null) {
            request.header("Cookie", cookieName() + "=" + cookie);
        }
        try {
            HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
            HttpResponse<byte[]> response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
            OpenApiContract.get().check(response, response.body());
            return new HttpResult(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
