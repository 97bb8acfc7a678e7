package io.gatehouse.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.RawHttp;
import io.gatehouse.server.testing.Snapshot;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The edge of the HTTP API: Jetty's own refusals are problem documents too, media types and numbers are parsed
 * exactly, details never quote the parser, every list pages, and enrollment pages work with a trailing slash.
 */
@DatabaseTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpEdgeTest {
    @TempDir
    static Path data;
    TestServer server;

    @BeforeAll
    void start() {
        server = TestServer.start(data);
        for (String site : List.of("Aachen", "Bonn", "Celle")) {
            String siteId = created("/api/v1/sites", Map.of("name", site, "timeZone", "Europe/Berlin"));
            String zoneId = created("/api/v1/zones", Map.of("siteId", siteId, "name", site + " offices"));
            String doorId = created("/api/v1/doors", Map.of("zoneId", zoneId, "name", site + " main door"));
            created("/api/v1/readers", Map.of("doorId", doorId, "name", site + " reader"));
            String role = site.toLowerCase(java.util.Locale.ROOT) + "-staff";
            created("/api/v1/access-rules", Map.of("zoneId", zoneId, "role", role));
            assertThat(server.put("/api/v1/policies/" + role, Map.of("digits", 6)).status()).isEqualTo(200);
            created("/api/v1/tokens", Map.of("name", site + " app", "scopes", List.of("verify")));
        }
        server.sealAudit();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    String created(String path, Map<String, Object> body) {
        return server.createdId(path, body);
    }

    static Stream<Arguments> brokenHeads() {
        String longPath = "/" + "a".repeat(9000);
        return Stream.of(
                Arguments.of("a request line without a target", "GARBAGE\r\n\r\n", 400, "invalid_uri"),
                Arguments.of("a header line without a colon", "GET /health/live HTTP/1.1\r\nHost: a\r\nBroken\r\n"
                        + "Connection: close\r\n\r\n", 400, "malformed_request"),
                Arguments.of("a path that climbs above the root", "GET /a/../../b HTTP/1.1\r\nHost: a\r\n"
                        + "Connection: close\r\n\r\n", 400, "malformed_request"),
                Arguments.of("HTTP/2 spoken as HTTP/1", "GET /health/live HTTP/2.0\r\nHost: a\r\n"
                        + "Connection: close\r\n\r\n", 426, "unsupported_http_version"),
                Arguments.of("a Host with a space", "GET /health/live HTTP/1.1\r\nHost: a b\r\n"
                        + "Connection: close\r\n\r\n", 400, "invalid_host"),
                Arguments.of("no Host header", "GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n", 400,
                        "invalid_host"),
                Arguments.of("two Host headers", "GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n"
                        + "Connection: close\r\n\r\n", 400, "invalid_host"),
                Arguments.of("a request line over 8 KiB", "GET " + longPath + " HTTP/1.1\r\nHost: a\r\n"
                        + "Connection: close\r\n\r\n", 414, "uri_too_long"),
                Arguments.of("headers over 8 KiB", "GET /health/live HTTP/1.1\r\nHost: a\r\nX-Big: "
                        + "b".repeat(9000) + "\r\nConnection: close\r\n\r\n", 431, "headers_too_large"),
                Arguments.of("an unknown transfer coding", "POST /api/v1/users HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: gzip\r\nConnection: close\r\n\r\n", 400, "malformed_request"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenHeads")
    void Jetty_refusals_are_problem_documents_with_stable_codes(String what, String request, int status,
            String code) {
        RawHttp.Answer answer = RawHttp.send(server.gatehouse().port(), request);
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).matches("(?i)application/problem\\+json; ?charset=utf-8");
        assertThat(answer.json().get("code").asText()).isEqualTo(code);
        assertThat(answer.json().get("status").asInt()).isEqualTo(status);
        assertThat(answer.text()).doesNotContain("<html").doesNotContain("jetty").doesNotContain("Exception");
    }

    static Stream<Arguments> mediaTypes() {
        return Stream.of(
                Arguments.of("application/jsonx", 415),
                Arguments.of("application/json-patch", 415),
                Arguments.of("text/json", 415),
                Arguments.of("application/json; charset=iso-8859-1", 415),
                Arguments.of("application/json;;", 415),
                Arguments.of("application/json; charset=utf-8", 201),
                Arguments.of("Application/JSON;Charset=\"UTF-8\"", 201),
                Arguments.of("application/merge-patch+json", 201));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("mediaTypes")
    void only_JSON_media_types_in_UTF_8_are_read_as_JSON(String type, int status) {
        String before = Snapshot.of(server.gatehouse().services().core().database());
        HttpResult result = server.send(HttpRequest.newBuilder(server.uri("/api/v1/tokens"))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"typed\",\"scopes\":[\"verify\"]}")),
                server.adminToken());
        assertThat(result.status()).as(result.toString()).isEqualTo(status);
        if (status == 415) {
            assertThat(result.json().get("code").asText()).isEqualTo("unsupported_media_type");
            assertThat(Snapshot.of(server.gatehouse().services().core().database())).isEqualTo(before);
        }
    }

    static Stream<Arguments> numbers() {
        return Stream.of(Arguments.of("/api/v1/audit?limit=５"), Arguments.of("/api/v1/sites?limit=٣"),
                Arguments.of("/api/v1/tokens?limit=+5"), Arguments.of("/api/v1/users?limit=1e2"),
                Arguments.of("/api/v1/readers?limit=99999999999999999999"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void numbers_in_query_parameters_are_ASCII_digits_only(String target) {
        HttpResult result = server.get(target);
        assertThat(result.status()).as(result.toString()).isEqualTo(400);
        assertThat(result.json().get("code").asText()).isEqualTo("invalid_parameter");
        assertThat(result.json().get("detail").asText()).contains("ASCII digits");
    }

    static Stream<Arguments> badJson() {
        return Stream.of(
                Arguments.of("{\"name\": tru}", "not valid JSON at line 1, column"),
                Arguments.of("{\"name\": \"a\", \"name\": \"b\"}", "one repeats at line 1"),
                Arguments.of("{\"name\": \"a\"} {}", "more content follows it"),
                Arguments.of("{\"name\": \"a\"", "the body ends"),
                Arguments.of("[".repeat(40), "levels of nesting"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJson")
    void invalid_JSON_is_described_without_the_parser_s_own_words(String body, String expected) {
        HttpResult result = server.post("/api/v1/tokens", body);
        assertThat(result.status()).as(result.toString()).isEqualTo(400);
        assertThat(result.json().get("code").asText()).isEqualTo("invalid_json");
        String detail = result.json().get("detail").asText();
        assertThat(detail).contains(expected).startsWith("expected");
        assertThat(detail).doesNotContainIgnoringCase("jackson").doesNotContain("com.fasterxml")
                .doesNotContain("Unrecognized token").doesNotContain("`").doesNotContain("ObjectNode");
    }

    static Stream<Arguments> lists() {
        return Stream.of(Arguments.of("/api/v1/sites", "/sites", "/id"),
                Arguments.of("/api/v1/zones", "/zones", "/id"),
                Arguments.of("/api/v1/doors", "/doors", "/id"),
                Arguments.of("/api/v1/readers", "/readers", "/id"),
                Arguments.of("/api/v1/access-rules", "/accessRules", "/id"),
                Arguments.of("/api/v1/tokens", "/tokens", "/id"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lists")
    void every_list_pages_with_limit_and_after_without_repeating_or_skipping(String path, String items,
            String id) {
        JsonNode all = server.get(path + "?limit=1000").json();
        List<String> expected = new ArrayList<>();
        all.at(items).forEach(item -> expected.add(item.at(id).asText()));
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
        assertThat(all.get("next").isNull()).isTrue();

        List<String> paged = new ArrayList<>();
        String next = null;
        do {
            JsonNode page = server.get(path + "?limit=2" + (next == null ? "" : "&after=" + next)).json();
            assertThat(page.at(items).size()).isLessThanOrEqualTo(2);
            page.at(items).forEach(item -> paged.add(item.at(id).asText()));
            next = page.get("next").isNull() ? null : page.get("next").asText();
        } while (next != null);
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(new HashSet<>(paged)).hasSameSizeAs(paged);
    }

    @Test
    void role_policies_page_like_every_other_list() {
        JsonNode first = server.get("/api/v1/policies?limit=2").json();
        assertThat(first.get("roles").size()).isEqualTo(2);
        assertThat(first.has("default")).isTrue();
        JsonNode second = server.get("/api/v1/policies?limit=2&after=" + first.get("next").asText()).json();
        List<String> roles = new ArrayList<>();
        first.get("roles").fieldNames().forEachRemaining(roles::add);
        second.get("roles").fieldNames().forEachRemaining(roles::add);
        assertThat(roles).containsExactly("aachen-staff", "bonn-staff", "celle-staff");
        assertThat(second.get("next").isNull()).isTrue();
    }

    @Test
    void a_cursor_that_no_page_handed_out_is_refused() {
        for (String after : List.of("not-a-cursor", "AAAA", "eA", "Y2FmZQ")) {
            HttpResult result = server.get("/api/v1/access-rules?after=" + after);
            assertThat(result.status()).as(after + " " + result).isEqualTo(400);
            assertThat(result.json().get("code").asText()).isEqualTo("invalid_parameter");
        }
    }

    @Test
    void the_TOTP_enrollment_page_with_a_trailing_slash_still_links_its_QR_image_and_form() {
        String userId = created("/api/v1/users", Map.of("username", "slash"));
        String url = server.post("/api/v1/users/" + userId + "/totp/enrollments", "").json().get("enrollmentUrl")
                .asText();
        HttpResult page = server.get(url + "/", null);
        assertThat(page.status()).isEqualTo(200);
        Matcher image = Pattern.compile("<img class=\"qr\"[^>]* src=\"([^\"]+)\"").matcher(page.text());
        assertThat(image.find()).isTrue();
        assertThat(image.group(1)).startsWith("/enroll/totp/");
        HttpResult svg = server.get(image.group(1), null);
        assertThat(svg.status()).isEqualTo(200);
        assertThat(svg.contentType()).startsWith("image/svg+xml");
        Matcher form = Pattern.compile("<form method=\"post\" action=\"([^\"]+)\"").matcher(page.text());
        assertThat(form.find()).isTrue();
        assertThat(form.group(1)).isEqualTo(server.uri(url).getPath() + "/activate");
    }

    @Test
    void the_device_enrollment_page_links_its_QR_image_by_absolute_path() {
        String userId = created("/api/v1/users", Map.of("username", "slash.device"));
        String url = server.post("/api/v1/users/" + userId + "/device-enrollments", "").json()
                .get("enrollmentUrl").asText();
        HttpResult page = server.get(url + "/", null);
        Matcher image = Pattern.compile("<img class=\"qr\"[^>]* src=\"([^\"]+)\"").matcher(page.text());
        assertThat(image.find()).isTrue();
        assertThat(image.group(1)).isEqualTo(server.uri(url).getPath() + "/qr.png");
        assertThat(server.get(image.group(1), null).contentType()).isEqualTo("image/png");
    }

    /**
     * A header value is read exactly on a connection that sent it before in another case: Jetty's field cache
     * would otherwise take an upper-cased credential for the lower-case one sent earlier on the same connection.
     */
    @Test
    void a_credential_that_differs_only_in_case_from_the_previous_request_s_is_refused() throws Exception {
        String token = server.adminToken();
        int separator = token.lastIndexOf('_');
        String upperCased = token.substring(0, separator + 1)
                + token.substring(separator + 1).toUpperCase(java.util.Locale.ROOT);
        assertThat(upperCased).isNotEqualTo(token);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.gatehouse().port())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(("GET /api/v1/users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\n\r\nGET /api/v1/users HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + upperCased + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String answers = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(answers);
            List<String> statuses = new ArrayList<>();
            while (status.find()) {
                statuses.add(status.group(1));
            }
            assertThat(statuses).containsExactly("200", "401");
        }
    }
}
