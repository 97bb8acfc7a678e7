package io.gatehouse.server.totp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.protocol.otp.OtpAuthUri;
import io.gatehouse.protocol.otp.Totp;
import io.gatehouse.server.testing.DatabaseTest;
import io.gatehouse.server.testing.HttpResult;
import io.gatehouse.server.testing.Snapshot;
import io.gatehouse.server.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed input of every kind gets a problem response with a stable code and changes nothing stored. One
 * enrolled user exists, so that "changes nothing" is checked against real state.
 */
@DatabaseTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputTest {
    @TempDir
    static Path data;
    TestServer server;
    String enrollmentUrl;

    @BeforeAll
    void start() {
        server = TestServer.start(data);
        HttpResult user = server.post("/api/v1/users", Map.of("username", "rita", "roles", List.of("admins")));
        String id = user.json().get("id").asText();
        server.post("/api/v1/users/" + id + "/totp/enrollments", "");
        // A second, pending enrollment for another user: its link must survive bad activations.
        String other = server.post("/api/v1/users", Map.of("username", "sam")).json().get("id").asText();
        enrollmentUrl = server.post("/api/v1/users/" + other + "/totp/enrollments", "").json().get("enrollmentUrl")
                .asText();
        String page = server.get(enrollmentUrl, null).text();
        Matcher uri = Pattern.compile("id=\"uri\">([^<]+)<").matcher(page);
        assertThat(uri.find()).isTrue();
        OtpAuthUri.Parsed parsed = OtpAuthUri.parse(uri.group(1).replace("&amp;", "&"));
        assertThat(new Totp(parsed.params(), parsed.secret()).codeAt(0)).hasSize(6);
        server.sealAudit();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static Stream<Arguments> malformed() {
        String huge = "{\"username\":\"" + "a".repeat(70_000) + "\",\"code\":\"123456\"}";
        return Stream.of(
                Arguments.of("POST", "/api/v1/totp/verify", "{not json", 400, "invalid_json"),
                Arguments.of("POST", "/api/v1/totp/verify", "", 400, "invalid_json"),
                Arguments.of("POST", "/api/v1/totp/verify", "[1,2]", 400, "invalid_json"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":\"rita\",\"code\":\"1\"}{}", 400,
                        "invalid_json"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":\"rita\",\"code\":123456}", 400,
                        "invalid_field"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":[\"rita\"],\"code\":\"123456\"}", 400,
                        "invalid_field"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"code\":\"123456\"}", 400, "invalid_field"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":\"rita\"}", 400, "invalid_field"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":\"rita\",\"code\":\"12a456\"}", 400,
                        "invalid_code_format"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":\"rita\",\"code\":\"12345\"}", 400,
                        "invalid_code_format"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":\"rita\",\"code\":\"123456789\"}", 400,
                        "invalid_code_format"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":\"rita\",\"code\":\"１２３４５６\"}", 400,
                        "invalid_code_format"),
                Arguments.of("POST", "/api/v1/totp/verify", "{\"username\":\"nobody\",\"code\":\"123456\"}", 404,
                        "unknown_user"),
                Arguments.of("POST", "/api/v1/totp/verify", huge, 413, "body_too_large"),
                Arguments.of("POST", "/api/v1/recovery/verify", "{\"username\":\"rita\",\"code\":\"!!!!!-!!!!!\"}",
                        400, "invalid_code_format"),
                Arguments.of("POST", "/api/v1/recovery/verify", "{\"username\":\"ghost\",\"code\":\"abcde-fghij\"}",
                        404, "unknown_user"),
                Arguments.of("POST", "/api/v1/users", "{\"username\":\"bad name\"}", 400, "invalid_field"),
                Arguments.of("POST", "/api/v1/users", "{\"username\":\"rita\"}", 409, "username_taken"),
                Arguments.of("POST", "/api/v1/users", "{\"username\":\"tom\",\"roles\":\"admins\"}", 400,
                        "invalid_field"),
                Arguments.of("POST", "/api/v1/users", "{\"username\":\"tom\",\"roles\":[\"Bad Role\"]}", 400,
                        "invalid_field"),
                Arguments.of("PUT", "/api/v1/policies/ops", "{\"digits\":7}", 400, "invalid_field"),
                Arguments.of("PUT", "/api/v1/policies/ops", "{\"algorithm\":\"MD5\"}", 400, "invalid_field"),
                Arguments.of("PUT", "/api/v1/policies/ops", "{\"periodSeconds\":\"30\"}", 400, "invalid_field"),
                Arguments.of("POST", "/api/v1/users/usr_missing/totp/enrollments", "", 404, "user_not_found"),
                Arguments.of("DELETE", "/api/v1/users/usr_missing/totp", "", 404, "user_not_found"),
                Arguments.of("GET", "/api/v1/audit?limit=0", "", 400, "invalid_parameter"),
                Arguments.of("GET", "/api/v1/nothing-here", "", 404, "not_found"),
                Arguments.of("POST", "/enroll/totp/not-a-token/activate", "{\"code\":\"123456\"}", 404,
                        "enrollment_not_found"),
                Arguments.of("POST", "ENROLLMENT/activate", "{\"code\":\"abcdef\"}", 400, "invalid_code_format"),
                Arguments.of("POST", "ENROLLMENT/activate", "{\"code\":\"12345678\"}", 400, "invalid_code_format"),
                Arguments.of("POST", "ENROLLMENT/activate", "{\"cod\":\"123456\"}", 400, "invalid_field"),
                Arguments.of("POST", "ENROLLMENT/activate", huge, 413, "body_too_large"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
    @MethodSource("malformed")
    void malformed_input_gets_a_problem_response_and_changes_nothing(String method, String path, String body,
            int status, String code) {
        String target = path.startsWith("ENROLLMENT") ? enrollmentUrl + path.substring("ENROLLMENT".length()) : path;
        String before = Snapshot.of(server.gatehouse().services().core().database());
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(target))
                .header("Content-Type", "application/json")
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResult result = server.send(request, server.adminToken());
        assertThat(result.status()).as(result.toString()).isEqualTo(status);
        assertThat(result.contentType()).startsWith("application/problem+json");
        assertThat(result.json().get("code").asText()).isEqualTo(code);
        assertThat(result.json().get("status").asInt()).isEqualTo(status);
        assertThat(result.json().get("detail").asText()).isNotBlank();
        assertThat(Snapshot.of(server.gatehouse().services().core().database())).isEqualTo(before);
    }

    @ParameterizedTest(name = "token [{0}]")
    @MethodSource("unauthenticated")
    void requests_without_a_valid_token_get_401_and_change_nothing(String token) {
        String before = Snapshot.of(server.gatehouse().services().core().database());
        HttpResult result = server.post("/api/v1/users", Map.of("username", "mallory"),
                "(none)".equals(token) ? null : token);
        assertThat(result.status()).isEqualTo(401);
        assertThat(result.contentType()).startsWith("application/problem+json");
        assertThat(result.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(Snapshot.of(server.gatehouse().services().core().database())).isEqualTo(before);
    }

    static Stream<String> unauthenticated() {
        return Stream.of("(none)", " ", "ght_", "ght_abc_def", "not-a-token", "ght_" + "a".repeat(300));
    }
}
